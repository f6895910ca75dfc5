package io.github.multiref.divergences;

import io.github.multiref.api.CombinedReference;
import io.github.multiref.api.ReferenceCombiner;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.Stability;
import io.github.multiref.api.internal.MixtureArrays;

/**
 * The arithmetic mixture, the reference of multi-reference forward KL:
 * {@code pibar(y) = sum_i alpha_i pi_i(y)} (docs/math.md#mixture), summed from the references'
 * probabilities and, where that underflows, as {@code logsumexp_i(log alpha_i + log pi_i(y))}.
 * Support: the union of the supports of the references with positive weight.
 */
@Stability(Stability.Status.STABLE)
public final class MixtureCombiner implements ReferenceCombiner {

  /** The single instance. */
  public static final MixtureCombiner INSTANCE = new MixtureCombiner();

  private MixtureCombiner() {}

  @Override
  public double[] logUnnormalized(ReferenceSet refs) {
    int n = refs.responses();
    MixtureArrays mixture = new MixtureArrays(refs, new double[n], new boolean[n]);
    double[] out = new double[n];
    for (int y = 0; y < n; y++) {
      out[y] = mixture.logMix(y);
    }
    return out;
  }

  @Override
  public CombinedReference combine(ReferenceSet refs) {
    return CombinedReference.normalize("mixture", refs.prompt(), logUnnormalized(refs));
  }

  @Override
  public String toString() {
    return "mixture";
  }
}

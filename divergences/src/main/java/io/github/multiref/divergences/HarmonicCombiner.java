package io.github.multiref.divergences;

import io.github.multiref.api.CombinedReference;
import io.github.multiref.api.ReferenceCombiner;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.Stability;

/**
 * The weighted harmonic mean, the reference of the MRPO surrogate (Le et al. 2024):
 * {@code h(y) = 1 / sum_i (alpha_i / pi_i(y))}, normalized; in log space {@code log h(y) =
 * -logsumexp_i(log alpha_i - log pi_i(y))}. Support: the intersection of the supports of the
 * references with positive weight.
 */
@Stability(Stability.Status.STABLE)
public final class HarmonicCombiner implements ReferenceCombiner {

  /** The single instance. */
  public static final HarmonicCombiner INSTANCE = new HarmonicCombiner();

  private HarmonicCombiner() {}

  @Override
  public double[] logUnnormalized(ReferenceSet refs) {
    double[] out = WeightedColumns.logSumExp(refs, -1.0);
    for (int y = 0; y < out.length; y++) {
      out[y] = -out[y];
    }
    return out;
  }

  @Override
  public CombinedReference combine(ReferenceSet refs) {
    return CombinedReference.normalize("harmonic", refs.prompt(), logUnnormalized(refs));
  }

  @Override
  public String toString() {
    return "harmonic";
  }
}

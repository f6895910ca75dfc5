package io.github.multiref.api.internal;

import io.github.multiref.api.LogMath;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.Stability;

/**
 * The mixture of the references, {@code pibar(y) = sum_i alpha_i pi_i(y)}, the one implementation
 * that the mixture combiner and the forward-KL solver share: the linear mixture from the
 * references' probabilities in one pass, which response has mass so small that it underflows,
 * and the exact {@code log pibar(y)} also there.
 */
@Stability(Stability.Status.INTERNAL)
public final class MixtureArrays {

  private final ReferenceSet refs;
  private final double[] mix;
  private final boolean[] tiny;

  /**
   * Accumulates the mixture into {@code mix} and flags into {@code tiny} the responses whose
   * mixture underflows to 0 although a weighted reference gives them mass. Both arrays must
   * arrive cleared (zeros, false) and hold one entry per response.
   */
  public MixtureArrays(ReferenceSet refs, double[] mix, boolean[] tiny) {
    this.refs = refs;
    this.mix = mix;
    this.tiny = tiny;
    int n = refs.responses();
    for (int i = 0; i < refs.size(); i++) {
      double a = refs.weight(i);
      if (a > 0.0) {
        DistributionArrays.addWeightedProbs(refs.reference(i), a, mix);
      }
    }
    for (int y = 0; y < n; y++) {
      if (mix[y] == 0.0) {
        for (int i = 0; i < refs.size(); i++) {
          tiny[y] |= refs.weight(i) > 0 && refs.reference(i).inSupport(y);
        }
      }
    }
  }

  /** {@code pibar(y)} in linear space (0 where it underflows): the array itself. */
  public double[] mix() {
    return mix;
  }

  /** Whether a reference with positive weight gives y mass. */
  public boolean inSupport(int y) {
    return mix[y] > 0 || tiny[y];
  }

  /** {@code log pibar(y)}, exact also where {@code pibar(y)} underflows; -inf off the support. */
  public double logMix(int y) {
    if (!tiny[y] && mix[y] > Double.MIN_NORMAL) {
      return Math.log(mix[y]);
    }
    double out = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < refs.size(); i++) {
      if (refs.weight(i) > 0) {
        out = LogMath.logAddExp(out, Math.log(refs.weight(i)) + refs.reference(i).logProb(y));
      }
    }
    return out;
  }
}

package io.github.multiref.divergences;

import io.github.multiref.api.CombinedReference;
import io.github.multiref.api.LogMath;
import io.github.multiref.api.ReferenceCombiner;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.Stability;
import io.github.multiref.api.internal.DistributionArrays;

/**
 * The generalized escort (weighted geometric mean), the exact reference of multi-reference reverse
 * KL: {@code pi_alpha(y) = prod_i pi_i(y)^alpha_i / F_alpha} with
 * {@code F_alpha = sum_y prod_i pi_i(y)^alpha_i <= 1} (Hoelder).
 *
 * <p>In log space {@code log pi_alpha(y) = sum_i alpha_i log pi_i(y) - log F_alpha}. References with
 * zero weight are skipped, so their zero-mass responses do not matter. Support: the intersection of
 * the supports of the references with positive weight; an empty intersection is an {@link
 * io.github.multiref.api.EmptySupportException} naming the prompt.
 */
@Stability(Stability.Status.STABLE)
public final class EscortCombiner implements ReferenceCombiner {

  /** The single instance. */
  public static final EscortCombiner INSTANCE = new EscortCombiner();

  private EscortCombiner() {}

  /** {@code sum_i alpha_i log pi_i(y)}, {@code -inf} where a weighted reference has no mass. */
  @Override
  public double[] logUnnormalized(ReferenceSet refs) {
    int n = refs.responses();
    double[] out = new double[n];
    for (int i = 0; i < refs.size(); i++) {
      double w = refs.weight(i);
      if (w != 0.0) { // the reverse-KL solver accumulates its escort with the same kernel
        DistributionArrays.addWeightedLogProbsAndExpect(refs.reference(i), w, out, null);
      }
    }
    return out;
  }

  @Override
  public CombinedReference combine(ReferenceSet refs) {
    return CombinedReference.normalize("escort", refs.prompt(), logUnnormalized(refs));
  }

  /**
   * {@code log F_alpha = log sum_y prod_i pi_i(y)^alpha_i}, in {@code [-inf, 0]} up to rounding;
   * {@code -inf} when the supports do not intersect (no exception here).
   */
  public double logF(ReferenceSet refs) {
    return LogMath.logSumExp(logUnnormalized(refs));
  }

  @Override
  public String toString() {
    return "escort";
  }
}

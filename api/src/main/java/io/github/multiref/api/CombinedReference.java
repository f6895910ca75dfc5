package io.github.multiref.api;

/**
 * The result of combining K references: the normalized distribution and the log of the
 * unnormalized mass it was divided by.
 *
 * <p>For the generalized escort, {@code logNormalizer} is {@code log F_alpha = log sum_y prod_i
 * pi_i(y)^alpha_i <= 0}; for the arithmetic mixture it is 0 (up to rounding).
 *
 * @param distribution the combined reference, normalized
 * @param logNormalizer {@code log sum_y M(y)} of the unnormalized combination M
 */
@Stability(Stability.Status.STABLE)
public record CombinedReference(LogDistribution distribution, double logNormalizer) {

  /** Validates that both parts are present and the normalizer is finite. */
  public CombinedReference {
    if (distribution == null) {
      throw new IllegalArgumentException("distribution must not be null");
    }
    if (!Double.isFinite(logNormalizer)) {
      throw new IllegalArgumentException("logNormalizer must be finite, got " + logNormalizer);
    }
  }

  /**
   * Normalizes {@code log M(y)} into a combined reference.
   *
   * @param combination the combiner's name, for the error message
   * @param prompt the prompt's label, for the error message
   * @param logUnnormalized {@code log M(y)} per response
   * @throws EmptySupportException if every entry is {@code -inf}
   */
  public static CombinedReference normalize(
      String combination, String prompt, double[] logUnnormalized) {
    for (double v : logUnnormalized) {
      if (v > Double.NEGATIVE_INFINITY) {
        LogDistribution.Normalized n = LogDistribution.normalizeWithMass(logUnnormalized);
        return new CombinedReference(n.distribution(), n.logMass());
      }
    }
    throw new EmptySupportException(combination, prompt);
  }
}

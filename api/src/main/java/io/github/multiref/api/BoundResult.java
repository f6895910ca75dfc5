package io.github.multiref.api;

/**
 * A bound's value with what is needed to cite it. The value is held by its natural log, so that a
 * bound beyond the double range (a vacuous one, at small beta) is still a number.
 *
 * @param logValue {@code log} of the bound: not NaN; {@code -inf} for a bound of 0, {@code +inf}
 *     for an infinite one
 * @param formula the formula used, in plain text (e.g. {@code C * eps_n / (4 beta)})
 * @param inputs the inputs it was evaluated at
 */
@Stability(Stability.Status.STABLE)
public record BoundResult(double logValue, String formula, BoundInputs inputs) {

  /** Validates the fields. */
  public BoundResult {
    if (Double.isNaN(logValue)) {
      throw new IllegalArgumentException("the log of a bound must not be NaN");
    }
    if (formula == null || formula.isBlank()) {
      throw new IllegalArgumentException("formula must be given");
    }
    if (inputs == null) {
      throw new IllegalArgumentException("inputs must not be null");
    }
  }

  /**
   * A result from the bound's value itself.
   *
   * @throws IllegalArgumentException unless {@code value >= 0}
   */
  public static BoundResult of(double value, String formula, BoundInputs inputs) {
    if (!(value >= 0.0)) {
      throw new IllegalArgumentException("bound value must be >= 0, got " + value);
    }
    return new BoundResult(Math.log(value), formula, inputs);
  }

  /** The bound, {@code exp(logValue)}: {@code +inf} when it is beyond the double range. */
  public double value() {
    return Math.exp(logValue);
  }
}

package io.github.multiref.api;

/**
 * A bound's value with what is needed to cite it.
 *
 * @param value the bound, {@code >= 0}
 * @param formula the formula used, in plain text (e.g. {@code C * eps_n / (4 beta)})
 * @param inputs the inputs it was evaluated at
 */
public record BoundResult(double value, String formula, BoundInputs inputs) {

  /** Validates the fields. */
  public BoundResult {
    if (!(value >= 0.0)) {
      throw new IllegalArgumentException("bound value must be >= 0, got " + value);
    }
    if (formula == null || formula.isBlank()) {
      throw new IllegalArgumentException("formula must be given");
    }
    if (inputs == null) {
      throw new IllegalArgumentException("inputs must not be null");
    }
  }
}

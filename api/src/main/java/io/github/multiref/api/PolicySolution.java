package io.github.multiref.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@link Solver} returns for one prompt.
 *
 * @param policy the optimal (or surrogate) policy
 * @param objective the value of the problem's objective at {@code policy}
 * @param iterations iterations spent (0 for closed forms)
 * @param residual the solver's own convergence residual (0 for closed forms)
 * @param diagnostics named extra quantities, e.g. {@code logZ}, {@code logF}, {@code lambda},
 *     {@code upperBound}; unmodifiable, in insertion order
 */
public record PolicySolution(
    LogDistribution policy,
    double objective,
    int iterations,
    double residual,
    Map<String, Double> diagnostics) {

  /** Validates and freezes the diagnostics. */
  public PolicySolution {
    if (policy == null) {
      throw new IllegalArgumentException("policy must not be null");
    }
    if (Double.isNaN(objective)) {
      throw new IllegalArgumentException("objective must not be NaN");
    }
    if (iterations < 0) {
      throw new IllegalArgumentException("iterations must be >= 0, got " + iterations);
    }
    diagnostics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(diagnostics));
  }
}

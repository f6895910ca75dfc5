package io.github.multiref.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a {@link Solver} returns for one prompt.
 *
 * @param policy the optimal (or surrogate) policy
 * @param objective the value of the problem's objective at {@code policy}
 * @param iterations iterations spent (0 for closed forms)
 * @param residual the solver's own convergence residual (0 for closed forms)
 * @param diagnostics extra quantities by {@link Diagnostic}, such as {@link Diagnostic#MULTIPLIER};
 *     unmodifiable, in insertion order
 * @param combinedReference the combined reference the policy tilts, when the solution has that
 *     form: the escort for reverse KL, the mixture for forward KL, the harmonic mean for the MRPO
 *     surrogate; empty otherwise (the general f-divergence solution tilts no single reference)
 */
@Stability(Stability.Status.STABLE)
public record PolicySolution(
    LogDistribution policy,
    double objective,
    int iterations,
    double residual,
    Map<Diagnostic, Double> diagnostics,
    Optional<ReferenceCombiner> combinedReference) {

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
    if (diagnostics == null) {
      throw new IllegalArgumentException("diagnostics must not be null (an empty map)");
    }
    if (combinedReference == null) {
      throw new IllegalArgumentException("combinedReference must not be null (Optional.empty())");
    }
    Map<Diagnostic, Double> copy = new LinkedHashMap<>(diagnostics);
    copy.forEach((key, value) -> {
      if (key == null || value == null) {
        throw new IllegalArgumentException("diagnostic " + key + " = " + value
            + ": neither may be null");
      }
    });
    diagnostics = Collections.unmodifiableMap(copy);
  }

  /** A solution that tilts no single combined reference. */
  public PolicySolution(LogDistribution policy, double objective, int iterations, double residual,
      Map<Diagnostic, Double> diagnostics) {
    this(policy, objective, iterations, residual, diagnostics, Optional.empty());
  }

  /** The value of one diagnostic, empty when the solver does not report it. */
  public OptionalDouble diagnostic(Diagnostic key) {
    Double value = diagnostics.get(key);
    return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
  }

  /** This solution, reported as a tilt of {@code reference}. */
  public PolicySolution withCombinedReference(ReferenceCombiner reference) {
    return new PolicySolution(policy, objective, iterations, residual, diagnostics,
        Optional.of(reference));
  }
}

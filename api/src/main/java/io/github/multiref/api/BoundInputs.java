package io.github.multiref.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything a sample-complexity bound may depend on. The coverage constant is held by its log,
 * because its worst case {@code exp(R_max / beta)} leaves the double range for small beta
 * ({@code R_max / beta > 709}) while every bound stays computable in log space.
 *
 * @param n number of preference pairs, {@code >= 1}
 * @param delta failure probability, in {@code (0, 1)}
 * @param beta regularization strength, {@code > 0}
 * @param rMax reward bound, rewards in {@code [0, R_max]}, {@code > 0}
 * @param classSize size of the finite reward class {@code |R| >= 1}
 * @param kappa the preference model's {@code kappa(R_max) >= 1} ({@code +inf} allowed: then
 *     every bound is {@code +inf})
 * @param logCoverage {@code log C} of the coverage constant {@code C >= 1}: finite, {@code >= 0}
 */
@Stability(Stability.Status.STABLE)
public record BoundInputs(
    long n, double delta, double beta, double rMax, double classSize, double kappa,
    double logCoverage) {

  /** Validates every field, naming it and its value. */
  public BoundInputs {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
    if (!(delta > 0.0 && delta < 1.0)) {
      throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
    }
    if (!(beta > 0.0 && beta < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("beta must be finite and > 0, got " + beta);
    }
    if (!(rMax > 0.0 && rMax < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("rMax must be finite and > 0, got " + rMax);
    }
    if (!(classSize >= 1.0 && classSize < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("classSize must be finite and >= 1, got " + classSize);
    }
    if (!(kappa >= 1.0)) {
      throw new IllegalArgumentException("kappa must be >= 1, got " + kappa);
    }
    if (!(logCoverage >= 0.0 && logCoverage < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("the coverage constant must be >= 1 with a finite log,"
          + " got log C = " + logCoverage);
    }
  }

  /**
   * The inputs with the coverage constant given directly.
   *
   * @throws IllegalArgumentException unless {@code coverage} is finite and {@code >= 1}
   */
  public static BoundInputs withCoverage(long n, double delta, double beta, double rMax,
      double classSize, double kappa, double coverage) {
    if (!(coverage >= 1.0 && coverage < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("coverage must be finite and >= 1, got " + coverage);
    }
    return new BoundInputs(n, delta, beta, rMax, classSize, kappa, Math.log(coverage));
  }

  /** The coverage constant {@code C = exp(logCoverage)}; {@code +inf} beyond the double range. */
  public double coverage() {
    return Math.exp(logCoverage);
  }

  /**
   * Lemma A.1's bound on the MLE's reward error, {@code eps_n = 2 kappa^2 log(|R|/delta) / n}:
   * with probability at least {@code 1 - delta}, {@code E[((r_hat(y) - r_hat(y')) - (r*(y) -
   * r*(y')))^2] <= eps_n} over pairs from the sampling policy.
   */
  public double rewardErrorBound() {
    return 2.0 * kappa * kappa * Math.log(classSize / delta) / n;
  }

  /** The same inputs with another n. */
  public BoundInputs withN(long newN) {
    return new BoundInputs(newN, delta, beta, rMax, classSize, kappa, logCoverage);
  }

  /** The inputs by name, for citing a result. */
  public Map<String, Double> asMap() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("n", (double) n);
    m.put("delta", delta);
    m.put("beta", beta);
    m.put("rMax", rMax);
    m.put("classSize", classSize);
    m.put("kappa", kappa);
    m.put("logCoverage", logCoverage);
    return m;
  }
}

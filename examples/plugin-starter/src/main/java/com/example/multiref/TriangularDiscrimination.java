package com.example.multiref;

import io.github.multiref.api.Divergence;

/**
 * Triangular discrimination (Le Cam): {@code f(t) = (t - 1)^2 / (t + 1)}, so {@code D(p||q) = sum
 * (p - q)^2 / (p + q)}. {@code f'(t) = 1 - 4 / (t + 1)^2} runs from -3 to 1, with inverse {@code 2
 * / sqrt(1 - u) - 1}.
 *
 * <p>Its derivative has a finite limit {@code f'(inf) = 1}, so the solvers need the gap below it
 * in log space: at references hundreds of nats apart, {@code 1 - f'(t) = 4 / (t + 1)^2} is far
 * below the rounding of 1. {@link #logFPrimeGap} and {@link #logRatioAtFPrimeGap} give it exactly;
 * without them the contract kit fails this class at real magnitudes.
 */
public final class TriangularDiscrimination implements Divergence {

  @Override
  public double f(double t) {
    return t == Double.POSITIVE_INFINITY ? t : (t - 1) * (t - 1) / (t + 1);
  }

  @Override
  public double fPrime(double t) {
    return 1 - 4 / ((t + 1) * (t + 1));
  }

  @Override
  public double fPrimeInverse(double u) {
    if (u <= -3) {
      return 0.0;
    }
    if (u >= 1) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.max(0.0, 2 / Math.sqrt(1 - u) - 1);
  }

  /** {@code log(1 - f'(t)) = log 4 - 2 log(1 + t)}. */
  @Override
  public double logFPrimeGap(double logT) {
    return Math.log(4) - 2 * log1pExp(logT);
  }

  /** {@code t = 2 / sqrt(gap) - 1 = expm1(log 2 - log(gap) / 2)}; 0 once the gap reaches 4. */
  @Override
  public double logRatioAtFPrimeGap(double logGap) {
    double a = Math.log(2) - 0.5 * logGap;
    if (!(a > 0)) {
      return Double.NEGATIVE_INFINITY;
    }
    return a > 1 ? a + Math.log1p(-Math.exp(-a)) : Math.log(Math.expm1(a));
  }

  /** {@code t f''(t) = 8 t / (t + 1)^3}. */
  @Override
  public double logSlopeOfFPrime(double logT) {
    return Math.log(8) + logT - 3 * log1pExp(logT);
  }

  /** {@code (p - q)^2 / (p + q)}. */
  @Override
  public double term(double logP, double logQ) {
    double p = Math.exp(logP);
    double q = Math.exp(logQ);
    return p + q == 0 ? 0.0 : (p - q) * (p - q) / (p + q);
  }

  private static double log1pExp(double x) {
    return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }

  @Override
  public String toString() {
    return "triangular";
  }
}

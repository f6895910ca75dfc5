package io.github.multiref.plugins.neyman;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogMath;
import io.github.multiref.api.Stability;
import java.util.Optional;

/**
 * Neyman chi^2: {@code f(t) = (t - 1)^2 / t}, so {@code D_f(pi||q) = sum (pi - q)^2 / pi}: Pearson
 * chi^2 with the arguments swapped.
 *
 * <p>The policy pi is the first argument. The divergence is {@code +inf} when pi has no mass where q
 * has some ({@code f(0) = +inf}), and finite where pi has mass outside q's support ({@code f'(inf) =
 * 1}). {@code f'(t) = 1 - 1/t^2}, {@code (f')^-1(u) = 1/sqrt(1 - u)} for {@code u < 1}.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class NeymanChiSquared implements Divergence {

  /** The single instance. */
  public static final NeymanChiSquared INSTANCE = new NeymanChiSquared();

  private NeymanChiSquared() {}

  @Override
  public double f(double t) {
    if (t == 0.0) {
      return Double.POSITIVE_INFINITY;
    }
    return (t - 1.0) * (t - 1.0) / t;
  }

  @Override
  public double fPrime(double t) {
    return 1.0 - 1.0 / (t * t);
  }

  @Override
  public double fPrimeInverse(double u) {
    return u >= 1.0 ? Double.POSITIVE_INFINITY : 1.0 / Math.sqrt(1.0 - u);
  }

  @Override
  public double logFPrimeInverse(double u) {
    return u >= 1.0 ? Double.POSITIVE_INFINITY : -0.5 * Math.log1p(-u);
  }

  /** {@code 1 - exp(-2 log t)}, without overflow for large |log t| where the value is finite. */
  @Override
  public double fPrimeOfLogRatio(double logT) {
    return -Math.expm1(-2.0 * logT);
  }

  /** {@code (p - q)^2 / p = p (q/p - 1)^2 = exp(log p + 2 log|expm1(log q - log p)|)}. */
  @Override
  public double term(double logP, double logQ) {
    if (logQ == Double.NEGATIVE_INFINITY) {
      return Math.exp(logP);
    }
    if (logP == Double.NEGATIVE_INFINITY) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.exp(logP + 2.0 * LogMath.logAbsExpm1(logQ - logP));
  }

  /** {@code t2^-2 - t1^-2}, in log space (no overflow where the difference is finite). */
  @Override
  public double fPrimeDifference(double logT1, double logT2) {
    return LogMath.expDifference(-2.0 * logT2, -2.0 * logT1);
  }

  /** {@code t f''(t) = 2 / t^2}. */
  @Override
  public double logSlopeOfFPrime(double logT) {
    return LogMath.LN2 - 2.0 * logT;
  }

  private static final Optional<PowerForm> POWER = Optional.of(new PowerForm(-2.0, 2.0, 0.0));

  /**
   * {@code f'(t) = 1 - t^-2 = 2 (t^-2 - 1)/(-2)}: exponent -2, scale 2, shift 0. Declaring it gives
   * this plugin the solvers' closed forms, exact at any magnitude.
   */
  @Override
  public Optional<PowerForm> powerForm() {
    return POWER;
  }

  @Override
  public String toString() {
    return "neyman-chi2";
  }
}

package io.github.multiref.divergences;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogMath;
import io.github.multiref.api.Stability;
import java.util.Optional;

/**
 * Pearson chi^2: {@code f(t) = (t - 1)^2}, so {@code D_f(pi||q) = sum (pi - q)^2 / q}.
 *
 * <p>The policy pi is the first argument; {@code +inf} when pi has mass where q has none. {@code
 * f'(t) = 2(t - 1)} is finite at 0 ({@code f'(0+) = -2}), which is why optimal policies under this
 * divergence can put exactly zero mass on low-reward responses.
 */
@Stability(Stability.Status.STABLE)
public final class PearsonChiSquared implements Divergence {

  /** The single instance. */
  public static final PearsonChiSquared INSTANCE = new PearsonChiSquared();

  private PearsonChiSquared() {}

  @Override
  public double f(double t) {
    return (t - 1.0) * (t - 1.0);
  }

  @Override
  public double fPrime(double t) {
    return 2.0 * (t - 1.0);
  }

  @Override
  public double fPrimeInverse(double u) {
    return u <= -2.0 ? 0.0 : 1.0 + 0.5 * u;
  }

  @Override
  public double logFPrimeInverse(double u) {
    return u <= -2.0 ? Double.NEGATIVE_INFINITY : Math.log1p(0.5 * u);
  }

  @Override
  public double fPrimeOfLogRatio(double logT) {
    return 2.0 * Math.expm1(logT);
  }

  /** {@code q (exp(log p - log q) - 1)^2}, evaluated as {@code exp(log q + 2 log|expm1(d)|)}. */
  @Override
  public double term(double logP, double logQ) {
    if (logQ == Double.NEGATIVE_INFINITY) {
      return logP == Double.NEGATIVE_INFINITY ? 0.0 : Double.POSITIVE_INFINITY;
    }
    if (logP == Double.NEGATIVE_INFINITY) {
      return Math.exp(logQ);
    }
    return Math.exp(logQ + 2.0 * LogMath.logAbsExpm1(logP - logQ));
  }

  /** {@code 2 (exp(logT1) - exp(logT2))}, in log space. */
  @Override
  public double fPrimeDifference(double logT1, double logT2) {
    return 2.0 * LogMath.expDifference(logT1, logT2);
  }

  /** {@code t f''(t) = 2t}. */
  @Override
  public double logSlopeOfFPrime(double logT) {
    return LogMath.LN2 + logT;
  }

  private static final Optional<PowerForm> POWER = Optional.of(new PowerForm(1.0, 2.0, 0.0));

  /** {@code f'(t) = 2 (t - 1)}: exponent 1, scale 2, shift 0. */
  @Override
  public Optional<PowerForm> powerForm() {
    return POWER;
  }

  @Override
  public String toString() {
    return "pearson-chi2";
  }
}

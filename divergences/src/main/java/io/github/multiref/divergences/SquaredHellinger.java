package io.github.multiref.divergences;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogMath;
import io.github.multiref.api.Stability;
import java.util.Optional;

/**
 * Squared Hellinger: {@code f(t) = (sqrt t - 1)^2}, so {@code D_f(pi||q) = sum (sqrt pi - sqrt
 * q)^2 = 2 (1 - sum sqrt(pi q))}, which is twice the squared Hellinger distance under the
 * {@code 1/2}-normalized convention.
 *
 * <p>Symmetric and bounded by 2: finite for disjoint supports. {@code f'(t) = 1 - 1/sqrt t}, {@code
 * (f')^-1(u) = 1/(1 - u)^2} for {@code u < 1}.
 */
@Stability(Stability.Status.STABLE)
public final class SquaredHellinger implements Divergence {

  /** The single instance. */
  public static final SquaredHellinger INSTANCE = new SquaredHellinger();

  private SquaredHellinger() {}

  @Override
  public double f(double t) {
    double s = Math.sqrt(t) - 1.0;
    return s * s;
  }

  @Override
  public double fPrime(double t) {
    return 1.0 - 1.0 / Math.sqrt(t);
  }

  @Override
  public double fPrimeInverse(double u) {
    if (u >= 1.0) {
      return Double.POSITIVE_INFINITY;
    }
    double s = 1.0 - u;
    return 1.0 / (s * s);
  }

  @Override
  public double logFPrimeInverse(double u) {
    return u >= 1.0 ? Double.POSITIVE_INFINITY : -2.0 * Math.log1p(-u);
  }

  @Override
  public double fPrimeOfLogRatio(double logT) {
    return -Math.expm1(-0.5 * logT);
  }

  /** {@code q (sqrt(p/q) - 1)^2 = exp(log q + 2 log|expm1(d/2)|)}; p where q = 0; q where p = 0. */
  @Override
  public double term(double logP, double logQ) {
    if (logQ == Double.NEGATIVE_INFINITY) {
      return Math.exp(logP);
    }
    if (logP == Double.NEGATIVE_INFINITY) {
      return Math.exp(logQ);
    }
    return Math.exp(logQ + 2.0 * LogMath.logAbsExpm1(0.5 * (logP - logQ)));
  }

  /** {@code exp(-logT2/2) - exp(-logT1/2)}, in log space. */
  @Override
  public double fPrimeDifference(double logT1, double logT2) {
    return LogMath.expDifference(-0.5 * logT2, -0.5 * logT1);
  }

  /** {@code t f''(t) = t^(-1/2) / 2}. */
  @Override
  public double logSlopeOfFPrime(double logT) {
    return -LogMath.LN2 - 0.5 * logT;
  }

  private static final Optional<PowerForm> POWER = Optional.of(new PowerForm(-0.5, 0.5, 0.0));

  /** {@code f'(t) = 1 - t^(-1/2) = (1/2) (t^(-1/2) - 1)/(-1/2)}: exponent -1/2, scale 1/2. */
  @Override
  public Optional<PowerForm> powerForm() {
    return POWER;
  }

  @Override
  public String toString() {
    return "squared-hellinger";
  }
}

package io.github.multiref.divergences;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogMath;
import io.github.multiref.api.Stability;
import java.util.Optional;

/**
 * Forward KL: {@code f(t) = -log t}, so {@code D_f(pi||q) = KL(q||pi) = sum q log(q/pi)}.
 *
 * <p>The policy pi is the first argument; the divergence is {@code +inf} when pi has no mass where q
 * has some, and finite when pi has mass outside q's support. {@code f'(t) = -1/t}, {@code
 * (f')^-1(u) = -1/u} for {@code u < 0}.
 */
@Stability(Stability.Status.STABLE)
public final class ForwardKl implements Divergence {

  /** The single instance. */
  public static final ForwardKl INSTANCE = new ForwardKl();

  private ForwardKl() {}

  @Override
  public double f(double t) {
    return -Math.log(t);
  }

  @Override
  public double fPrime(double t) {
    return -1.0 / t;
  }

  @Override
  public double fPrimeInverse(double u) {
    return u >= 0.0 ? Double.POSITIVE_INFINITY : -1.0 / u;
  }

  @Override
  public double logFPrimeInverse(double u) {
    return u >= 0.0 ? Double.POSITIVE_INFINITY : -Math.log(-u);
  }

  @Override
  public double fPrimeOfLogRatio(double logT) {
    return -Math.exp(-logT);
  }

  /** {@code q (log q - log p)}; {@code +inf} where {@code p = 0 < q}; 0 where q = 0. */
  @Override
  public double term(double logP, double logQ) {
    if (logQ == Double.NEGATIVE_INFINITY) {
      return 0.0;
    }
    if (logP == Double.NEGATIVE_INFINITY) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.exp(logQ) * (logQ - logP);
  }

  /** {@code exp(-logT2) - exp(-logT1)}, in log space. */
  @Override
  public double fPrimeDifference(double logT1, double logT2) {
    return LogMath.expDifference(-logT2, -logT1);
  }

  /** {@code t f''(t) = 1/t}. */
  @Override
  public double logSlopeOfFPrime(double logT) {
    return -logT;
  }

  private static final Optional<PowerForm> POWER = Optional.of(new PowerForm(-1.0, 1.0, -1.0));

  /** {@code f'(t) = -1/t = -1 + (t^-1 - 1)/(-1)}: exponent -1, scale 1, shift -1. */
  @Override
  public Optional<PowerForm> powerForm() {
    return POWER;
  }

  @Override
  public String toString() {
    return "forward-kl";
  }
}

package io.github.multiref.divergences;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.Stability;
import java.util.Optional;

/**
 * Reverse KL: {@code f(t) = t log t}, so {@code D_f(pi||q) = KL(pi||q) = sum pi log(pi/q)}.
 *
 * <p>The policy pi is the first argument; the divergence is {@code +inf} when pi has mass where q
 * has none. {@code f'(t) = log t + 1}, {@code (f')^-1(u) = exp(u - 1)}.
 */
@Stability(Stability.Status.STABLE)
public final class ReverseKl implements Divergence {

  /** The single instance. */
  public static final ReverseKl INSTANCE = new ReverseKl();

  private ReverseKl() {}

  @Override
  public double f(double t) {
    if (t == 0.0) {
      return 0.0;
    }
    return t * Math.log(t);
  }

  @Override
  public double fPrime(double t) {
    return Math.log(t) + 1.0;
  }

  @Override
  public double fPrimeInverse(double u) {
    return Math.exp(u - 1.0);
  }

  @Override
  public double logFPrimeInverse(double u) {
    return u - 1.0;
  }

  @Override
  public double fPrimeOfLogRatio(double logT) {
    return logT + 1.0;
  }

  /** {@code p (log p - log q)}; 0 where p = 0; {@code +inf} where {@code q = 0 < p}. */
  @Override
  public double term(double logP, double logQ) {
    if (logP == Double.NEGATIVE_INFINITY) {
      return 0.0;
    }
    if (logQ == Double.NEGATIVE_INFINITY) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.exp(logP) * (logP - logQ);
  }

  /** {@code logT1 - logT2}. */
  @Override
  public double fPrimeDifference(double logT1, double logT2) {
    return logT1 - logT2;
  }

  /** {@code t f''(t) = 1}. */
  @Override
  public double logSlopeOfFPrime(double logT) {
    return 0.0;
  }

  private static final Optional<PowerForm> POWER = Optional.of(new PowerForm(0.0, 1.0, 1.0));

  /** {@code f'(t) = 1 + log t}: exponent 0, scale 1, shift 1. */
  @Override
  public Optional<PowerForm> powerForm() {
    return POWER;
  }

  @Override
  public String toString() {
    return "reverse-kl";
  }
}

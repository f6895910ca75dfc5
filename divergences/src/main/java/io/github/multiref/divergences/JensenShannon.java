package io.github.multiref.divergences;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogMath;
import io.github.multiref.api.Stability;

/**
 * Jensen-Shannon: {@code f(t) = t log t - (1 + t) log((1 + t)/2)}, so {@code D_f(pi||q) =
 * KL(pi||m) + KL(q||m)} with {@code m = (pi + q)/2}: twice the usual Jensen-Shannon divergence.
 *
 * <p>Symmetric and bounded by {@code 2 log 2}: finite for disjoint supports. {@code f'(t) =
 * log(2t/(1 + t))} rises from {@code -inf} to {@code log 2}; {@code (f')^-1(u) = e^u / (2 - e^u)}.
 */
@Stability(Stability.Status.STABLE)
public final class JensenShannon implements Divergence {

  /** The single instance. */
  public static final JensenShannon INSTANCE = new JensenShannon();

  private JensenShannon() {}

  @Override
  public double f(double t) {
    if (t == 0.0) {
      return LogMath.LN2;
    }
    return term(Math.log(t), 0.0);
  }

  @Override
  public double fPrime(double t) {
    return fPrimeOfLogRatio(Math.log(t));
  }

  @Override
  public double fPrimeInverse(double u) {
    return Math.exp(logFPrimeInverse(u));
  }

  /** The part of {@code log 2} that the double {@link LogMath#LN2} leaves off. */
  private static final double LN2_TAIL = 2.3190468138462996e-17;

  /**
   * {@code u - log(2 - e^u) = u - log 2 - log(1 - e^(u - log 2))}, with {@code u - log 2} formed
   * from log 2 in two doubles: next to {@code f'(inf) = log 2} that distance is all the answer.
   */
  @Override
  public double logFPrimeInverse(double u) {
    double d = (u - LogMath.LN2) - LN2_TAIL;
    if (!(d < 0)) {
      return Double.POSITIVE_INFINITY;
    }
    return d - LogMath.log1mExp(d);
  }

  /** {@code log 2 - log(1 + 1/t)}. */
  @Override
  public double fPrimeOfLogRatio(double logT) {
    return LogMath.LN2 - LogMath.log1pExp(-logT);
  }

  /**
   * {@code p log(2p/(p+q)) + q log(2q/(p+q)) = ((p+q)/2) B(u)} with {@code u = (p-q)/(p+q) =
   * tanh(d/2)}, {@code d = log p - log q} and {@code B(u) = (1+u) log(1+u) + (1-u) log(1-u)}.
   * B is summed as its series {@code sum_k u^(2k) / (k (2k-1))} for {@code |u| < 0.1}, where the two
   * logarithms would cancel, and from {@code 1 +- u = 2 sigmoid(+-d)} otherwise.
   */
  @Override
  public double term(double logP, double logQ) {
    if (logQ == Double.NEGATIVE_INFINITY) {
      return Math.exp(logP) * LogMath.LN2;
    }
    if (logP == Double.NEGATIVE_INFINITY) {
      return Math.exp(logQ) * LogMath.LN2;
    }
    double halfMass = Math.exp(LogMath.logAddExp(logP, logQ) - LogMath.LN2);
    double d = logP - logQ;
    double u = Math.tanh(0.5 * d);
    double b;
    if (Math.abs(u) < 0.1) {
      double u2 = u * u;
      double power = u2;
      b = 0.0;
      for (int k = 1; k <= 12; k++) {
        b += power / (k * (2.0 * k - 1.0));
        power *= u2;
      }
    } else {
      double onePlusU = 2.0 / (1.0 + Math.exp(-d));
      double oneMinusU = 2.0 / (1.0 + Math.exp(d));
      b = onePlusU * (LogMath.LN2 - LogMath.log1pExp(-d))
          + oneMinusU * (LogMath.LN2 - LogMath.log1pExp(d));
    }
    return halfMass * b;
  }

  /** {@code log(1 + 1/t2) - log(1 + 1/t1)}: bounded, no overflow. */
  @Override
  public double fPrimeDifference(double logT1, double logT2) {
    if (logT1 == logT2) {
      return 0.0;
    }
    return LogMath.log1pExp(-logT2) - LogMath.log1pExp(-logT1);
  }

  /** {@code t f''(t) = 1/(1 + t)}. */
  @Override
  public double logSlopeOfFPrime(double logT) {
    return -LogMath.log1pExp(logT);
  }

  /**
   * {@code log(log 2 - f'(t)) = log log(1 + 1/t)}: {@code -log t - 1/(2t)} to rounding once
   * {@code 1/t} is below 1e-300, where {@code log1p} of it would underflow.
   */
  @Override
  public double logFPrimeGap(double logT) {
    if (logT > 690) {
      return -logT;
    }
    return Math.log(LogMath.log1pExp(-logT));
  }

  /**
   * {@code log(1 + 1/t) = g} gives {@code log t = -log(expm1(g))}, taken as {@code -log g} when g
   * underflows and as {@code -g - log1p(-e^-g)} when {@code expm1} would overflow.
   */
  @Override
  public double logRatioAtFPrimeGap(double logGap) {
    if (logGap < -690) {
      return -logGap;
    }
    double g = Math.exp(logGap);
    if (g > 30) {
      return -(g + Math.log1p(-Math.exp(-g)));
    }
    return -Math.log(Math.expm1(g));
  }

  @Override
  public String toString() {
    return "jensen-shannon";
  }
}

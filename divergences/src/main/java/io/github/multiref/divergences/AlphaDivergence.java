package io.github.multiref.divergences;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogMath;
import io.github.multiref.api.Stability;
import java.util.Optional;

/**
 * The alpha-divergence family (Amari's parameterization):
 * {@code f_a(t) = (t^a - a t - (1 - a)) / (a (a - 1))} for {@code a} not in {0, 1}, so
 * {@code D_a(pi||q) = (sum pi^a q^(1-a) - 1) / (a (a - 1))} for normalized pi and q.
 *
 * <ul>
 *   <li>{@code a -> 1} gives {@code t log t - t + 1}: reverse KL {@code KL(pi||q)};
 *   <li>{@code a -> 0} gives {@code -log t + t - 1}: forward KL {@code KL(q||pi)};
 *   <li>{@code a = 1/2} gives {@code 4 (1 - sum sqrt(pi q))}, twice the squared Hellinger built-in;
 *   <li>{@code a = 2} gives {@code chi^2/2}. Duality: {@code D_a(p||q) = D_(1-a)(q||p)}.
 * </ul>
 *
 * <p>Every a in the real line is accepted; a = 0 and a = 1 are evaluated as their limits, and
 * values of a near them are evaluated without cancellation, so the family is continuous there to
 * rounding. {@code f'(t) = (t^(a-1) - 1)/(a - 1)}; {@code (f')^-1(u) = (1 + (a-1) u)^(1/(a-1))}.
 */
@Stability(Stability.Status.STABLE)
public final class AlphaDivergence implements Divergence {

  private final double a;
  private final Optional<PowerForm> power;

  private AlphaDivergence(double a) {
    this.a = a;
    this.power = Optional.of(new PowerForm(a - 1.0, 1.0, 0.0));
  }

  /**
   * The divergence with parameter a.
   *
   * @throws IllegalArgumentException unless a is finite
   */
  public static AlphaDivergence of(double a) {
    if (!Double.isFinite(a)) {
      throw new IllegalArgumentException("alpha-divergence parameter a must be finite, got " + a);
    }
    return new AlphaDivergence(a);
  }

  /** The parameter a. */
  public double a() {
    return a;
  }

  @Override
  public double f(double t) {
    if (t == 0.0) {
      return a > 0.0 ? 1.0 / a : Double.POSITIVE_INFINITY;
    }
    if (t == Double.POSITIVE_INFINITY) {
      return Double.POSITIVE_INFINITY;
    }
    return term(Math.log(t), 0.0);
  }

  @Override
  public double fPrime(double t) {
    return fPrimeOfLogRatio(Math.log(t));
  }

  /** {@code expm1((a - 1) log t) / (a - 1)}, which tends to {@code log t} as a -> 1. */
  @Override
  public double fPrimeOfLogRatio(double logT) {
    if (a == 1.0) {
      return logT;
    }
    return Math.expm1((a - 1.0) * logT) / (a - 1.0);
  }

  @Override
  public double fPrimeInverse(double u) {
    return Math.exp(logFPrimeInverse(u));
  }

  /**
   * {@code log(1 + (a - 1) u) / (a - 1)}, extended by 0 and {@code +inf} outside the range. Next
   * to the end of the range ({@code u} near {@code 1/(1 - a)}) the argument cancels to a few ulps
   * of 1, so it is formed exactly: {@code a - 1} as a sum of two doubles, and {@code 1 + (a - 1)
   * u} by a fused multiply-add.
   */
  @Override
  public double logFPrimeInverse(double u) {
    if (a == 1.0) {
      return u;
    }
    double b = a - 1.0;
    double beyond = a < 1.0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    if (Double.isInfinite(u)) { // (a - 1) u is -inf (beyond the range) or +inf (log t = +-inf)
      return b * u < 0 ? beyond : b > 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }
    double bb = b - a; // a - 1 = b + bError exactly (Knuth's two-sum)
    double bError = (a - (b - bb)) + (-1.0 - bb);
    double onePlusX = Math.fma(b, u, 1.0) + bError * u; // 1 + (a - 1) u
    if (!(onePlusX > 0)) {
      return beyond;
    }
    if (Math.abs(onePlusX - 1.0) < 0.5) {
      return Math.log1p(Math.fma(b, u, bError * u)) / b;
    }
    return Math.log(onePlusX) / b;
  }

  /**
   * {@code q f_a(p/q)}. For {@code a > 1/2} the duality {@code q f_a(p/q) = p f_(1-a)(q/p)} maps
   * the computation to an exponent {@code b <= 1/2}. With {@code d = log x - log y} the term is
   * {@code y (expm1(b d)/b - expm1(d)) / (b - 1)}: summed as the series {@code y sum_{k>=2}
   * (1 + b + ... + b^(k-2)) d^k / k!} when d is small (no cancellation as p -> q or b -> 0),
   * and from {@code x^b y^(1-b)} otherwise (no overflow where the value is finite).
   */
  @Override
  public double term(double logP, double logQ) {
    if (logQ == Double.NEGATIVE_INFINITY) {
      if (logP == Double.NEGATIVE_INFINITY) {
        return 0.0;
      }
      return a < 1.0 ? Math.exp(logP) / (1.0 - a) : Double.POSITIVE_INFINITY;
    }
    if (logP == Double.NEGATIVE_INFINITY) {
      return a > 0.0 ? Math.exp(logQ) / a : Double.POSITIVE_INFINITY;
    }
    double b = a;
    double logX = logP;
    double logY = logQ;
    if (a > 0.5) {
      b = 1.0 - a;
      logX = logQ;
      logY = logP;
    }
    double d = logX - logY;
    double y = Math.exp(logY);
    if (Math.abs(d) < 0.1 && Math.abs(b * d) < 0.5) {
      return y * smallRatioSeries(b, d);
    }
    double xMinusY = Math.abs(d) < 1.0 ? y * Math.expm1(d) : Math.exp(logX) - y;
    if (b == 0.0) {
      return xMinusY - y * d;
    }
    double bd = b * d;
    // y * expm1(b d) = x^b y^(1-b) - y
    double yExpm1 =
        Math.abs(bd) < 0.5 ? y * Math.expm1(bd) : Math.exp(b * logX + (1.0 - b) * logY) - y;
    return (yExpm1 / b - xMinusY) / (b - 1.0);
  }

  /** {@code sum_{k>=2} (1 + b + ... + b^(k-2)) d^k / k!} for |d| < 0.1 and |b d| < 0.5. */
  private static double smallRatioSeries(double b, double d) {
    double sum = 0.0;
    double geometric = 1.0; // 1 + b + ... + b^(k-2), which may vanish (b = -1), so:
    double growth = Math.max(1.0, Math.abs(b)); // |geometric| <= (k-1) growth^(k-2)
    double growthPower = 1.0;
    double bPower = 1.0; // b^(k-2)
    double dPowerOverFactorial = d * d / 2.0; // d^k / k!
    for (int k = 2; k <= 40; k++) {
      sum += geometric * dPowerOverFactorial;
      bPower *= b;
      geometric += bPower;
      growthPower *= growth;
      dPowerOverFactorial *= d / (k + 1);
      if (k * growthPower * Math.abs(dPowerOverFactorial) <= 1e-17 * Math.abs(sum)) {
        break;
      }
    }
    return sum;
  }

  /**
   * {@code (t1^(a-1) - t2^(a-1)) / (a-1)}, in log space; {@code logT1 - logT2} at a = 1.
   */
  @Override
  public double fPrimeDifference(double logT1, double logT2) {
    if (a == 1.0) {
      return logT1 - logT2;
    }
    double b = a - 1.0;
    return LogMath.expDifference(b * logT1, b * logT2) / b;
  }

  /** {@code t f''(t) = t^(a-1)}. */
  @Override
  public double logSlopeOfFPrime(double logT) {
    return (a - 1.0) * logT;
  }

  /** {@code f'(t) = (t^(a-1) - 1)/(a - 1)}: exponent {@code a - 1}, scale 1, shift 0. */
  @Override
  public Optional<PowerForm> powerForm() {
    return power;
  }

  @Override
  public String toString() {
    return "alpha:a=" + a;
  }
}

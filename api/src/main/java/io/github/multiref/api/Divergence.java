package io.github.multiref.api;

import java.util.Optional;

/**
 * An f-divergence {@code D_f(p||q) = sum_y q(y) f(p(y)/q(y))} with f convex on {@code [0, inf)} and
 * {@code f(1) = 0}.
 *
 * <h2>Direction</h2>
 * The first argument p is the policy being optimized, the second q a reference. With this
 * convention the multi-reference objective is {@code E_pi r - beta * sum_i alpha_i D_f(pi||pi_i)}.
 * Reverse KL {@code KL(pi||pi_i)} is {@code f(t) = t log t}; forward KL {@code KL(pi_i||pi)} is
 * {@code f(t) = -log t}.
 *
 * <h2>Edges</h2>
 * <ul>
 *   <li>{@code f(0)} means {@code lim_{t->0+} f(t)} and may be {@code +inf}.
 *   <li>{@code fPrime(0)} means {@code f'(0+)} (may be {@code -inf}); {@code
 *       fPrime(+inf)} means {@code lim_{t->inf} f'(t) = lim f(t)/t} (may be {@code +inf}).
 *   <li>Where {@code q(y) = 0 < p(y)} the term is {@code p(y) * f'(inf)}; where {@code p(y) = 0 <
 *       q(y)} it is {@code q(y) * f(0)}; where both are 0 it is 0. So the divergence is {@code
 *       +inf}, never NaN, exactly when an infinite limit is met with positive mass.
 * </ul>
 *
 * <h2>Contract for implementations</h2>
 * Final and immutable; thread-safe; f strictly convex unless {@link #isStrictlyConvex()} says
 * otherwise; no NaN for non-NaN arguments in the domains stated below. Built-ins override {@link
 * #term(double, double)} with a log-space formula that stays finite wherever the true value is.
 */
@Stability(Stability.Status.STABLE)
public interface Divergence {

  /**
   * The generator {@code f(t)} for {@code t in [0, inf)}, with {@code f(1) = 0}.
   *
   * @return {@code f(t)}; at {@code t = 0} the right limit, possibly {@code +inf}
   */
  double f(double t);

  /**
   * The derivative {@code f'(t)} for {@code t in [0, inf]}, non-decreasing.
   *
   * @return at 0 the right limit {@code f'(0+)}, at {@code +inf} the limit {@code f'(inf)}
   */
  double fPrime(double t);

  /**
   * The inverse of {@code f'} on its range, extended to a monotone map of the whole line: for
   * {@code u} in {@code (f'(0+), f'(inf))} the unique {@code t > 0} with {@code f'(t) = u}; 0 for
   * {@code u <= f'(0+)}; {@code +inf} for {@code u >= f'(inf)}.
   *
   * @throws UnsupportedOperationException if f is not strictly convex (no inverse exists)
   */
  double fPrimeInverse(double u);

  /**
   * {@code log fPrimeInverse(u)}, for solvers that work in log space. Overrides avoid underflow
   * (for reverse KL it is simply {@code u - 1}).
   */
  default double logFPrimeInverse(double u) {
    return Math.log(fPrimeInverse(u));
  }

  /**
   * {@code f'(exp(logT))}: the derivative at a ratio given by its log, so that log-ratios of
   * magnitude 1e4 do not overflow where the derivative itself is finite.
   */
  default double fPrimeOfLogRatio(double logT) {
    return fPrime(Math.exp(logT));
  }

  /**
   * {@code f'(exp(logT1)) - f'(exp(logT2))}: the building block of f-DPO logits and implicit
   * rewards. Overrides evaluate it without cancellation or overflow where the difference is finite
   * (for forward KL, {@code exp(-logT2) - exp(-logT1)} in log space). The default subtracts {@link
   * #fPrimeOfLogRatio(double)} values, which is exact until they overflow.
   */
  default double fPrimeDifference(double logT1, double logT2) {
    if (logT1 == logT2) {
      return 0.0;
    }
    return fPrimeOfLogRatio(logT1) - fPrimeOfLogRatio(logT2);
  }

  /**
   * {@code log(d/du f'(e^u))} at {@code u = logT}, which is {@code log(t f''(t))}: the log of the
   * slope of the f-DPO logit in the policy's log-probability, kept in log space so that gradients
   * neither overflow nor underflow where they are finite. {@code -inf} where the slope is 0.
   *
   * <p>The default differentiates {@link #fPrimeOfLogRatio(double)} numerically (central
   * differences, relative accuracy about 1e-8); implementations should override it with the
   * closed form.
   */
  default double logSlopeOfFPrime(double logT) {
    double h = 1e-4 * Math.max(1.0, Math.abs(logT));
    double slope = (fPrimeOfLogRatio(logT + h) - fPrimeOfLogRatio(logT - h)) / (2 * h);
    return Math.log(slope);
  }

  /** {@code f'(0+)}. */
  default double fPrimeAtZero() {
    return fPrime(0.0);
  }

  /** {@code f'(inf) = lim_{t->inf} f(t)/t}. */
  default double fPrimeAtInfinity() {
    return fPrime(Double.POSITIVE_INFINITY);
  }

  /**
   * {@code log(f'(inf) - f'(exp(logT)))}: the log of how far the derivative is below its limit, for
   * f with finite {@code f'(inf)} (squared Hellinger, Jensen-Shannon, forward KL, alpha below 1).
   * Solvers need it where {@code f'(t)} is within rounding of {@code f'(inf)}: at {@code t = e^100}
   * squared Hellinger's {@code f'(t) = 1 - e^-50} is 1 in double precision, while this is exactly
   * {@code -50}.
   *
   * <p>The default uses {@link #powerForm()} when there is one (exact); otherwise it subtracts,
   * which is exact only while the gap is well above the rounding of {@code f'(inf)} and gives
   * {@code -inf} beyond. A divergence with finite {@code f'(inf)} and no power form must override
   * this and {@link #logRatioAtFPrimeGap(double)} with closed forms; the contract kit checks it at
   * {@code |log t|} up to 700.
   *
   * @return a decreasing function of {@code logT}; {@code +inf} when {@code f'(inf) = +inf}, and
   *     {@code log(f'(inf) - f'(0+))} (possibly {@code +inf}) at {@code logT = -inf}
   */
  default double logFPrimeGap(double logT) {
    Optional<PowerForm> power = powerForm();
    if (power.isPresent()) {
      return power.get().logFPrimeGap(logT);
    }
    return Math.log(fPrimeAtInfinity() - fPrimeOfLogRatio(logT));
  }

  /**
   * The inverse of {@link #logFPrimeGap(double)}: the {@code log t} at which {@code f'(inf) -
   * f'(t) = exp(logGap)}, for f with finite {@code f'(inf)}; {@code -inf} when the gap is at least
   * {@code f'(inf) - f'(0+)}.
   *
   * <p>The default uses {@link #powerForm()} when there is one; otherwise it calls {@link
   * #logFPrimeInverse(double)} at {@code f'(inf) - exp(logGap)}, which gives {@code +inf} once the
   * gap is below the rounding of {@code f'(inf)}. Override it with a closed form (see {@link
   * #logFPrimeGap(double)}).
   */
  default double logRatioAtFPrimeGap(double logGap) {
    Optional<PowerForm> power = powerForm();
    if (power.isPresent()) {
      return power.get().logRatioAtFPrimeGap(logGap);
    }
    return logFPrimeInverse(fPrimeAtInfinity() - Math.exp(logGap));
  }

  /**
   * The power form of {@code f'}, when f belongs to the family whose derivative is a shifted and
   * scaled Box-Cox power of t (reverse and forward KL, chi^2, squared Hellinger, the alpha family,
   * Neyman chi^2). A divergence that declares it gets closed forms from the solvers and the DPO
   * scorer, exact at any magnitude; the contract kit checks the declaration against {@link
   * #fPrimeOfLogRatio(double)}. Empty by default.
   */
  default Optional<PowerForm> powerForm() {
    return Optional.empty();
  }

  /**
   * {@code f'(t) = shift + scale (t^exponent - 1) / exponent}, read as {@code shift + scale log t}
   * at exponent 0. Then {@code f'(0+) = shift - scale/exponent} for a positive exponent ({@code
   * -inf} otherwise) and {@code f'(inf) = shift - scale/exponent} for a negative one ({@code +inf}
   * otherwise). Examples: reverse KL {@code (0, 1, 1)}, forward KL {@code (-1, 1, -1)}, chi^2
   * {@code (1, 2, 0)}, squared Hellinger {@code (-1/2, 1/2, 0)}, alpha {@code (a - 1, 1, 0)}.
   *
   * @param exponent finite
   * @param scale finite and positive (f' increases)
   * @param shift finite: {@code f'(1)}
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  record PowerForm(double exponent, double scale, double shift) {

    /**
     * Validates the parameters.
     *
     * @throws IllegalArgumentException naming the parameter and its value
     */
    public PowerForm {
      if (!Double.isFinite(exponent)) {
        throw new IllegalArgumentException("power form: exponent must be finite, got " + exponent);
      }
      if (!(scale > 0 && scale < Double.POSITIVE_INFINITY)) {
        throw new IllegalArgumentException(
            "power form: scale must be finite and > 0, got " + scale);
      }
      if (!Double.isFinite(shift)) {
        throw new IllegalArgumentException("power form: shift must be finite, got " + shift);
      }
    }

    /** {@code f'(exp(logT))}, with {@code expm1} so that small exponents lose nothing. */
    public double fPrimeOfLogRatio(double logT) {
      if (exponent == 0.0) {
        return shift + scale * logT;
      }
      return shift + scale * Math.expm1(exponent * logT) / exponent;
    }

    /** {@code f'(0+)}. */
    public double fPrimeAtZero() {
      return exponent > 0 ? shift - scale / exponent : Double.NEGATIVE_INFINITY;
    }

    /** {@code f'(inf)}. */
    public double fPrimeAtInfinity() {
      return exponent < 0 ? shift - scale / exponent : Double.POSITIVE_INFINITY;
    }

    /**
     * {@code log(f'(inf) - f'(t)) = log(scale / |exponent|) + exponent log t} for a negative
     * exponent; {@code +inf} otherwise.
     */
    public double logFPrimeGap(double logT) {
      if (exponent >= 0) {
        return Double.POSITIVE_INFINITY;
      }
      return Math.log(scale / -exponent) + exponent * logT;
    }

    /** The inverse of {@link #logFPrimeGap(double)} for a negative exponent; NaN otherwise. */
    public double logRatioAtFPrimeGap(double logGap) {
      if (exponent >= 0) {
        return Double.NaN;
      }
      return (logGap - Math.log(scale / -exponent)) / exponent;
    }
  }

  /** Whether f is strictly convex, so that {@link #fPrimeInverse(double)} exists. */
  default boolean isStrictlyConvex() {
    return true;
  }

  /**
   * One response's contribution {@code q f(p/q)} given {@code log p} and {@code log q} (each
   * {@code -inf} for zero mass), following the edge rules in the class documentation.
   *
   * <p>The default evaluates {@code f} at the ratio directly and overflows for log-ratios beyond
   * about 709; implementations should override it with a log-space formula.
   */
  default double term(double logP, double logQ) {
    if (logQ == Double.NEGATIVE_INFINITY) {
      return logP == Double.NEGATIVE_INFINITY ? 0.0 : massTimes(logP, fPrimeAtInfinity());
    }
    if (logP == Double.NEGATIVE_INFINITY) {
      return massTimes(logQ, f(0.0));
    }
    return Math.exp(logQ) * f(Math.exp(logP - logQ));
  }

  /**
   * {@code D_f(p||q)}: the sum of {@link #term(double, double)} over responses.
   *
   * @return a value {@code >= 0} (up to rounding) or {@code +inf}
   * @throws IllegalArgumentException if the two distributions have different sizes
   */
  default double divergence(LogDistribution p, LogDistribution q) {
    if (p.size() != q.size()) {
      throw new IllegalArgumentException(
          "distributions must have the same number of responses, got " + p.size() + " and "
              + q.size());
    }
    double sum = 0.0;
    for (int i = 0; i < p.size(); i++) {
      sum += term(p.logProb(i), q.logProb(i));
    }
    return sum;
  }

  /**
   * {@code exp(logMass) * value} where an infinite value wins over a mass that underflows to 0
   * (the mass is positive by assumption), and a zero value gives 0.
   */
  static double massTimes(double logMass, double value) {
    if (value == 0.0) {
      return 0.0;
    }
    if (Double.isInfinite(value)) {
      return value;
    }
    return Math.exp(logMass) * value;
  }
}

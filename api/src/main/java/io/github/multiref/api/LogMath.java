package io.github.multiref.api;

import io.github.multiref.api.internal.ArrayKernels;

/**
 * Log-space arithmetic shared by the core and by plugins.
 *
 * <p>Every method is exact to a few ulps over its whole domain, including {@code -inf} (a log of
 * zero mass). None of them returns NaN for a non-NaN argument unless stated.
 */
@Stability(Stability.Status.STABLE)
public final class LogMath {

  /** {@code log 2}. */
  public static final double LN2 = 0.6931471805599453;

  private LogMath() {}

  /**
   * Whether the library's array kernels run on SIMD hardware through the incubating Vector API:
   * true when the JVM was started with {@code --add-modules jdk.incubator.vector} (the {@code
   * multiref} launcher does this) and {@code -Dmultiref.scalar=true} is not set. Either way the
   * results are the same on every run; SIMD and scalar results differ by at most an ulp or so per
   * element. Worth recording beside a result that must be reproduced bit for bit.
   */
  public static boolean vectorized() {
    return ArrayKernels.vectorized();
  }

  /**
   * {@code log(sum_i exp(x_i))}, shifted by the maximum so that nothing overflows.
   *
   * @return {@code -inf} for an empty array or when every entry is {@code -inf}; {@code +inf} if
   *     any entry is {@code +inf}
   */
  public static double logSumExp(double[] x) {
    return logSumExp(x, 0, x.length);
  }

  /** {@link #logSumExp(double[])} over {@code x[from..to)}. */
  public static double logSumExp(double[] x, int from, int to) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = from; i < to; i++) {
      if (x[i] > max) {
        max = x[i];
      }
    }
    if (max == Double.NEGATIVE_INFINITY || max == Double.POSITIVE_INFINITY) {
      return max;
    }
    double sum = 0.0;
    for (int i = from; i < to; i++) {
      sum += Math.exp(x[i] - max);
    }
    return max + Math.log(sum);
  }

  /** {@code log(exp(a) + exp(b))} without overflow; {@code -inf} when both are {@code -inf}. */
  public static double logAddExp(double a, double b) {
    double max = Math.max(a, b);
    if (max == Double.NEGATIVE_INFINITY || max == Double.POSITIVE_INFINITY) {
      return max;
    }
    return max + Math.log1p(Math.exp(-Math.abs(a - b)));
  }

  /** The logistic function {@code 1 / (1 + e^-t)}, without overflow for any t. */
  public static double logistic(double t) {
    return t >= 0 ? 1.0 / (1.0 + Math.exp(-t)) : Math.exp(t) / (1.0 + Math.exp(t));
  }

  /** {@code log(1 + exp(x))} (softplus), exact for every finite x and equal to x for large x. */
  public static double log1pExp(double x) {
    if (x > 0) {
      return x + Math.log1p(Math.exp(-x));
    }
    return Math.log1p(Math.exp(x));
  }

  /**
   * {@code log|exp(x) - 1|}: the log of the distance of a ratio {@code exp(x)} from 1.
   *
   * <p>Exact for tiny |x| (no cancellation) and for large x (no overflow).
   *
   * @return {@code -inf} at x = 0, {@code x} (to rounding) for large x, {@code 0} at {@code -inf}
   */
  public static double logAbsExpm1(double x) {
    if (x > 0) {
      return x + Math.log(-Math.expm1(-x));
    }
    return Math.log(-Math.expm1(x));
  }

  /**
   * {@code log(1 - exp(x))} for {@code x <= 0}; {@code -inf} at 0, NaN for positive x.
   */
  public static double log1mExp(double x) {
    if (x > 0) {
      return Double.NaN;
    }
    // Maechler (2012): switch at -log 2 to keep full relative accuracy.
    return x > -LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
  }

  /**
   * {@code exp(x) - exp(y)}, formed as {@code +-exp(max + log(1 - exp(-|x - y|)))}: finite wherever
   * the difference is (also when both exponentials overflow), exact when x and y are close, and 0
   * when they are equal.
   */
  public static double expDifference(double x, double y) {
    if (x == y) {
      return 0.0;
    }
    if (x > y) {
      return Math.exp(x + log1mExp(y - x));
    }
    return -Math.exp(y + log1mExp(x - y));
  }
}

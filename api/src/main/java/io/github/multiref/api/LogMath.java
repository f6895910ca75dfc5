package io.github.multiref.api;

/**
 * Log-space arithmetic shared by the core and by plugins.
 *
 * <p>Every method is exact to a few ulps over its whole domain, including {@code -inf} (a log of
 * zero mass). None of them returns NaN for a non-NaN argument unless stated.
 */
public final class LogMath {

  /** {@code log 2}. */
  public static final double LN2 = 0.6931471805599453;

  /**
   * Whether the array kernels below run on SIMD hardware through the incubating Vector API: true
   * when the JVM was started with {@code --add-modules jdk.incubator.vector} (the {@code multiref}
   * launcher does this). Results then differ from the scalar ones by at most an ulp or so per
   * element, and summation order differs; either way they are deterministic.
   */
  private static final boolean VECTORIZED = ModuleLayer.boot()
      .findModule("jdk.incubator.vector").isPresent()
      && !Boolean.getBoolean("multiref.scalar");

  private LogMath() {}

  /** Whether array kernels use the Vector API (see the field's documentation). */
  public static boolean vectorized() {
    return VECTORIZED;
  }

  /**
   * {@code out[i] = exp(x[i] - shift)} for {@code i < n}, returning their sum: the work of a
   * log-sum-exp or of normalizing log-weights.
   */
  public static double expShifted(double[] x, double shift, double[] out, int n) {
    if (VECTORIZED) {
      return io.github.multiref.api.internal.VectorMath.expShifted(x, shift, out, n);
    }
    return scalarExpShifted(x, shift, out, n);
  }

  static double scalarExpShifted(double[] x, double shift, double[] out, int n) {
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
      out[i] = Math.exp(x[i] - shift);
      sum += out[i];
    }
    return sum;
  }

  /**
   * {@code copy[i] = x[i]} and {@code out[i] = exp(x[i])} for {@code i < n}, in one pass, returning
   * the sum of the exponentials: how a distribution is copied in and its mass checked.
   */
  static double copyAndExp(double[] x, double[] copy, double[] out, int n) {
    if (VECTORIZED) {
      return io.github.multiref.api.internal.VectorMath.copyAndExp(x, copy, out, n);
    }
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
      copy[i] = x[i];
      out[i] = Math.exp(x[i]);
      sum += out[i];
    }
    return sum;
  }

  /**
   * The largest of {@code x[i]} for {@code i < n}, as a loop of {@link Math#max(double, double)}:
   * {@code -inf} when n is 0 or every entry is {@code -inf}, NaN if any entry is NaN.
   */
  public static double max(double[] x, int n) {
    if (VECTORIZED) {
      return io.github.multiref.api.internal.VectorMath.max(x, n);
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, x[i]);
    }
    return max;
  }

  /**
   * {@code factor[i] *= exp(x[i] - shift)} for {@code i < n}, in place and in one pass, with
   * {@code sums[0] = sum_i exp(x[i] - shift)} and {@code sums[1] = sum_i factor[i]} (the products):
   * two partition functions, of a log-weight and of its tilt, from one exponential per entry.
   */
  public static void multiplyByExpShifted(double[] x, double shift, double[] factor, int n,
      double[] sums) {
    if (VECTORIZED) {
      io.github.multiref.api.internal.VectorMath.multiplyByExpShifted(x, shift, factor, n, sums);
      return;
    }
    double expSum = 0.0;
    double productSum = 0.0;
    for (int i = 0; i < n; i++) {
      double e = Math.exp(x[i] - shift);
      factor[i] *= e;
      expSum += e;
      productSum += factor[i];
    }
    sums[0] = expSum;
    sums[1] = productSum;
  }

  /**
   * Copies {@code logs} into {@code logsOut} and {@code probs} into {@code probsOut} ({@code i <
   * n}) and returns the sum of the probabilities, or NaN when an entry breaks the rules of a
   * distribution held in both representations: a log that is NaN or {@code +inf}, a probability
   * that is negative, NaN or {@code +inf}, or positive where the log is {@code -inf}. (That each
   * probability is the exponential of its log is the caller's promise, not checked here.)
   */
  static double copyCheckedProbabilities(double[] logs, double[] probs, double[] logsOut,
      double[] probsOut, int n) {
    if (VECTORIZED) {
      return io.github.multiref.api.internal.VectorMath.copyCheckedProbabilities(
          logs, probs, logsOut, probsOut, n);
    }
    double sum = 0.0;
    boolean bad = false;
    for (int i = 0; i < n; i++) {
      logsOut[i] = logs[i];
      probsOut[i] = probs[i];
      bad |= !isProbabilityEntry(logs[i], probs[i]);
      sum += probs[i];
    }
    return bad ? Double.NaN : sum;
  }

  /**
   * Whether {@code (logProb, prob)} can be one response of a distribution held in both
   * representations: the log is finite or {@code -inf}, the probability finite and non-negative,
   * and zero where the log is {@code -inf}.
   */
  public static boolean isProbabilityEntry(double logProb, double prob) {
    return logProb < Double.POSITIVE_INFINITY && prob >= 0.0 && prob < Double.POSITIVE_INFINITY
        && (logProb > Double.NEGATIVE_INFINITY || prob == 0.0);
  }

  /**
   * In one pass: {@code target[i] += weight * logs[i]} (nothing when the weight is 0, so that
   * {@code 0 * -inf} adds nothing) and the return value {@code sum_i a[i] b[i]} (0 when b is
   * null), for {@code i < n}.
   */
  public static double accumulateAndDot(double[] logs, double weight, double[] target,
      double[] a, double[] b, int n) {
    double[] t = weight == 0.0 ? null : target;
    if (VECTORIZED) {
      return io.github.multiref.api.internal.VectorMath.accumulateAndDot(logs, weight, t, a, b, n);
    }
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
      if (t != null) {
        t[i] += weight * logs[i];
      }
      if (b != null) {
        sum += a[i] * b[i];
      }
    }
    return sum;
  }

  /** {@code out[i] = log(x[i])} for {@code i < n}. */
  public static void log(double[] x, double[] out, int n) {
    if (VECTORIZED) {
      io.github.multiref.api.internal.VectorMath.log(x, out, n);
      return;
    }
    for (int i = 0; i < n; i++) {
      out[i] = Math.log(x[i]);
    }
  }

  /** {@code sum_i a[i] b[i]} over the {@code i < n} with {@code a[i] > 0}: {@code 0 * -inf} is 0. */
  public static double dotWherePositive(double[] a, double[] b, int n) {
    if (VECTORIZED) {
      return io.github.multiref.api.internal.VectorMath.dotWherePositive(a, b, n);
    }
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
      if (a[i] > 0) {
        sum += a[i] * b[i];
      }
    }
    return sum;
  }

  /**
   * The sums of a secular equation {@code m - 1 + sum_i a[i] m / (w + m g[i]) = 0} and of its
   * derivative: {@code out[0] = sum_i a[i] m / (w + m g[i])}, {@code out[1] = sum_i a[i] w / (w +
   * m g[i])^2}. Entries with {@code a[i] = 0} contribute nothing.
   */
  public static void secular(double[] a, double[] g, int n, double w, double m, double[] out) {
    if (VECTORIZED) {
      io.github.multiref.api.internal.VectorMath.secular(a, g, n, w, m, out);
      return;
    }
    double value = 0.0;
    double slope = 0.0;
    for (int i = 0; i < n; i++) {
      double inverse = 1.0 / (w + m * g[i]);
      double share = a[i] * inverse;
      value += share;
      slope += share * inverse;
    }
    out[0] = value * m;
    out[1] = slope * w;
  }

  /**
   * The label-smoothed sigmoid loss of DPO over an array of logits: {@code value[i] =
   * softplus(-z[i]) + eps z[i]} (that is, {@code (1 - eps) softplus(-z) + eps softplus(z)}) and
   * {@code slope[i] = eps - sigmoid(-z[i])}, for {@code i < n}.
   */
  public static void sigmoidLoss(double[] z, double eps, double[] value, double[] slope, int n) {
    if (VECTORIZED) {
      io.github.multiref.api.internal.VectorMath.sigmoidLoss(z, eps, value, slope, n);
      return;
    }
    for (int i = 0; i < n; i++) {
      double e = Math.exp(-Math.abs(z[i]));
      double log1p = Math.log1p(e);
      value[i] = Math.max(-z[i], 0.0) + log1p + eps * z[i];
      slope[i] = eps - Math.exp(-(Math.max(z[i], 0.0) + log1p));
    }
  }

  /** {@code sum_i a[i] b[offset + i]} for {@code i < n}: a row of a row-major matrix. */
  public static double dotAt(double[] a, double[] b, int offset, int n) {
    if (VECTORIZED) {
      return io.github.multiref.api.internal.VectorMath.dotAt(a, b, offset, n);
    }
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
      sum += a[i] * b[offset + i];
    }
    return sum;
  }

  /** {@code y[i] += c x[offset + i]} for {@code i < n}. */
  public static void addScaledAt(double c, double[] x, int offset, double[] y, int n) {
    if (VECTORIZED) {
      io.github.multiref.api.internal.VectorMath.addScaledAt(c, x, offset, y, n);
      return;
    }
    for (int i = 0; i < n; i++) {
      y[i] += c * x[offset + i];
    }
  }

  /** {@code sum_i a[i] b[i]} for {@code i < n}. */
  public static double dot(double[] a, double[] b, int n) {
    if (VECTORIZED) {
      return io.github.multiref.api.internal.VectorMath.dot(a, b, n);
    }
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
      sum += a[i] * b[i];
    }
    return sum;
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

  /**
   * {@code w * x} with the measure-theoretic convention {@code 0 * (+-inf) = 0}: a reference with
   * zero weight contributes nothing, even where it has no mass.
   */
  public static double weightedLog(double weight, double logValue) {
    return weight == 0.0 ? 0.0 : weight * logValue;
  }
}

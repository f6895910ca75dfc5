package io.github.multiref.api.internal;

import io.github.multiref.api.Stability;

/**
 * The array kernels of the library's hot loops, each on the Vector API when the JVM has it (see
 * {@link #vectorized()}) and scalar otherwise, with the same results on every run.
 *
 * <p>Not part of the public API: the api module exports this package to the project's own modules
 * only. Each kernel serves a named caller (the escort of the reverse-KL solver, the secular
 * equation of the forward-KL solver, the linear reward's gradient, the DPO loss), and its signature
 * may change with that caller. Plugins use {@link io.github.multiref.api.LogMath} and the value
 * types instead.
 */
@Stability(Stability.Status.INTERNAL)
public final class ArrayKernels {

  /**
   * Whether the array kernels below run on SIMD hardware through the incubating Vector API: true
   * when the JVM was started with {@code --add-modules jdk.incubator.vector} (the {@code multiref}
   * launcher does this). Results then differ from the scalar ones by at most an ulp or so per
   * element, and summation order differs; either way they are deterministic.
   */
  private static final boolean VECTORIZED = ModuleLayer.boot()
      .findModule("jdk.incubator.vector").isPresent()
      && !Boolean.getBoolean("multiref.scalar");

  private ArrayKernels() {}

  /** Whether array kernels use the Vector API (see the field's documentation). */
  public static boolean vectorized() {
    return VECTORIZED;
  }

  /**
   * {@code out[i] = exp(x[i] - shift)} for {@code i < n}, returning their sum: the work of a
   * log-sum-exp or of normalizing log-weights.
   */
  public static double expShifted(double[] x, double shift, double[] out, int n) {
    return expShifted(x, 0, shift, out, n);
  }

  /**
   * {@code out[i] = exp(x[from + i] - shift)} for {@code i < n}, returning their sum: {@link
   * #expShifted(double[], double, double[], int)} on a slice of x, such as one prompt's entries in
   * a column. The same bits as on a copy of the slice.
   */
  public static double expShifted(double[] x, int from, double shift, double[] out, int n) {
    if (VECTORIZED) {
      return VectorMath.expShifted(x, from, shift, out, n);
    }
    return scalarExpShifted(x, from, shift, out, n);
  }

  static double scalarExpShifted(double[] x, int from, double shift, double[] out, int n) {
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
      out[i] = Math.exp(x[from + i] - shift);
      sum += out[i];
    }
    return sum;
  }

  /**
   * {@code copy[i] = x[i]} and {@code out[i] = exp(x[i])} for {@code i < n}, in one pass, returning
   * the sum of the exponentials: how a distribution is copied in and its mass checked.
   */
  public static double copyAndExp(double[] x, double[] copy, double[] out, int n) {
    if (VECTORIZED) {
      return VectorMath.copyAndExp(x, copy, out, n);
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
      return VectorMath.max(x, n);
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
      VectorMath.multiplyByExpShifted(x, shift, factor, n, sums);
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
  public static double copyCheckedProbabilities(double[] logs, double[] probs, double[] logsOut,
      double[] probsOut, int n) {
    System.arraycopy(logs, 0, logsOut, 0, n);
    System.arraycopy(probs, 0, probsOut, 0, n);
    return checkedProbabilitySum(logsOut, probsOut, n);
  }

  /**
   * What {@link #copyCheckedProbabilities} returns, without copying: the sum of the probabilities
   * (the same bits), or NaN when an entry breaks the rules of a distribution.
   */
  public static double checkedProbabilitySum(double[] logs, double[] probs, int n) {
    if (VECTORIZED) {
      return VectorMath.checkedProbabilitySum(logs, probs, n);
    }
    double sum = 0.0;
    boolean bad = false;
    for (int i = 0; i < n; i++) {
      bad |= !isProbabilityEntry(logs[i], probs[i]);
      sum += probs[i];
    }
    return bad ? Double.NaN : sum;
  }

  /**
   * Over {@code i < n}: {@code out[0]} the largest and {@code out[1]} the smallest {@code r[i]}
   * where {@code w[i] > 0} ({@code -inf} and {@code +inf} when there is none), {@code out[2]} the
   * largest {@code r[i]} elsewhere ({@code -inf} when there is none); a zero is given as 0.0. For
   * r without NaN the result does not depend on the order of the entries, so SIMD and scalar code
   * agree bit for bit.
   */
  public static void rangeWherePositive(double[] r, double[] w, int n, double[] out) {
    if (VECTORIZED) {
      VectorMath.rangeWherePositive(r, w, n, out);
      return;
    }
    rangeWherePositive(r, w, 0, n, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, out);
  }

  /** The scalar loop of {@link #rangeWherePositive} from entry {@code from}, and the SIMD tail. */
  static void rangeWherePositive(double[] r, double[] w, int from, int n, double hi, double lo,
      double outside, double[] out) {
    for (int i = from; i < n; i++) {
      if (w[i] > 0.0) {
        hi = Math.max(hi, r[i]);
        lo = Math.min(lo, r[i]);
      } else {
        outside = Math.max(outside, r[i]);
      }
    }
    out[0] = hi + 0.0; // -0.0 becomes 0.0: which of two zeros comes first does not show
    out[1] = lo + 0.0;
    out[2] = outside + 0.0;
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
    return accumulateAndDot(logs, 0, weight, target, a, b, n);
  }

  /**
   * {@link #accumulateAndDot(double[], double, double[], double[], double[], int)} with the logs
   * read from {@code logs[from + i]}: {@code target[i] += weight * logs[from + i]} and {@code
   * sum_i a[i] b[i]}.
   */
  public static double accumulateAndDot(double[] logs, int from, double weight, double[] target,
      double[] a, double[] b, int n) {
    double[] t = weight == 0.0 ? null : target;
    if (VECTORIZED) {
      return VectorMath.accumulateAndDot(logs, from, weight, t, a, b, n);
    }
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
      if (t != null) {
        t[i] += weight * logs[from + i];
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
      VectorMath.log(x, out, n);
      return;
    }
    for (int i = 0; i < n; i++) {
      out[i] = Math.log(x[i]);
    }
  }

  /** {@code sum_i a[i] b[i]} over the {@code i < n} with {@code a[i] > 0}: {@code 0 * -inf} is 0. */
  public static double dotWherePositive(double[] a, double[] b, int n) {
    if (VECTORIZED) {
      return VectorMath.dotWherePositive(a, b, n);
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
   * The first {@code i} in {@code [from, n)} with {@code !(x[i] > threshold)} (NaN included) or
   * {@code r[i] == value}; n when there is none. For a loop over the few entries a pass must
   * treat apart, found a vector at a time.
   */
  public static int nextFlagged(double[] x, double threshold, double[] r, double value, int from,
      int n) {
    return VECTORIZED ? VectorMath.nextFlagged(x, threshold, r, value, from, n)
        : nextFlaggedLoop(x, threshold, r, value, from, n);
  }

  /** The loop of {@link #nextFlagged}: the scalar path, and the SIMD path's tail. */
  static int nextFlaggedLoop(double[] x, double threshold, double[] r, double value, int from,
      int n) {
    for (int i = from; i < n; i++) {
      if (!(x[i] > threshold) || r[i] == value) {
        return i;
      }
    }
    return n;
  }

  /** The first {@code i} in {@code [from, n)} with {@code r[i] == value}; n when there is none. */
  public static int nextEqual(double[] r, double value, int from, int n) {
    return VECTORIZED ? VectorMath.nextEqual(r, value, from, n) : nextEqualLoop(r, value, from, n);
  }

  /** The loop of {@link #nextEqual}: the scalar path, and the SIMD path's tail. */
  static int nextEqualLoop(double[] r, double value, int from, int n) {
    for (int i = from; i < n; i++) {
      if (r[i] == value) {
        return i;
      }
    }
    return n;
  }

  /** {@code sum_i x[i]} for {@code i < n}. */
  public static double sum(double[] x, int n) {
    if (VECTORIZED) {
      return VectorMath.sum(x, n);
    }
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
      sum += x[i];
    }
    return sum;
  }

  /**
   * The terms of the forward-KL secular equation in one pass over {@code i < n}: where {@code
   * gap = rMax - r[i] > 0} and {@code mix[i] > 0}, {@code a[i] = beta mix[i]} and {@code g[i] =
   * gap}; elsewhere {@code a[i] = 0} and {@code g[i] = 1}, which add nothing to {@link #secular}.
   * Returns {@code sum_i a[i] / g[i]}.
   */
  public static double secularTerms(double[] r, double[] mix, int n, double rMax, double beta,
      double[] a, double[] g) {
    if (VECTORIZED) {
      return VectorMath.secularTerms(r, mix, n, rMax, beta, a, g);
    }
    double rest = 0.0;
    for (int i = 0; i < n; i++) {
      rest += secularTerm(r, mix, i, rMax, beta, a, g);
    }
    return rest;
  }

  /** Entry i of {@link #secularTerms}: sets {@code a[i]} and {@code g[i]}, returns their ratio. */
  static double secularTerm(double[] r, double[] mix, int i, double rMax, double beta,
      double[] a, double[] g) {
    double gap = rMax - r[i];
    if (gap > 0 && mix[i] > 0) {
      a[i] = beta * mix[i];
      g[i] = gap;
      return a[i] / gap;
    }
    a[i] = 0.0;
    g[i] = 1.0;
    return 0.0;
  }

  /**
   * The sums of a secular equation {@code m - 1 + sum_i a[i] m / (w + m g[i]) = 0} and of its
   * derivative: {@code out[0] = sum_i a[i] m / (w + m g[i])}, {@code out[1] = sum_i a[i] w / (w +
   * m g[i])^2}. Entries with {@code a[i] = 0} contribute nothing.
   */
  public static void secular(double[] a, double[] g, int n, double w, double m, double[] out) {
    if (VECTORIZED) {
      VectorMath.secular(a, g, n, w, m, out);
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
      VectorMath.sigmoidLoss(z, eps, value, slope, n);
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
      return VectorMath.dotAt(a, b, offset, n);
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
      VectorMath.addScaledAt(c, x, offset, y, n);
      return;
    }
    for (int i = 0; i < n; i++) {
      y[i] += c * x[offset + i];
    }
  }

  /** {@code sum_i a[i] b[i]} for {@code i < n}. */
  public static double dot(double[] a, double[] b, int n) {
    if (VECTORIZED) {
      return VectorMath.dot(a, b, n);
    }
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  /** A deep copy of a table of rows (null stays null). */
  public static double[][] copyRows(double[][] rows) {
    if (rows == null) {
      return null;
    }
    double[][] out = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = rows[i].clone();
    }
    return out;
  }
}

package io.github.multiref.api.internal;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD kernels on the incubating Vector API (SVML exp and log on x86, within 1 ulp). Loaded only
 * when the JVM runs with {@code --add-modules jdk.incubator.vector}; see {@link
 * io.github.multiref.api.LogMath#vectorized()}. Not part of the public API.
 */
public final class VectorMath {

  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

  private VectorMath() {}

  /** {@code out[i] = exp(x[i] - shift)} for i < n; returns their sum. */
  public static double expShifted(double[] x, double shift, double[] out, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    DoubleVector acc = DoubleVector.zero(S);
    for (; i < bound; i += S.length()) {
      DoubleVector e = DoubleVector.fromArray(S, x, i).sub(shift).lanewise(VectorOperators.EXP);
      e.intoArray(out, i);
      acc = acc.add(e);
    }
    double sum = acc.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      out[i] = Math.exp(x[i] - shift);
      sum += out[i];
    }
    return sum;
  }

  /**
   * {@code copy[i] = x[i]} and {@code out[i] = exp(x[i])} for i < n, in one pass over x; returns
   * the sum of the exponentials.
   */
  public static double copyAndExp(double[] x, double[] copy, double[] out, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    DoubleVector acc = DoubleVector.zero(S);
    for (; i < bound; i += S.length()) {
      DoubleVector v = DoubleVector.fromArray(S, x, i);
      v.intoArray(copy, i);
      DoubleVector e = v.lanewise(VectorOperators.EXP);
      e.intoArray(out, i);
      acc = acc.add(e);
    }
    double sum = acc.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      copy[i] = x[i];
      out[i] = Math.exp(x[i]);
      sum += out[i];
    }
    return sum;
  }

  /** The largest of {@code x[i]}, i < n ({@code -inf} for n = 0); NaN if any entry is NaN. */
  public static double max(double[] x, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    DoubleVector acc = DoubleVector.broadcast(S, Double.NEGATIVE_INFINITY);
    for (; i < bound; i += S.length()) {
      acc = acc.max(DoubleVector.fromArray(S, x, i)); // lanewise Math.max: NaN wins
    }
    double max = acc.reduceLanes(VectorOperators.MAX);
    for (; i < n; i++) {
      max = Math.max(max, x[i]);
    }
    return max;
  }

  /**
   * {@code factor[i] *= exp(x[i] - shift)} for i < n, in place; {@code sums[0]} gets the sum of
   * the exponentials and {@code sums[1]} that of the products.
   */
  public static void multiplyByExpShifted(double[] x, double shift, double[] factor, int n,
      double[] sums) {
    int i = 0;
    int bound = S.loopBound(n);
    DoubleVector expSum = DoubleVector.zero(S);
    DoubleVector productSum = DoubleVector.zero(S);
    for (; i < bound; i += S.length()) {
      DoubleVector e = DoubleVector.fromArray(S, x, i).sub(shift).lanewise(VectorOperators.EXP);
      DoubleVector product = e.mul(DoubleVector.fromArray(S, factor, i));
      product.intoArray(factor, i);
      expSum = expSum.add(e);
      productSum = productSum.add(product);
    }
    double es = expSum.reduceLanes(VectorOperators.ADD);
    double ps = productSum.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      double e = Math.exp(x[i] - shift);
      factor[i] *= e;
      es += e;
      ps += factor[i];
    }
    sums[0] = es;
    sums[1] = ps;
  }

  /**
   * Copies {@code logs} and {@code probs} (i < n) and returns the sum of the probabilities, or NaN
   * when an entry breaks the rules of a distribution given in both representations: a log that is
   * NaN or +inf, a probability that is negative, NaN or +inf, or positive where the log is -inf.
   */
  public static double copyCheckedProbabilities(double[] logs, double[] probs, double[] logsOut,
      double[] probsOut, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    DoubleVector acc = DoubleVector.zero(S);
    VectorMask<Double> bad = S.maskAll(false);
    for (; i < bound; i += S.length()) {
      DoubleVector l = DoubleVector.fromArray(S, logs, i);
      DoubleVector p = DoubleVector.fromArray(S, probs, i);
      l.intoArray(logsOut, i);
      p.intoArray(probsOut, i);
      // "l < +inf" is false for NaN and +inf; "0 <= p < +inf" is false for NaN too
      bad = bad.or(l.compare(VectorOperators.LT, Double.POSITIVE_INFINITY).not())
          .or(p.compare(VectorOperators.GE, 0.0).not())
          .or(p.compare(VectorOperators.LT, Double.POSITIVE_INFINITY).not())
          .or(l.compare(VectorOperators.EQ, Double.NEGATIVE_INFINITY)
              .and(p.compare(VectorOperators.NE, 0.0)));
      acc = acc.add(p);
    }
    double sum = acc.reduceLanes(VectorOperators.ADD);
    boolean tailBad = false;
    for (; i < n; i++) {
      logsOut[i] = logs[i];
      probsOut[i] = probs[i];
      tailBad |= !io.github.multiref.api.LogMath.isProbabilityEntry(logs[i], probs[i]);
      sum += probs[i];
    }
    return tailBad || bad.anyTrue() ? Double.NaN : sum;
  }

  /** {@code out[i] = log(x[i])} for i < n. */
  public static void log(double[] x, double[] out, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    for (; i < bound; i += S.length()) {
      DoubleVector.fromArray(S, x, i).lanewise(VectorOperators.LOG).intoArray(out, i);
    }
    for (; i < n; i++) {
      out[i] = Math.log(x[i]);
    }
  }

  /** {@code sum_i a[i] b[i]} for i < n. */
  public static double dot(double[] a, double[] b, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    DoubleVector acc = DoubleVector.zero(S);
    for (; i < bound; i += S.length()) {
      acc = DoubleVector.fromArray(S, a, i).fma(DoubleVector.fromArray(S, b, i), acc);
    }
    double sum = acc.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  /** {@code sum_i a[i] b[i]} over the i < n with {@code a[i] > 0} (so that 0 * -inf counts 0). */
  public static double dotWherePositive(double[] a, double[] b, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    DoubleVector acc = DoubleVector.zero(S);
    for (; i < bound; i += S.length()) {
      DoubleVector va = DoubleVector.fromArray(S, a, i);
      acc = acc.add(va.mul(DoubleVector.fromArray(S, b, i)), va.compare(VectorOperators.GT, 0.0));
    }
    double sum = acc.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      if (a[i] > 0) {
        sum += a[i] * b[i];
      }
    }
    return sum;
  }

  /**
   * The sums of a secular equation and its derivative: {@code out[0] = sum_i a[i] m / (w + m
   * g[i])}, {@code out[1] = sum_i a[i] w / (w + m g[i])^2}, one division per entry.
   */
  public static void secular(double[] a, double[] g, int n, double w, double m, double[] out) {
    int i = 0;
    int bound = S.loopBound(n);
    DoubleVector value = DoubleVector.zero(S);
    DoubleVector slope = DoubleVector.zero(S);
    DoubleVector one = DoubleVector.broadcast(S, 1.0);
    for (; i < bound; i += S.length()) {
      DoubleVector inverse = one.div(DoubleVector.fromArray(S, g, i).mul(m).add(w));
      DoubleVector share = DoubleVector.fromArray(S, a, i).mul(inverse);
      value = value.add(share);
      slope = share.mul(inverse).add(slope);
    }
    double v = value.reduceLanes(VectorOperators.ADD);
    double d = slope.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      double inverse = 1.0 / (w + m * g[i]);
      double share = a[i] * inverse;
      v += share;
      d += share * inverse;
    }
    out[0] = v * m;
    out[1] = d * w;
  }

  /**
   * {@code target[i] += weight * logs[i]} (target may be null) and returns {@code sum_i a[i]
   * b[i]} (0 when b is null), in one pass.
   */
  public static double accumulateAndDot(double[] logs, double weight, double[] target,
      double[] a, double[] b, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    DoubleVector acc = DoubleVector.zero(S);
    for (; i < bound; i += S.length()) {
      if (target != null) {
        DoubleVector.fromArray(S, logs, i).mul(weight).add(DoubleVector.fromArray(S, target, i))
            .intoArray(target, i);
      }
      if (b != null) {
        acc = DoubleVector.fromArray(S, a, i).fma(DoubleVector.fromArray(S, b, i), acc);
      }
    }
    double sum = acc.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      if (target != null) {
        target[i] += weight * logs[i];
      }
      if (b != null) {
        sum += a[i] * b[i];
      }
    }
    return sum;
  }

  /**
   * {@code value[i] = softplus(-z[i]) + eps z[i]} and {@code slope[i] = eps - sigmoid(-z[i])}: the
   * label-smoothed sigmoid loss of DPO and its derivative, for i < n.
   */
  public static void sigmoidLoss(double[] z, double eps, double[] value, double[] slope, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    for (; i < bound; i += S.length()) {
      DoubleVector v = DoubleVector.fromArray(S, z, i);
      // softplus(-z) = max(-z, 0) + log1p(exp(-|z|)); sigmoid(-z) = exp(-softplus(z))
      DoubleVector e = v.abs().neg().lanewise(VectorOperators.EXP);
      DoubleVector log1p = e.lanewise(VectorOperators.LOG1P);
      DoubleVector spMinus = v.neg().max(0.0).add(log1p);
      DoubleVector spPlus = v.max(0.0).add(log1p);
      spMinus.add(v.mul(eps)).intoArray(value, i);
      spPlus.neg().lanewise(VectorOperators.EXP).neg().add(eps).intoArray(slope, i);
    }
    for (; i < n; i++) {
      double e = Math.exp(-Math.abs(z[i]));
      double log1p = Math.log1p(e);
      value[i] = Math.max(-z[i], 0.0) + log1p + eps * z[i];
      slope[i] = eps - Math.exp(-(Math.max(z[i], 0.0) + log1p));
    }
  }

  /** {@code sum_i a[i] b[offset + i]} for i < n. */
  public static double dotAt(double[] a, double[] b, int offset, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    DoubleVector acc = DoubleVector.zero(S);
    for (; i < bound; i += S.length()) {
      acc = DoubleVector.fromArray(S, a, i).fma(DoubleVector.fromArray(S, b, offset + i), acc);
    }
    double sum = acc.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      sum += a[i] * b[offset + i];
    }
    return sum;
  }

  /** {@code y[i] += c x[offset + i]} for i < n. */
  public static void addScaledAt(double c, double[] x, int offset, double[] y, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    DoubleVector scale = DoubleVector.broadcast(S, c);
    for (; i < bound; i += S.length()) {
      DoubleVector.fromArray(S, x, offset + i).fma(scale, DoubleVector.fromArray(S, y, i))
          .intoArray(y, i);
    }
    for (; i < n; i++) {
      y[i] += c * x[offset + i];
    }
  }
}

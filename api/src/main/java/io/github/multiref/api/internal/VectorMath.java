package io.github.multiref.api.internal;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD kernels on the incubating Vector API. Loaded only when the JVM runs with {@code
 * --add-modules jdk.incubator.vector}; see {@link ArrayKernels#vectorized()}.
 * Not part of the public API.
 *
 * <h2>The same bits on every run</h2>
 * The Vector API's own {@code EXP} and {@code LOG} are SVML intrinsics once C2 compiles a loop,
 * and a Java fallback before: both within an ulp, but not the same ulp, so results depended on when
 * the JIT finished. And a lane reduction ({@code reduceLanes(ADD)}) may add in any order. So every
 * kernel here is built from lane-wise IEEE operations alone (add, multiply, divide, fused
 * multiply-add, compare, blend, integer and bit operations), whose result each lane defines
 * exactly in any tier, and sums its lanes in a fixed order. {@link #exp(double)}, {@link
 * #log(double)} and {@link #log1p(double)} are the same operation sequences for one double: the
 * tails of the loops use them, and a test holds each lane to them bit for bit.
 *
 * <p>{@code exp}: {@code x = k log 2 + r} with {@code |r| <= log(2)/2} (k by the round-to-nearest
 * shifter, r by two fused steps against log 2 in two doubles), a polynomial of degree 11 in r by
 * Horner's rule (error below 5e-18 relative), then {@code 2^k} in two exact factors so that
 * subnormal results, the top of the range and infinite arguments need no special path. {@code log}: {@code x = m
 * 2^e} with {@code m} in {@code [sqrt(1/2), sqrt 2)}, {@code f = m - 1} (exact), {@code s = f / (2
 * + f)}, and {@code log(1 + f) = f - f^2/2 + s (f^2/2 + R)} with {@code R = 2 atanh(s)/s - 2} as its
 * series in {@code s^2} to ten terms; {@code e log 2} from log 2 in two doubles. {@code log1p(y)}
 * for y in {@code [0, 1]}: {@code log(1 + y)} corrected by what rounding {@code 1 + y} dropped.
 * Each is within about an ulp of the true value (checked against {@code StrictMath} over millions
 * of arguments).
 */
final class VectorMath {

  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

  private static final double INV_LN2 = 1.4426950408889634;
  private static final double LN2 = 0.6931471805599453;
  private static final double LN2_TAIL = 2.3190468138462996e-17;
  /** log 2 rounded to 32 bits, so that {@code e * LN2_HI} is exact for any exponent e. */
  private static final double LN2_HI = 0.6931471803691238;
  private static final double LN2_LO = 1.9082149292705877e-10;
  /**
   * {@code 1.5 * 2^52}: adding it rounds to the nearest integer k, held in the low bits, so that
   * {@code bits(x + SHIFTER) - bits(SHIFTER) = k} (no double-to-long conversion, which the Vector
   * API does not compile to one instruction everywhere).
   */
  private static final double SHIFTER = 6755399441055744.0;
  private static final long SHIFTER_BITS = Double.doubleToRawLongBits(SHIFTER);
  /**
   * exp's argument is clamped to {@code [-746, 710]}, beyond which it is 0 or +inf: the scaling by
   * {@code 2^k} then underflows or overflows to exactly that, and -inf and +inf need no case.
   */
  private static final double EXP_LOWEST = -746.0;
  private static final double EXP_HIGHEST = 710.0;
  /** {@code 2^52}: or-ing an integer below it into its mantissa bits gives {@code 2^52 + e}. */
  private static final double TWO52 = 4503599627370496.0;
  private static final long TWO52_BITS = Double.doubleToRawLongBits(TWO52);
  private static final double SQRT2 = 1.4142135623730951;
  private static final double TWO54 = 18014398509481984.0;
  /**
   * exp on {@code [-log(2)/2, log(2)/2]}, degree 11, highest coefficient first: the Chebyshev
   * interpolant (mpmath {@code chebyfit} at 40 digits; 4.5e-18 relative error before rounding the
   * coefficients), which needs two terms fewer than the Taylor polynomial for the same accuracy.
   */
  private static final double[] EXP_POLYNOMIAL = {2.5110037605963777e-08, 2.763263963904103e-07,
      2.755724091857897e-06, 2.4801485482328494e-05, 0.00019841269890047113,
      0.0013888888952314775, 0.008333333333319601, 0.0416666666664881, 0.1666666666666668,
      0.5000000000000019, 1.0, 1.0};
  /** 2/(2k + 3) for k = 9 down to 0: {@code R / z} of the log kernel. */
  private static final double[] LOG_SERIES = {0.09523809523809523, 0.10526315789473684,
      0.11764705882352941, 0.13333333333333333, 0.15384615384615385, 0.18181818181818182,
      0.2222222222222222, 0.2857142857142857, 0.4, 0.6666666666666666};

  private VectorMath() {}

  /** {@code exp(x)}, by the operations each lane of the vector kernels performs. */
  static double exp(double x) {
    double xc = Math.min(Math.max(x, EXP_LOWEST), EXP_HIGHEST);
    double shifted = Math.fma(xc, INV_LN2, SHIFTER);
    double kd = shifted - SHIFTER;
    double r = Math.fma(-kd, LN2, xc);
    r = Math.fma(-kd, LN2_TAIL, r);
    double p = EXP_POLYNOMIAL[0];
    for (int j = 1; j < EXP_POLYNOMIAL.length; j++) {
      p = Math.fma(p, r, EXP_POLYNOMIAL[j]);
    }
    long k = Double.doubleToRawLongBits(shifted) - SHIFTER_BITS;
    long k1 = k >> 1;
    long k2 = k - k1;
    return p * Double.longBitsToDouble((k1 + 1023) << 52)
        * Double.longBitsToDouble((k2 + 1023) << 52);
  }

  /** {@code log(x)}, by the operations each lane of the vector kernels performs. */
  static double log(double x) {
    boolean small = x < Double.MIN_NORMAL;
    double y = logOfNormal(small ? x * TWO54 : x, small ? 54.0 : 0.0);
    if (x == 0.0) {
      y = Double.NEGATIVE_INFINITY;
    }
    if (x < 0.0 || x != x) {
      y = Double.NaN;
    }
    if (x == Double.POSITIVE_INFINITY) {
      y = Double.POSITIVE_INFINITY;
    }
    return y;
  }

  private static double logOfNormal(double x, double adjust) {
    long bits = Double.doubleToRawLongBits(x);
    double e = (Double.longBitsToDouble(((bits >>> 52) & 0x7ffL) | TWO52_BITS) - TWO52) - 1023.0
        - adjust;
    double m = Double.longBitsToDouble((bits & 0x000fffffffffffffL) | 0x3ff0000000000000L);
    if (m > SQRT2) {
      m = m * 0.5;
      e = e + 1.0;
    }
    double f = m - 1.0;
    double s = f / (f + 2.0);
    double z = s * s;
    double q = LOG_SERIES[0];
    for (int j = 1; j < LOG_SERIES.length; j++) {
      q = Math.fma(q, z, LOG_SERIES[j]);
    }
    double tail = z * q;
    double halfSquare = (f * f) * 0.5;
    return e * LN2_HI - ((halfSquare - (s * (halfSquare + tail) + e * LN2_LO)) - f);
  }

  /**
   * {@code log(1 + y)} for y in {@code [0, 1]}, by the operations of the vector kernels' lanes:
   * {@code log(u)} for {@code u = 1 + y}, corrected by what the rounding of u dropped, {@code c =
   * y - (u - 1)}, times {@code 2 - u} in place of {@code 1/u} (a relative error below {@code c y},
   * under an ulp).
   */
  static double log1p(double y) {
    double u = 1.0 + y;
    double lost = y - (u - 1.0);
    return logOfNormal(u, 0.0) + lost * (-u + 2.0);
  }

  private static DoubleVector exp(DoubleVector x) {
    DoubleVector xc = x.max(EXP_LOWEST).min(EXP_HIGHEST);
    DoubleVector shifted = xc.fma(INV_LN2, SHIFTER);
    DoubleVector kd = shifted.sub(SHIFTER);
    DoubleVector minusK = kd.neg();
    DoubleVector r = minusK.fma(DoubleVector.broadcast(S, LN2), xc);
    r = minusK.fma(DoubleVector.broadcast(S, LN2_TAIL), r);
    DoubleVector p = DoubleVector.broadcast(S, EXP_POLYNOMIAL[0]);
    for (int j = 1; j < EXP_POLYNOMIAL.length; j++) {
      p = p.fma(r, DoubleVector.broadcast(S, EXP_POLYNOMIAL[j]));
    }
    LongVector k = shifted.reinterpretAsLongs().sub(SHIFTER_BITS);
    LongVector k1 = k.lanewise(VectorOperators.ASHR, 1);
    LongVector k2 = k.sub(k1);
    return p.mul(k1.add(1023L).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles())
        .mul(k2.add(1023L).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles());
  }

  private static DoubleVector log(DoubleVector x) {
    VectorMask<Double> normal = x.compare(VectorOperators.GE, Double.MIN_NORMAL)
        .and(x.compare(VectorOperators.LT, Double.POSITIVE_INFINITY));
    if (normal.allTrue()) { // the usual case; the lanes are the same either way
      return logOfNormal(x, null);
    }
    VectorMask<Double> small = x.compare(VectorOperators.LT, Double.MIN_NORMAL);
    DoubleVector y = logOfNormal(x.blend(x.mul(TWO54), small),
        DoubleVector.zero(S).blend(54.0, small));
    y = y.blend(Double.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0.0));
    y = y.blend(Double.NaN, x.compare(VectorOperators.LT, 0.0)
        .or(x.compare(VectorOperators.NE, x)));
    return y.blend(Double.POSITIVE_INFINITY, x.compare(VectorOperators.EQ,
        Double.POSITIVE_INFINITY));
  }

  /** {@code log(x) - adjust log 2} for positive, finite, normal x (adjust null for 0). */
  private static DoubleVector logOfNormal(DoubleVector x, DoubleVector adjust) {
    LongVector bits = x.reinterpretAsLongs();
    DoubleVector e = bits.lanewise(VectorOperators.LSHR, 52).and(0x7ffL).or(TWO52_BITS)
        .reinterpretAsDoubles().sub(TWO52).sub(1023.0);
    if (adjust != null) {
      e = e.sub(adjust);
    }
    DoubleVector m = bits.and(0x000fffffffffffffL).or(0x3ff0000000000000L).reinterpretAsDoubles();
    VectorMask<Double> big = m.compare(VectorOperators.GT, SQRT2);
    m = m.blend(m.mul(0.5), big);
    e = e.blend(e.add(1.0), big);
    DoubleVector f = m.sub(1.0);
    DoubleVector s = f.div(f.add(2.0));
    DoubleVector z = s.mul(s);
    DoubleVector q = DoubleVector.broadcast(S, LOG_SERIES[0]);
    for (int j = 1; j < LOG_SERIES.length; j++) {
      q = q.fma(z, DoubleVector.broadcast(S, LOG_SERIES[j]));
    }
    DoubleVector tail = z.mul(q);
    DoubleVector halfSquare = f.mul(f).mul(0.5);
    return e.mul(LN2_HI).sub(halfSquare.sub(s.mul(halfSquare.add(tail))
        .add(e.mul(LN2_LO))).sub(f));
  }

  /** {@code log(1 + y)} for y in {@code [0, 1]}, given {@code u = 1 + y}. */
  private static DoubleVector log1p(DoubleVector y, DoubleVector u) {
    DoubleVector lost = y.sub(u.sub(1.0)); // what rounding 1 + y dropped, exactly
    return logOfNormal(u, null).add(lost.mul(u.neg().add(2.0)));
  }

  /** The lanes of v added in lane order: a fixed order, unlike {@code reduceLanes(ADD)}. */
  private static double sum(DoubleVector v) {
    double s = 0.0;
    for (int i = 0; i < v.length(); i++) {
      s += v.lane(i);
    }
    return s;
  }

  /** {@code out[i] = exp(x[from + i] - shift)} for i < n; returns their sum. */
  static double expShifted(double[] x, int from, double shift, double[] out, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    DoubleVector acc = DoubleVector.zero(S);
    for (; i < bound; i += S.length()) {
      DoubleVector e = exp(DoubleVector.fromArray(S, x, from + i).sub(shift));
      e.intoArray(out, i);
      acc = acc.add(e);
    }
    double sum = sum(acc);
    for (; i < n; i++) {
      out[i] = exp(x[from + i] - shift);
      sum += out[i];
    }
    return sum;
  }

  /**
   * {@code copy[i] = x[i]} and {@code out[i] = exp(x[i])} for i < n, in one pass over x; returns
   * the sum of the exponentials.
   */
  static double copyAndExp(double[] x, double[] copy, double[] out, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    DoubleVector acc = DoubleVector.zero(S);
    for (; i < bound; i += S.length()) {
      DoubleVector v = DoubleVector.fromArray(S, x, i);
      v.intoArray(copy, i);
      DoubleVector e = exp(v);
      e.intoArray(out, i);
      acc = acc.add(e);
    }
    double sum = sum(acc);
    for (; i < n; i++) {
      copy[i] = x[i];
      out[i] = exp(x[i]);
      sum += out[i];
    }
    return sum;
  }

  /** The largest of {@code x[i]}, i < n ({@code -inf} for n = 0); NaN if any entry is NaN. */
  static double max(double[] x, int n) {
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
  static void multiplyByExpShifted(double[] x, double shift, double[] factor, int n,
      double[] sums) {
    int i = 0;
    int bound = S.loopBound(n);
    DoubleVector expSum = DoubleVector.zero(S);
    DoubleVector productSum = DoubleVector.zero(S);
    for (; i < bound; i += S.length()) {
      DoubleVector e = exp(DoubleVector.fromArray(S, x, i).sub(shift));
      DoubleVector product = e.mul(DoubleVector.fromArray(S, factor, i));
      product.intoArray(factor, i);
      expSum = expSum.add(e);
      productSum = productSum.add(product);
    }
    double es = sum(expSum);
    double ps = sum(productSum);
    for (; i < n; i++) {
      double e = exp(x[i] - shift);
      factor[i] *= e;
      es += e;
      ps += factor[i];
    }
    sums[0] = es;
    sums[1] = ps;
  }

  /**
   * The sum of the probabilities (i < n), or NaN when an entry breaks the rules of a distribution
   * given in both representations: a log that is NaN or +inf, a probability that is negative, NaN
   * or +inf, or positive where the log is -inf.
   */
  static double checkedProbabilitySum(double[] logs, double[] probs, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    DoubleVector acc = DoubleVector.zero(S);
    VectorMask<Double> bad = S.maskAll(false);
    for (; i < bound; i += S.length()) {
      DoubleVector l = DoubleVector.fromArray(S, logs, i);
      DoubleVector p = DoubleVector.fromArray(S, probs, i);
      bad = bad.or(l.compare(VectorOperators.LT, Double.POSITIVE_INFINITY).not())
          .or(p.compare(VectorOperators.GE, 0.0).not())
          .or(p.compare(VectorOperators.LT, Double.POSITIVE_INFINITY).not())
          .or(l.compare(VectorOperators.EQ, Double.NEGATIVE_INFINITY)
              .and(p.compare(VectorOperators.NE, 0.0)));
      acc = acc.add(p);
    }
    double sum = sum(acc);
    boolean tailBad = false;
    for (; i < n; i++) {
      tailBad |= !ArrayKernels.isProbabilityEntry(logs[i], probs[i]);
      sum += probs[i];
    }
    return tailBad || bad.anyTrue() ? Double.NaN : sum;
  }

  /** See {@link ArrayKernels#rangeWherePositive}. */
  static void rangeWherePositive(double[] r, double[] w, int n, double[] out) {
    int i = 0;
    int bound = S.loopBound(n);
    DoubleVector max = DoubleVector.broadcast(S, Double.NEGATIVE_INFINITY);
    DoubleVector min = DoubleVector.broadcast(S, Double.POSITIVE_INFINITY);
    DoubleVector off = DoubleVector.broadcast(S, Double.NEGATIVE_INFINITY);
    for (; i < bound; i += S.length()) {
      DoubleVector v = DoubleVector.fromArray(S, r, i);
      VectorMask<Double> on = DoubleVector.fromArray(S, w, i).compare(VectorOperators.GT, 0.0);
      // compares and blends, one instruction each (max and min follow Math.max's rules for -0.0
      // and NaN, at several); the signs of zeros are made one at the end
      max = max.blend(v, on.and(v.compare(VectorOperators.GT, max)));
      min = min.blend(v, on.and(v.compare(VectorOperators.LT, min)));
      off = off.blend(v, on.not().and(v.compare(VectorOperators.GT, off)));
    }
    // maxima and minima are exact: any order of the lanes gives the same bits
    ArrayKernels.rangeWherePositive(r, w, i, n, max.reduceLanes(VectorOperators.MAX),
        min.reduceLanes(VectorOperators.MIN), off.reduceLanes(VectorOperators.MAX), out);
  }

  /** {@code out[i] = log(x[i])} for i < n. */
  static void log(double[] x, double[] out, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    for (; i < bound; i += S.length()) {
      log(DoubleVector.fromArray(S, x, i)).intoArray(out, i);
    }
    for (; i < n; i++) {
      out[i] = log(x[i]);
    }
  }

  /** {@code sum_i a[i] b[i]} for i < n. */
  static double dot(double[] a, double[] b, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    DoubleVector acc = DoubleVector.zero(S);
    for (; i < bound; i += S.length()) {
      acc = DoubleVector.fromArray(S, a, i).fma(DoubleVector.fromArray(S, b, i), acc);
    }
    double sum = sum(acc);
    for (; i < n; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  /** {@code sum_i a[i] b[i]} over the i < n with {@code a[i] > 0} (so that 0 * -inf counts 0). */
  static double dotWherePositive(double[] a, double[] b, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    DoubleVector acc = DoubleVector.zero(S);
    for (; i < bound; i += S.length()) {
      DoubleVector va = DoubleVector.fromArray(S, a, i);
      acc = acc.add(va.mul(DoubleVector.fromArray(S, b, i)), va.compare(VectorOperators.GT, 0.0));
    }
    double sum = sum(acc);
    for (; i < n; i++) {
      if (a[i] > 0) {
        sum += a[i] * b[i];
      }
    }
    return sum;
  }

  /** See {@link ArrayKernels#nextFlagged}. */
  static int nextFlagged(double[] x, double threshold, double[] r, double value, int from, int n) {
    int i = from;
    for (; i + S.length() <= n; i += S.length()) {
      VectorMask<Double> flagged = DoubleVector.fromArray(S, x, i)
          .compare(VectorOperators.GT, threshold).not()
          .or(DoubleVector.fromArray(S, r, i).compare(VectorOperators.EQ, value));
      if (flagged.anyTrue()) {
        return i + flagged.firstTrue();
      }
    }
    return ArrayKernels.nextFlaggedLoop(x, threshold, r, value, i, n);
  }

  /** See {@link ArrayKernels#nextEqual}. */
  static int nextEqual(double[] r, double value, int from, int n) {
    int i = from;
    for (; i + S.length() <= n; i += S.length()) {
      VectorMask<Double> equal = DoubleVector.fromArray(S, r, i)
          .compare(VectorOperators.EQ, value);
      if (equal.anyTrue()) {
        return i + equal.firstTrue();
      }
    }
    return ArrayKernels.nextEqualLoop(r, value, i, n);
  }

  /** {@code sum_i x[i]} for i < n, the lanes added in lane order. */
  static double sum(double[] x, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    DoubleVector acc = DoubleVector.zero(S);
    for (; i < bound; i += S.length()) {
      acc = acc.add(DoubleVector.fromArray(S, x, i));
    }
    double sum = sum(acc);
    for (; i < n; i++) {
      sum += x[i];
    }
    return sum;
  }

  /** See {@link ArrayKernels#secularTerms}. */
  static double secularTerms(double[] r, double[] mix, int n, double rMax, double beta,
      double[] a, double[] g) {
    int i = 0;
    int bound = S.loopBound(n);
    DoubleVector acc = DoubleVector.zero(S);
    DoubleVector one = DoubleVector.broadcast(S, 1.0);
    DoubleVector zero = DoubleVector.zero(S);
    DoubleVector top = DoubleVector.broadcast(S, rMax);
    for (; i < bound; i += S.length()) {
      DoubleVector gap = top.sub(DoubleVector.fromArray(S, r, i));
      DoubleVector m = DoubleVector.fromArray(S, mix, i);
      VectorMask<Double> keep = gap.compare(VectorOperators.GT, 0.0)
          .and(m.compare(VectorOperators.GT, 0.0));
      DoubleVector av = zero.blend(m.mul(beta), keep);
      DoubleVector gv = one.blend(gap, keep);
      av.intoArray(a, i);
      gv.intoArray(g, i);
      acc = acc.add(av.div(gv));
    }
    double rest = sum(acc);
    for (; i < n; i++) {
      rest += ArrayKernels.secularTerm(r, mix, i, rMax, beta, a, g);
    }
    return rest;
  }

  /**
   * The sums of a secular equation and its derivative: {@code out[0] = sum_i a[i] m / (w + m
   * g[i])}, {@code out[1] = sum_i a[i] w / (w + m g[i])^2}, one division per entry.
   */
  static void secular(double[] a, double[] g, int n, double w, double m, double[] out) {
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
    double v = sum(value);
    double d = sum(slope);
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
   * {@code target[i] += weight * logs[from + i]} (target may be null) and returns {@code sum_i a[i]
   * b[i]} (0 when b is null), in one pass.
   */
  static double accumulateAndDot(double[] logs, int from, double weight, double[] target,
      double[] a, double[] b, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    DoubleVector acc = DoubleVector.zero(S);
    for (; i < bound; i += S.length()) {
      if (target != null) {
        DoubleVector.fromArray(S, logs, from + i).mul(weight)
            .add(DoubleVector.fromArray(S, target, i)).intoArray(target, i);
      }
      if (b != null) {
        acc = DoubleVector.fromArray(S, a, i).fma(DoubleVector.fromArray(S, b, i), acc);
      }
    }
    double sum = sum(acc);
    for (; i < n; i++) {
      if (target != null) {
        target[i] += weight * logs[from + i];
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
  static void sigmoidLoss(double[] z, double eps, double[] value, double[] slope, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    DoubleVector one = DoubleVector.broadcast(S, 1.0);
    for (; i < bound; i += S.length()) {
      DoubleVector v = DoubleVector.fromArray(S, z, i);
      // softplus(-z) = max(-z, 0) + log1p(e) with e = exp(-|z|); sigmoid(-z) is e/(1 + e) for
      // z >= 0 and 1/(1 + e) below: one exponential, one logarithm and one division
      DoubleVector e = exp(v.abs().neg());
      DoubleVector u = e.add(1.0);
      v.neg().max(0.0).add(log1p(e, u)).add(v.mul(eps)).intoArray(value, i);
      one.blend(e, v.compare(VectorOperators.GE, 0.0)).div(u).neg().add(eps).intoArray(slope, i);
    }
    for (; i < n; i++) {
      double e = exp(-Math.abs(z[i]));
      double u = e + 1.0;
      value[i] = Math.max(-z[i], 0.0) + log1p(e) + eps * z[i];
      slope[i] = -((z[i] >= 0.0 ? e : 1.0) / u) + eps;
    }
  }

  /** {@code sum_i a[i] b[offset + i]} for i < n. */
  static double dotAt(double[] a, double[] b, int offset, int n) {
    int i = 0;
    int bound = S.loopBound(n);
    DoubleVector acc = DoubleVector.zero(S);
    for (; i < bound; i += S.length()) {
      acc = DoubleVector.fromArray(S, a, i).fma(DoubleVector.fromArray(S, b, offset + i), acc);
    }
    double sum = sum(acc);
    for (; i < n; i++) {
      sum += a[i] * b[offset + i];
    }
    return sum;
  }

  /** {@code y[i] += c x[offset + i]} for i < n. */
  static void addScaledAt(double c, double[] x, int offset, double[] y, int n) {
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

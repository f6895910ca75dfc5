package io.github.multiref.api.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The SIMD kernels give the same bits whatever compiles them: every lane equals the scalar twin of
 * its operation sequence ({@link VectorMath#exp(double)}, {@code log}, {@code log1p}), the twins are
 * within an ulp of {@code StrictMath}, and the kernels (and the dispatching {@link ArrayKernels} ones,
 * SIMD or scalar as this run has them) return the same bits before and after the JIT has compiled
 * them. Separate processes under {@code -Xint} and {@code -Xcomp} are compared end to end in the
 * integration tests.
 */
class DeterministicKernelsTest {

  private static double[] arguments(SplittableRandom rng, int n, double lo, double hi) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i % 29 == 5 ? Double.NEGATIVE_INFINITY : rng.nextDouble(lo, hi);
    }
    return x;
  }

  @Test
  void aSliceGivesTheBitsOfItsCopy() {
    SplittableRandom rng = new SplittableRandom(12);
    double[] column = arguments(rng, 3000, -400, -50);
    double[] weights = new double[1100];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = rng.nextDouble(-3, 3);
    }
    for (int from : new int[] {0, 1, 7, 333}) {
      for (int n : new int[] {1, 9, 1031}) {
        double[] copy = java.util.Arrays.copyOfRange(column, from, from + n);
        double[] a = new double[n];
        double[] b = new double[n];
        assertThat(ArrayKernels.expShifted(column, from, -60.0, a, n))
            .isEqualTo(ArrayKernels.expShifted(copy, -60.0, b, n));
        assertThat(a).isEqualTo(b);
        double[] t1 = java.util.Arrays.copyOf(weights, n);
        double[] t2 = java.util.Arrays.copyOf(weights, n);
        assertThat(ArrayKernels.accumulateAndDot(column, from, 0.3, t1, a, weights, n))
            .isEqualTo(ArrayKernels.accumulateAndDot(copy, 0.3, t2, b, weights, n));
        assertThat(t1).isEqualTo(t2);
      }
    }
  }

  @Test
  void theRangeOverTheSupportIsTheLoopsRange() {
    SplittableRandom rng = new SplittableRandom(13);
    for (int n : new int[] {1, 5, 8, 17, 1031}) {
      for (double zeros : new double[] {0.0, 0.3, 1.0}) {
        double[] r = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
          r[i] = i % 17 == 5 ? 0.0 : i % 19 == 6 ? -0.0 : rng.nextDouble(-400, 10);
          w[i] = rng.nextDouble() < zeros ? 0.0 : rng.nextDouble();
        }
        double hi = Double.NEGATIVE_INFINITY;
        double lo = Double.POSITIVE_INFINITY;
        double outside = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
          if (w[i] > 0) {
            hi = Math.max(hi, r[i]);
            lo = Math.min(lo, r[i]);
          } else {
            outside = Math.max(outside, r[i]);
          }
        }
        double[] out = new double[3];
        ArrayKernels.rangeWherePositive(r, w, n, out);
        // a zero comes out as 0.0, whichever of 0.0 and -0.0 the loop met first
        assertThat(out).as("n %d, zeros %s", n, zeros).containsExactly(hi + 0.0, lo + 0.0,
            outside + 0.0);
      }
    }
    for (int n : new int[] {2, 9, 40}) { // the top a zero of either sign, in SIMD and tail lanes
      double[] r = new double[n];
      double[] w = new double[n];
      for (int i = 0; i < n; i++) {
        r[i] = i % 2 == 0 ? -0.0 : 0.0;
        w[i] = i % 3 == 0 ? 0.0 : 1.0;
      }
      double[] out = new double[3];
      ArrayKernels.rangeWherePositive(r, w, n, out);
      assertThat(out).containsExactly(0.0, 0.0, 0.0);
    }
  }

  @Test
  void everyLaneIsItsScalarTwinBitForBit() {
    SplittableRandom rng = new SplittableRandom(11);
    for (int n : new int[] {1, 3, 8, 13, 64, 1031}) {
      double[] x = arguments(rng, n, -760, 712);
      double[] out = new double[n];
      VectorMath.expShifted(x, 0, 1.5, out, n);
      for (int i = 0; i < n; i++) {
        assertThat(Double.doubleToLongBits(out[i])).as("exp lane %d of %d at %s", i, n, x[i])
            .isEqualTo(Double.doubleToLongBits(VectorMath.exp(x[i] - 1.5)));
      }
      double[] positive = new double[n];
      for (int i = 0; i < n; i++) {
        positive[i] = i % 31 == 2 ? 0.0 : i % 37 == 4 ? Double.MIN_VALUE * (1 + i)
            : Math.exp(rng.nextDouble(-740, 709));
      }
      VectorMath.log(positive, out, n);
      for (int i = 0; i < n; i++) {
        assertThat(Double.doubleToLongBits(out[i])).as("log lane %d at %s", i, positive[i])
            .isEqualTo(Double.doubleToLongBits(VectorMath.log(positive[i])));
      }
      double[] z = new double[n];
      for (int i = 0; i < n; i++) {
        z[i] = rng.nextDouble(-60, 60);
      }
      double[] value = new double[n];
      double[] slope = new double[n];
      VectorMath.sigmoidLoss(z, 0.1, value, slope, n);
      for (int i = 0; i < n; i++) {
        double e = VectorMath.exp(-Math.abs(z[i]));
        assertThat(value[i]).as("loss lane %d at %s", i, z[i])
            .isEqualTo(Math.max(-z[i], 0.0) + VectorMath.log1p(e) + 0.1 * z[i]);
        assertThat(slope[i]).as("slope lane %d at %s", i, z[i])
            .isEqualTo(-((z[i] >= 0 ? e : 1.0) / (e + 1.0)) + 0.1);
      }
    }
  }

  @Test
  void twinsAreWithinAnUlpOfStrictMath() {
    SplittableRandom rng = new SplittableRandom(12);
    for (int i = 0; i < 200_000; i++) {
      double x = rng.nextDouble(-745, 709.7);
      double exact = StrictMath.exp(x);
      if (exact >= Double.MIN_NORMAL) {
        assertThat(Math.abs(VectorMath.exp(x) - exact)).as("exp(%s)", x)
            .isLessThanOrEqualTo(Math.ulp(exact));
      }
      double y = Math.exp(rng.nextDouble(-744, 709));
      assertThat(Math.abs(VectorMath.log(y) - StrictMath.log(y))).as("log(%s)", y)
          .isLessThanOrEqualTo(Math.ulp(StrictMath.log(y)));
      double w = rng.nextDouble() * (i % 2 == 0 ? 1 : 1e-9);
      assertThat(Math.abs(VectorMath.log1p(w) - StrictMath.log1p(w))).as("log1p(%s)", w)
          .isLessThanOrEqualTo(Math.ulp(StrictMath.log1p(w)));
    }
    double[][] special = {{0, 1}, {Double.NEGATIVE_INFINITY, 0}, {Double.POSITIVE_INFINITY,
        Double.POSITIVE_INFINITY}, {710, Double.POSITIVE_INFINITY}, {-746, 0}};
    for (double[] c : special) {
      assertThat(VectorMath.exp(c[0])).as("exp(%s)", c[0]).isEqualTo(c[1]);
    }
    assertThat(VectorMath.exp(Double.NaN)).isNaN();
    assertThat(VectorMath.exp(-720)).isEqualTo(Math.exp(-720)); // subnormal
    assertThat(VectorMath.log(0.0)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(VectorMath.log(-1.0)).isNaN();
    assertThat(VectorMath.log(Double.NaN)).isNaN();
    assertThat(VectorMath.log(Double.POSITIVE_INFINITY)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(VectorMath.log(Double.MIN_VALUE)).isEqualTo(Math.log(Double.MIN_VALUE));
    assertThat(VectorMath.log1p(0.0)).isZero();
  }

  /**
   * One pass over every kernel with exponentials, logs or lane sums: their outputs' bits (NaN
   * canonical: which NaN a tier produces is not a result).
   */
  private static long[] allKernels(double[] x, double[] positive) {
    int n = x.length;
    double[] a = new double[n];
    double[] b = new double[n];
    double[] c = positive.clone();
    double[] sums = new double[2];
    double s1 = ArrayKernels.expShifted(x, 0.5, a, n);
    ArrayKernels.log(positive, b, n);
    ArrayKernels.multiplyByExpShifted(x, 0.5, c, n, sums);
    double[] value = new double[n];
    double[] slope = new double[n];
    ArrayKernels.sigmoidLoss(x, 0.05, value, slope, n);
    double dot = ArrayKernels.dot(positive, b, n);
    long[] bits = new long[5 * n + 4];
    for (int i = 0; i < n; i++) {
      bits[i] = Double.doubleToLongBits(a[i]);
      bits[n + i] = Double.doubleToLongBits(b[i]);
      bits[2 * n + i] = Double.doubleToLongBits(c[i]);
      bits[3 * n + i] = Double.doubleToLongBits(value[i]);
      bits[4 * n + i] = Double.doubleToLongBits(slope[i]);
    }
    bits[5 * n] = Double.doubleToLongBits(s1);
    bits[5 * n + 1] = Double.doubleToLongBits(sums[0]);
    bits[5 * n + 2] = Double.doubleToLongBits(sums[1]);
    bits[5 * n + 3] = Double.doubleToLongBits(dot);
    return bits;
  }

  @Test
  void kernelsGiveTheSameBitsBeforeAndAfterTheJitCompilesThem() {
    SplittableRandom rng = new SplittableRandom(13);
    double[] x = arguments(rng, 517, -40, 5);
    double[] positive = new double[517];
    for (int i = 0; i < positive.length; i++) {
      positive[i] = Math.exp(rng.nextDouble(-700, 700));
    }
    long[] cold = allKernels(x, positive);
    for (int warm = 0; warm < 20_000; warm++) {
      allKernels(x, positive);
    }
    assertThat(allKernels(x, positive)).as("bits after 20,000 warm-up passes")
        .isEqualTo(cold);
  }
}

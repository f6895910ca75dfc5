package io.github.multiref.api.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.LogMath;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The SIMD kernels (this module's tests run with the Vector API) against the scalar ones and
 * against Math.exp / Math.log, including tails that do not fill a vector. A second surefire run
 * forces the scalar kernels, so the definitions written out here check both.
 */
class VectorKernelsTest {

  @Test
  void testsRunTheVectorizedKernels() {
    assertThat(LogMath.vectorized())
        .as("surefire adds jdk.incubator.vector to this module, and a second run forces scalar")
        .isEqualTo(!Boolean.getBoolean("multiref.scalar"));
  }

  @Test
  void expShiftedMatchesMathExpToAFewUlps() {
    SplittableRandom rng = new SplittableRandom(1);
    for (int n : new int[] {0, 1, 3, 7, 8, 9, 64, 1001}) {
      double[] x = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = i % 17 == 3 ? Double.NEGATIVE_INFINITY : -700 * rng.nextDouble() + 5;
      }
      double[] fast = new double[n];
      double[] slow = new double[n];
      double sumFast = ArrayKernels.expShifted(x, 2.0, fast, n);
      double sumSlow = ArrayKernels.scalarExpShifted(x, 0, 2.0, slow, n);
      for (int i = 0; i < n; i++) {
        assertThat(Math.abs(fast[i] - Math.exp(x[i] - 2.0)))
            .as("n=%d i=%d x=%s", n, i, x[i])
            .isLessThanOrEqualTo(2 * Math.ulp(Math.exp(x[i] - 2.0)));
      }
      assertThat(sumFast).isCloseTo(sumSlow, within(1e-15 * Math.max(1, sumSlow)));
    }
  }

  @Test
  void logAndDotMatchScalarArithmetic() {
    SplittableRandom rng = new SplittableRandom(2);
    int n = 517;
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = Math.exp(40 * rng.nextDouble() - 20);
      y[i] = rng.nextDouble();
    }
    double[] logs = new double[n];
    ArrayKernels.log(x, logs, n);
    double dot = 0;
    for (int i = 0; i < n; i++) {
      assertThat(Math.abs(logs[i] - Math.log(x[i]))).isLessThanOrEqualTo(
          2 * Math.ulp(Math.log(x[i])));
      dot += x[i] * y[i];
    }
    assertThat(ArrayKernels.dot(x, y, n)).isCloseTo(dot, within(1e-13 * dot));
  }

  @Test
  void distributionHelpersAgreeWithTheirDefinitions() {
    LogDistribution d = LogDistribution.of(Math.log(0.25), Double.NEGATIVE_INFINITY,
        Math.log(0.75));
    assertThat(d.expectation(new double[] {4, 100, 8})).isCloseTo(7.0, within(1e-15));
    assertThat(d.entropy()).isCloseTo(-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)),
        within(1e-15));
    double[] acc = {1, 1, 1};
    DistributionArrays.addWeightedLogProbsAndExpect(d, 0.0, acc, null);
    assertThat(acc).containsExactly(1, 1, 1);
    DistributionArrays.addWeightedLogProbsAndExpect(d, 2.0, acc, null);
    assertThat(acc[1]).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(acc[0]).isCloseTo(1 + 2 * Math.log(0.25), within(1e-15));
    double[] mass = new double[3];
    new MixtureArrays(new double[] {0.5}, new double[][] {d.logProbs()}, new int[1],
        new double[][] {d.probs()}, 3, mass, new boolean[3]); // how a mixture is accumulated
    assertThat(mass).containsExactly(new double[] {0.125, 0, 0.375}, within(1e-16));
  }

  @Test
  void secularSumsAndMaskedDotMatchTheirDefinitions() {
    SplittableRandom rng = new SplittableRandom(3);
    for (int n : new int[] {1, 5, 8, 13, 333}) {
      double[] a = new double[n];
      double[] g = new double[n];
      double[] b = new double[n];
      for (int i = 0; i < n; i++) {
        a[i] = i % 5 == 0 ? 0.0 : rng.nextDouble();
        g[i] = 3 * rng.nextDouble();
        b[i] = a[i] == 0 ? Double.NEGATIVE_INFINITY : -5 * rng.nextDouble();
      }
      double w = 0.3;
      double m = 0.7;
      double value = 0;
      double slope = 0;
      double masked = 0;
      for (int i = 0; i < n; i++) {
        value += a[i] * m / (w + m * g[i]);
        slope += a[i] * w / ((w + m * g[i]) * (w + m * g[i]));
        masked += a[i] > 0 ? a[i] * b[i] : 0;
      }
      double[] out = new double[2];
      ArrayKernels.secular(a, g, n, w, m, out);
      assertThat(out[0]).as("n=%d", n).isCloseTo(value, within(1e-14 * (1 + value)));
      assertThat(out[1]).as("n=%d", n).isCloseTo(slope, within(1e-14 * (1 + slope)));
      assertThat(ArrayKernels.dotWherePositive(a, b, n)).isCloseTo(masked,
          within(1e-14 * (1 + Math.abs(masked))));
    }
  }

  /** The scans for the entries a pass treats apart, against the loops they replace. */
  @Test
  void scansFindEveryFlaggedEntryInOrder() {
    SplittableRandom rng = new SplittableRandom(23);
    for (int n : new int[] {1, 7, 8, 9, 100, 4096}) {
      double[] x = new double[n];
      double[] r = new double[n];
      for (int i = 0; i < n; i++) {
        double u = rng.nextDouble();
        x[i] = u < 0.01 ? Double.NaN : u < 0.02 ? 0.0 : u < 0.03 ? -0.0 : u < 0.04 ? 1e-310
            : rng.nextDouble();
        r[i] = rng.nextDouble() < 0.02 ? 0.5 : rng.nextDouble();
      }
      for (double value : new double[] {0.5, Double.NaN}) {
        List<Integer> want = new ArrayList<>();
        List<Integer> equal = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          if (!(x[i] > Double.MIN_NORMAL) || r[i] == value) {
            want.add(i);
          }
          if (r[i] == value) {
            equal.add(i);
          }
        }
        List<Integer> got = new ArrayList<>();
        for (int i = ArrayKernels.nextFlagged(x, Double.MIN_NORMAL, r, value, 0, n); i < n;
            i = ArrayKernels.nextFlagged(x, Double.MIN_NORMAL, r, value, i + 1, n)) {
          got.add(i);
        }
        List<Integer> gotEqual = new ArrayList<>();
        for (int i = ArrayKernels.nextEqual(r, value, 0, n); i < n;
            i = ArrayKernels.nextEqual(r, value, i + 1, n)) {
          gotEqual.add(i);
        }
        assertThat(got).as("n=%d, value %s", n, value).isEqualTo(want);
        assertThat(gotEqual).as("n=%d, value %s", n, value).isEqualTo(equal);
      }
    }
  }

  /** The forward-KL solver's terms and sums, against their definitions written out. */
  @Test
  void secularTermsAndSumsMatchTheirDefinitions() {
    SplittableRandom rng = new SplittableRandom(17);
    for (int n : new int[] {1, 5, 8, 13, 333, 4096}) {
      double[] r = new double[n];
      double[] mix = new double[n];
      for (int i = 0; i < n; i++) {
        r[i] = i % 7 == 3 ? 0.9 : rng.nextDouble(); // ties at the top (gap 0) are left out
        mix[i] = i % 5 == 0 ? 0.0 : i % 11 == 1 ? Double.MIN_VALUE : rng.nextDouble() / n;
      }
      double rMax = 0.9;
      double beta = 0.35;
      double[] a = new double[n];
      double[] g = new double[n];
      double rest = ArrayKernels.secularTerms(r, mix, n, rMax, beta, a, g);
      double expected = 0;
      double total = 0;
      for (int i = 0; i < n; i++) {
        boolean keep = rMax - r[i] > 0 && mix[i] > 0;
        assertThat(a[i]).as("a[%d] of %d", i, n).isEqualTo(keep ? beta * mix[i] : 0.0);
        assertThat(g[i]).as("g[%d] of %d", i, n).isEqualTo(keep ? rMax - r[i] : 1.0);
        expected += keep ? beta * mix[i] / (rMax - r[i]) : 0.0;
        total += r[i];
      }
      // positive terms summed in another order: within n eps of the sum (4096 terms: 5e-13)
      double tolerance = n * 0x1p-52;
      assertThat(rest).as("n=%d", n).isCloseTo(expected, within(tolerance * (1 + expected)));
      assertThat(ArrayKernels.sum(r, n)).isCloseTo(total, within(tolerance * (1 + total)));
    }
  }

  @Test
  void rowKernelsMatchTheirDefinitions() {
    SplittableRandom rng = new SplittableRandom(5);
    double[] matrix = new double[7 * 13];
    for (int i = 0; i < matrix.length; i++) {
      matrix[i] = rng.nextDouble() - 0.5;
    }
    double[] a = new double[13];
    for (int i = 0; i < 13; i++) {
      a[i] = rng.nextDouble();
    }
    for (int row = 0; row < 7; row++) {
      double dot = 0;
      for (int i = 0; i < 13; i++) {
        dot += a[i] * matrix[row * 13 + i];
      }
      assertThat(ArrayKernels.dotAt(a, matrix, row * 13, 13)).isCloseTo(dot, within(1e-15));
      double[] y = a.clone();
      ArrayKernels.addScaledAt(-0.7, matrix, row * 13, y, 13);
      for (int i = 0; i < 13; i++) {
        // the kernel fuses multiply and add: one rounding fewer
        assertThat(y[i]).isCloseTo(a[i] - 0.7 * matrix[row * 13 + i], within(4e-16));
      }
    }
  }

  /** Lengths that leave no tail, a tail only, or both a full vector body and a tail. */
  private static final int[] LENGTHS = {0, 1, 3, 7, 8, 9, 16, 64, 1001};

  @Test
  void copyAndExpCopiesExactlyAndExponentiatesToAFewUlps() {
    SplittableRandom rng = new SplittableRandom(6);
    for (int n : LENGTHS) {
      double[] x = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = i % 11 == 4 ? Double.NEGATIVE_INFINITY : -720 * rng.nextDouble() + 3;
      }
      double[] copy = new double[n];
      double[] out = new double[n];
      double sum = ArrayKernels.copyAndExp(x, copy, out, n);
      double expected = 0;
      for (int i = 0; i < n; i++) {
        assertThat(out[i]).as("n=%d i=%d", n, i)
            .isCloseTo(Math.exp(x[i]), within(2 * Math.ulp(Math.exp(x[i]))));
        expected += Math.exp(x[i]);
      }
      assertThat(copy).isEqualTo(x);
      assertThat(sum).isCloseTo(expected, within(1e-15 * Math.max(1, expected)));
    }
  }

  @Test
  void maxIsTheLoopOfMathMaxWithItsNaNAndInfinityRules() {
    SplittableRandom rng = new SplittableRandom(7);
    assertThat(ArrayKernels.max(new double[0], 0)).isEqualTo(Double.NEGATIVE_INFINITY);
    for (int n : LENGTHS) {
      if (n == 0) {
        continue;
      }
      double[] x = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = 1e3 * (rng.nextDouble() - 0.5);
      }
      // the largest entry placed everywhere once: first, in the vector body, in the tail, last
      for (int at = 0; at < n; at += Math.max(1, n / 7)) {
        double[] y = x.clone();
        y[at] = 1e4;
        assertThat(ArrayKernels.max(y, n)).as("n=%d at=%d", n, at).isEqualTo(1e4);
        assertThat(ArrayKernels.max(y, at)).as("prefix of %d", at).isEqualTo(loopMax(y, at));
        y[at] = Double.NaN;
        assertThat(ArrayKernels.max(y, n)).as("NaN at %d of %d", at, n).isNaN();
        y[at] = Double.POSITIVE_INFINITY;
        assertThat(ArrayKernels.max(y, n)).isEqualTo(Double.POSITIVE_INFINITY);
      }
      double[] none = new double[n];
      java.util.Arrays.fill(none, Double.NEGATIVE_INFINITY);
      assertThat(ArrayKernels.max(none, n)).isEqualTo(Double.NEGATIVE_INFINITY);
    }
  }

  private static double loopMax(double[] x, int n) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, x[i]);
    }
    return max;
  }

  @Test
  void multiplyByExpShiftedMatchesItsDefinition() {
    SplittableRandom rng = new SplittableRandom(8);
    for (int n : LENGTHS) {
      double[] x = new double[n];
      double[] factor = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = i % 13 == 2 ? Double.NEGATIVE_INFINITY : -50 * rng.nextDouble();
        factor[i] = rng.nextDouble();
      }
      double[] product = factor.clone();
      double[] sums = new double[2];
      ArrayKernels.multiplyByExpShifted(x, -3.0, product, n, sums);
      double expSum = 0;
      double productSum = 0;
      for (int i = 0; i < n; i++) {
        double e = Math.exp(x[i] + 3.0);
        assertThat(product[i]).as("n=%d i=%d", n, i)
            .isCloseTo(e * factor[i], within(4 * Math.ulp(e * factor[i])));
        expSum += e;
        productSum += e * factor[i];
      }
      assertThat(sums[0]).isCloseTo(expSum, within(1e-14 * Math.max(1, expSum)));
      assertThat(sums[1]).isCloseTo(productSum, within(1e-14 * Math.max(1, productSum)));
    }
  }

  @Test
  void copyCheckedProbabilitiesCopiesSumsAndFlagsEveryKindOfBadEntry() {
    for (int n : LENGTHS) {
      if (n == 0) {
        continue;
      }
      double[] logs = new double[n];
      double[] probs = new double[n];
      for (int i = 0; i < n; i++) {
        probs[i] = i % 5 == 1 ? 0.0 : 1.0 + i;
        logs[i] = Math.log(probs[i]);
      }
      double[] logsOut = new double[n];
      double[] probsOut = new double[n];
      double expected = 0;
      for (double p : probs) {
        expected += p;
      }
      assertThat(ArrayKernels.copyCheckedProbabilities(logs, probs, logsOut, probsOut, n))
          .isCloseTo(expected, within(1e-12 * expected));
      assertThat(logsOut).isEqualTo(logs);
      assertThat(probsOut).isEqualTo(probs);
      double[][] badPairs = { // {log, probability}
          {Double.NaN, 1}, {Double.POSITIVE_INFINITY, 1}, {0, -1e-300}, {0, Double.NaN},
          {0, Double.POSITIVE_INFINITY}, {Double.NEGATIVE_INFINITY, 1e-300}};
      for (double[] bad : badPairs) {
        for (int at : new int[] {0, n / 2, n - 1}) {
          double[] l = logs.clone();
          double[] p = probs.clone();
          l[at] = bad[0];
          p[at] = bad[1];
          assertThat(ArrayKernels.copyCheckedProbabilities(l, p, logsOut, probsOut, n))
              .as("n=%d at=%d log=%s p=%s", n, at, bad[0], bad[1]).isNaN();
        }
      }
    }
  }
}

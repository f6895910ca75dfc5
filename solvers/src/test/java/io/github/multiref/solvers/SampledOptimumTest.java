package io.github.multiref.solvers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.LogMath;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.divergences.ForwardKl;
import io.github.multiref.solvers.sampled.SampledOptimum;
import io.github.multiref.solvers.sampled.SampledOptimum.Estimate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The sampled-response estimator against the exact optimum of problems small enough to enumerate
 * (300 responses, K = 3, sequence log-probabilities of -50 to -400 with references hundreds of
 * nats apart). The exact values are computed here from their definitions: reverse KL by a
 * log-sum-exp, forward KL by bisection on its normalization and {@link Independent#objective}.
 */
class SampledOptimumTest {

  private static final int RESPONSES = 300;
  private static final double BETA = 2.0;
  private static final double[] ALPHA = {0.5, 0.3, 0.2};

  /** A response space, its references, rewards, and the exact optima. */
  private record Space(double[] reward, double[][] refs, double[] rklPolicy, double rklValue,
      double[] rklKl, double rklReward, double[] fklPolicy, double fklLambda, double fklValue) {

    /** log q: the optimum tempered and mixed with the uniform, a proposal that covers it. */
    double[] proposal(double[] optimum) {
      double[] t = new double[RESPONSES];
      for (int y = 0; y < RESPONSES; y++) {
        t[y] = 0.7 * optimum[y];
      }
      double[] tempered = LogDistribution.normalize(t).logProbs();
      double[] q = new double[RESPONSES];
      for (int y = 0; y < RESPONSES; y++) {
        q[y] = LogMath.logAddExp(Math.log(0.5) + tempered[y], Math.log(0.5 / RESPONSES));
      }
      return q;
    }
  }

  private static Space space(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] refs = new double[3][RESPONSES];
    double[] reward = new double[RESPONSES];
    for (int y = 0; y < RESPONSES; y++) {
      double base = -50 - 350 * rng.nextDouble();
      reward[y] = 4 * rng.nextDouble();
      for (int i = 0; i < 3; i++) {
        refs[i][y] = base + 200 * (rng.nextDouble() - 0.5); // references 100s of nats apart
      }
    }
    // a few responses near the top, as a model's likely outputs are, the rest at -50 to -400
    for (int i = 0; i < 3; i++) {
      for (int y = 0; y < 20; y++) {
        refs[i][(y * 7 + i * 3) % RESPONSES] = -3 * rng.nextDouble();
      }
      double[] normalized = LogDistribution.normalize(refs[i]).logProbs();
      refs[i] = normalized;
    }
    // reverse KL, from its definition: pi* = u / C
    double[] logU = new double[RESPONSES];
    for (int y = 0; y < RESPONSES; y++) {
      double s = reward[y] / BETA;
      for (int i = 0; i < 3; i++) {
        s += ALPHA[i] * refs[i][y];
      }
      logU[y] = s;
    }
    double logC = LogMath.logSumExp(logU);
    double[] rkl = new double[RESPONSES];
    double[] rklKl = new double[3];
    double rklReward = 0;
    for (int y = 0; y < RESPONSES; y++) {
      rkl[y] = logU[y] - logC;
      rklReward += Math.exp(rkl[y]) * reward[y];
      for (int i = 0; i < 3; i++) {
        rklKl[i] += Math.exp(rkl[y]) * (rkl[y] - refs[i][y]);
      }
    }
    // forward KL: s = lambda - r_max by bisection on sum_y beta mbar(y) / (s + gap(y)) = 1, in
    // log s: the best response may have a mixture mass of e^-200, and lambda - r_max with it
    double[] mix = new double[RESPONSES];
    double rMax = Arrays.stream(reward).max().orElseThrow();
    for (int y = 0; y < RESPONSES; y++) {
      for (int i = 0; i < 3; i++) {
        mix[y] += ALPHA[i] * Math.exp(refs[i][y]);
      }
    }
    double lo = Math.log(Double.MIN_NORMAL);
    double hi = Math.log(BETA);
    for (int it = 0; it < 200; it++) {
      double mid = 0.5 * (lo + hi);
      double g = 0;
      for (int y = 0; y < RESPONSES; y++) {
        g += BETA * mix[y] / (Math.exp(mid) + (rMax - reward[y]));
      }
      if (g > 1) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    double gapAtTop = Math.exp(0.5 * (lo + hi));
    double lambda = rMax + gapAtTop;
    double[] fkl = new double[RESPONSES];
    for (int y = 0; y < RESPONSES; y++) {
      fkl[y] = Math.log(BETA * mix[y]) - Math.log(gapAtTop + (rMax - reward[y]));
    }
    Independent.normalize(fkl); // removes the bisection's last rounding from the total
    List<LogDistribution> rs = new ArrayList<>();
    for (double[] r : refs) {
      rs.add(LogDistribution.of(r));
    }
    double fklValue = Independent.objective(fkl, RegularizedProblem.of(
        ReferenceSet.of(rs, ALPHA), reward, BETA, ForwardKl.INSTANCE));
    return new Space(reward, refs, rkl, BETA * logC, rklKl, rklReward, fkl, lambda, fklValue);
  }

  /** N i.i.d. draws from q: the indices, and each draw's numbers. */
  private record Draw(double[] reward, double[][] refs, double[] q) {}

  private static Draw draw(Space s, double[] logQ, int n, SplittableRandom rng) {
    double[] cumulative = new double[RESPONSES];
    double total = 0;
    for (int y = 0; y < RESPONSES; y++) {
      total += Math.exp(logQ[y]);
      cumulative[y] = total;
    }
    double[] r = new double[n];
    double[][] refs = new double[3][n];
    double[] q = new double[n];
    for (int j = 0; j < n; j++) {
      int y = Arrays.binarySearch(cumulative, rng.nextDouble() * total);
      y = Math.min(y >= 0 ? y + 1 : -y - 1, RESPONSES - 1);
      r[j] = s.reward[y];
      q[j] = logQ[y];
      for (int i = 0; i < 3; i++) {
        refs[i][j] = s.refs[i][y];
      }
    }
    return new Draw(r, refs, q);
  }

  private static Estimate reverse(Draw d) {
    return SampledOptimum.reverseKl(d.reward, d.refs, d.q, ALPHA, BETA);
  }

  private static Estimate forward(Draw d) {
    return SampledOptimum.forwardKl(d.reward, d.refs, d.q, ALPHA, BETA, ForwardKlSolver.DEFAULT);
  }

  @Test
  void theExactOptimumAsProposalGivesUniformWeightsAndTheExactReverseKlValue() {
    Space s = space(1);
    Draw d = draw(s, s.rklPolicy(), 500, new SplittableRandom(2));
    Estimate e = reverse(d);
    for (double lw : e.logWeights()) {
      assertThat(lw).isCloseTo(-Math.log(500), within(1e-12));
    }
    assertThat(e.value()).isCloseTo(s.rklValue(), within(1e-9 * Math.abs(s.rklValue())));
    assertThat(e.valueHigh() - e.valueLow()).isLessThan(1e-9);
    assertThat(e.ess()).isCloseTo(500, within(1e-6));
    assertThat(e.essWarning()).isFalse();
    // every sample has log pi* - l_i; their average over pi*-samples estimates the KL
    Estimate f = forward(draw(s, s.fklPolicy(), 500, new SplittableRandom(3)));
    for (double lw : f.logWeights()) {
      assertThat(lw).isCloseTo(-Math.log(500), within(1e-9));
    }
    // with q = pi*, the sample normalization is solved by the exact lambda
    assertThat(f.lambda()).isCloseTo(s.fklLambda(), within(1e-9 * Math.abs(s.fklLambda())));
  }

  @Test
  void estimatesConvergeToTheExactOptimumAtTheSquareRootRate() {
    Space s = space(4);
    int[] sizes = {100, 400, 1600, 6400, 25600};
    double[][] rmse = new double[3][sizes.length]; // rkl value, rkl reward, fkl value
    SplittableRandom rng = new SplittableRandom(5);
    double[] qr = s.proposal(s.rklPolicy());
    double[] qf = s.proposal(s.fklPolicy());
    int repetitions = 200;
    for (int a = 0; a < sizes.length; a++) {
      for (int rep = 0; rep < repetitions; rep++) {
        Estimate r = reverse(draw(s, qr, sizes[a], rng));
        Estimate f = forward(draw(s, qf, sizes[a], rng));
        rmse[0][a] += sq(r.value() - s.rklValue()) / repetitions;
        rmse[1][a] += sq(r.expectedReward() - s.rklReward()) / repetitions;
        rmse[2][a] += sq(f.value() - s.fklValue()) / repetitions;
      }
    }
    for (double[] errors : rmse) {
      double[] x = new double[sizes.length];
      double[] y = new double[sizes.length];
      for (int a = 0; a < sizes.length; a++) {
        x[a] = Math.log(sizes[a]);
        y[a] = 0.5 * Math.log(errors[a]);
      }
      assertThat(slope(x, y)).as(Arrays.toString(errors)).isCloseTo(-0.5, within(0.08));
    }
  }

  @Test
  void the95PercentIntervalsCoverTheExactValueIn93To97PercentOf1000Repetitions() {
    Space s = space(6);
    double[] qr = s.proposal(s.rklPolicy());
    double[] qf = s.proposal(s.fklPolicy());
    SplittableRandom rng = new SplittableRandom(7);
    int reverse = 0;
    int forward = 0;
    for (int rep = 0; rep < 1000; rep++) {
      Estimate r = reverse(draw(s, qr, 2000, rng));
      Estimate f = forward(draw(s, qf, 2000, rng));
      reverse += r.valueLow() <= s.rklValue() && s.rklValue() <= r.valueHigh() ? 1 : 0;
      forward += f.valueLow() <= s.fklValue() && s.fklValue() <= f.valueHigh() ? 1 : 0;
    }
    assertThat(reverse).isBetween(930, 970);
    assertThat(forward).isBetween(930, 970);
  }

  @Test
  void theDiagnosticsEstimateTheirExactCounterparts() {
    Space s = space(8);
    Estimate e = reverse(draw(s, s.proposal(s.rklPolicy()), 200_000, new SplittableRandom(9)));
    assertThat(e.expectedReward()).isCloseTo(s.rklReward(), within(0.01));
    for (int i = 0; i < 3; i++) {
      assertThat(e.klToReferences()[i]).isCloseTo(s.rklKl()[i],
          within(0.01 * Math.max(1, s.rklKl()[i])));
    }
    assertThat(e.ess()).isBetween(0.1 * 200_000, 200_000.0);
    // the normalizer is log C; its exponent over N is what the value is beta times
    assertThat(e.value()).isEqualTo(BETA * e.logNormalizer());
    Estimate f = forward(draw(s, s.proposal(s.fklPolicy()), 200_000, new SplittableRandom(14)));
    assertThat(f.value()).isCloseTo(s.fklValue(), within(0.01));
    assertThat(f.lambda()).isCloseTo(s.fklLambda(), within(0.01));
    assertThat(f.expectedReward()).isCloseTo(
        Arrays.stream(indices()).mapToDouble(y -> Math.exp(s.fklPolicy()[y]) * s.reward()[y]).sum(),
        within(0.01));
  }

  @Test
  void aProposalFarFromTheOptimumRaisesTheEssWarning() {
    Space s = space(10);
    // the first reference as the proposal: hundreds of nats from the escort
    Estimate e = reverse(draw(s, s.refs()[0], 1000, new SplittableRandom(11)));
    assertThat(e.ess()).isLessThan(100);
    assertThat(e.essWarning()).isTrue();
  }

  @Test
  void logProbabilitiesOfMinus1e4AreOrdinaryInputs() {
    double[] reward = {1, 2, 3};
    double[][] refs = {{-1e4, -1e4 - 300, -1e4 - 50}, {-1e4 - 400, -1e4, -1e4 - 10}};
    double[] q = {-1e4 - 5, -1e4 - 7, -1e4 - 1};
    Estimate e = SampledOptimum.reverseKl(reward, refs, q, new double[] {0.5, 0.5}, 0.1);
    double lw0 = 0.5 * (-1e4) + 0.5 * (-1e4 - 400) + 10 - (-1e4 - 5);
    double lw1 = 0.5 * (-1e4 - 300) + 0.5 * (-1e4) + 20 - (-1e4 - 7);
    double lw2 = 0.5 * (-1e4 - 50) + 0.5 * (-1e4 - 10) + 30 - (-1e4 - 1);
    double[] lw = {lw0, lw1, lw2};
    double logSum = LogMath.logSumExp(lw);
    for (int j = 0; j < 3; j++) {
      assertThat(e.logWeights()[j]).isCloseTo(lw[j] - logSum, within(1e-9));
    }
    assertThat(e.logNormalizer()).isCloseTo(logSum - Math.log(3), within(1e-9));
    Estimate f = SampledOptimum.forwardKl(reward, refs, q, new double[] {0.5, 0.5}, 0.1,
        ForwardKlSolver.DEFAULT);
    assertThat(f.lambda()).isFinite();
    assertThat(Arrays.stream(f.logWeights()).map(Math::exp).sum()).isCloseTo(1, within(1e-12));
  }

  @Test
  void badSamplesAreRefusedByName() {
    double[] alpha = {1};
    assertThatThrownBy(() -> SampledOptimum.reverseKl(new double[] {1}, new double[][] {{-1}},
        new double[] {Double.NEGATIVE_INFINITY}, alpha, 1))
        .hasMessage("proposalLogprobs[0] must be a finite log-probability <= 0 (the response was"
            + " drawn from q), got -Infinity");
    assertThatThrownBy(() -> SampledOptimum.reverseKl(new double[] {1, 2},
        new double[][] {{Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY}},
        new double[] {-1, -1}, alpha, 1))
        .hasMessageContaining("no sample has positive weight under the optimum");
    assertThatThrownBy(() -> SampledOptimum.reverseKl(new double[] {1}, new double[][] {{0.5}},
        new double[] {-1}, alpha, 1))
        .hasMessage("refLogprobs[0][0] must be a log-probability <= 0 or -inf, got 0.5");
  }

  @Test
  void resamplingDrawsInProportionToTheWeightsAndNeverAZeroWeight() {
    double[] logWeights = {Math.log(0.2), Double.NEGATIVE_INFINITY, Math.log(0.8)};
    int[] draws = SampledOptimum.resample(logWeights, 100_000, new SplittableRandom(12));
    int[] counts = new int[3];
    for (int d : draws) {
      counts[d]++;
    }
    assertThat(counts[1]).isZero();
    assertThat(counts[0] / 100_000.0).isCloseTo(0.2, within(0.005));
    assertThat(SampledOptimum.resample(logWeights, 10, new SplittableRandom(13)))
        .containsExactly(SampledOptimum.resample(logWeights, 10, new SplittableRandom(13)));
  }

  private static int[] indices() {
    return java.util.stream.IntStream.range(0, RESPONSES).toArray();
  }

  private static double sq(double x) {
    return x * x;
  }

  private static double slope(double[] x, double[] y) {
    double mx = Arrays.stream(x).average().orElseThrow();
    double my = Arrays.stream(y).average().orElseThrow();
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
    }
    return sxy / sxx;
  }
}

package io.github.multiref.rewards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.api.PreferenceModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RewardLearningTest {

  private static final Lbfgs OPTIMIZER = Lbfgs.of(1e-8, 2000, 10);

  private static SyntheticBandit bandit(long seed) {
    return SyntheticBandit.generate(5, 6, 1.0, new double[] {0.5, 0.5}, 1.0, seed);
  }

  @Test
  void tabularGradientMatchesFiniteDifferences() {
    for (PreferenceModel model : List.of(BradleyTerry.INSTANCE, Thurstone.of(0.7))) {
      SyntheticBandit b = bandit(1);
      PreferenceData data = b.sample(SamplingPolicy.uniform(), model, 300, 2, 2);
      SplittableRandom rng = new SplittableRandom(3);
      double[][] r = new double[5][6];
      for (double[] row : r) {
        for (int y = 0; y < 6; y++) {
          row[y] = 3 * rng.nextDouble() - 1;
        }
      }
      double[][] g = new double[5][6];
      RewardLearning.logLikelihood(data, model, r, g);
      for (int x = 0; x < 5; x++) {
        for (int y = 0; y < 6; y++) {
          double h = 1e-6;
          r[x][y] += h;
          double up = RewardLearning.logLikelihood(data, model, r, null);
          r[x][y] -= 2 * h;
          double down = RewardLearning.logLikelihood(data, model, r, null);
          r[x][y] += h;
          assertThat(g[x][y]).as("%s d/dr[%d][%d]", model, x, y)
              .isCloseTo((up - down) / (2 * h), within(1e-5 * (1 + Math.abs(g[x][y]))));
        }
      }
    }
  }

  /**
   * The tabular fit's objective on distinct observations with counts is the per-pair likelihood:
   * value and gradient agree to rounding, for both models, at random rewards.
   */
  @Test
  void distinctObservationsWithCountsGiveThePerPairLikelihood() {
    SplittableRandom rng = new SplittableRandom(12);
    for (PreferenceModel model : List.of(BradleyTerry.INSTANCE, Thurstone.of(0.7))) {
      PreferenceData data = bandit(3).sample(SamplingPolicy.uniform(), model, 5000, 2, 8);
      RewardLearning.Distinct distinct = RewardLearning.Distinct.of(data);
      assertThat(distinct.count().length).isLessThanOrEqualTo(5 * 6 * 6);
      assertThat(java.util.Arrays.stream(distinct.count()).sum()).isEqualTo(5000.0);
      double[][] r = new double[5][6];
      for (double[] row : r) {
        for (int y = 0; y < row.length; y++) {
          row[y] = 3 * (rng.nextDouble() - 0.5);
        }
      }
      double[][] perPair = new double[5][6];
      double[][] counted = new double[5][6];
      double a = RewardLearning.logLikelihood(data, model, r, perPair);
      double b = distinct.logLikelihood(model, r, counted);
      assertThat(b).isCloseTo(a, within(1e-12 * Math.abs(a)));
      for (int x = 0; x < 5; x++) {
        for (int y = 0; y < 6; y++) {
          assertThat(counted[x][y]).isCloseTo(perPair[x][y], within(1e-10 * (1
              + Math.abs(perPair[x][y]))));
        }
      }
    }
  }

  @Test
  void linearGradientMatchesFiniteDifferences() {
    SyntheticBandit b = bandit(4);
    PreferenceData data = b.sample(SamplingPolicy.uniform(), BradleyTerry.INSTANCE, 500, 2, 5);
    double[][][] features = randomFeatures(5, 6, 4, 6);
    LinearObjective objective = new LinearObjective(data, Thurstone.of(1.3), features, 4);
    double[] theta = {0.3, -0.7, 1.1, 0.05};
    double[] g = new double[4];
    objective.negativeLogLikelihood(theta, g);
    for (int k = 0; k < 4; k++) {
      double h = 1e-6;
      double[] up = theta.clone();
      double[] down = theta.clone();
      up[k] += h;
      down[k] -= h;
      double numeric = (objective.negativeLogLikelihood(up, new double[4])
          - objective.negativeLogLikelihood(down, new double[4])) / (2 * h);
      assertThat(g[k]).isCloseTo(numeric, within(1e-5 * (1 + Math.abs(numeric))));
    }
  }

  /**
   * MLE theory: the error of learned reward differences shrinks like 1/sqrt(n). Measured at
   * n = 500 .. 32000 (averaged over 6 seeds each), the fitted log-log slope lies in [-0.65, -0.35].
   */
  @Test
  void tabularRewardDifferencesConvergeAtRateOneOverSqrtN() {
    SyntheticBandit b = bandit(7);
    double[][] truth = b.trueReward();
    int[] ns = {500, 2000, 8000, 32000};
    double[] logN = new double[ns.length];
    double[] logError = new double[ns.length];
    for (int j = 0; j < ns.length; j++) {
      double mean = 0;
      for (int seed = 0; seed < 6; seed++) {
        PreferenceData data = b.sample(SamplingPolicy.uniform(), BradleyTerry.INSTANCE, ns[j], 2,
            100 * j + seed);
        double[][] fit = RewardLearning.fitTabular(data, BradleyTerry.INSTANCE, null, 1e-3,
            OPTIMIZER).rewards();
        mean += differenceError(fit, truth);
      }
      logN[j] = Math.log(ns[j]);
      logError[j] = Math.log(mean / 6);
    }
    double slope = slope(logN, logError);
    System.out.printf("tabular Bradley-Terry: error slope %.3f (expected -0.5)%n", slope);
    assertThat(slope).isBetween(-0.65, -0.35);
  }

  @Test
  void theFiniteClassPicksThePlantedReward() {
    SyntheticBandit b = bandit(9);
    double[][] truth = b.trueReward();
    SplittableRandom rng = new SplittableRandom(1);
    List<double[][]> candidates = new ArrayList<>();
    for (int c = 0; c < 63; c++) {
      double[][] r = new double[5][6];
      for (int x = 0; x < 5; x++) {
        for (int y = 0; y < 6; y++) {
          r[x][y] = rng.nextDouble();
        }
      }
      candidates.add(r);
    }
    candidates.add(17, truth);
    PreferenceData data = b.sample(SamplingPolicy.escort(), BradleyTerry.INSTANCE, 4000, 2, 3);
    RewardLearning.FiniteFit fit = RewardLearning.fitFinite(data, BradleyTerry.INSTANCE,
        candidates);
    assertThat(fit.index()).isEqualTo(17);
    assertThat(fit.logLikelihoods()).hasSize(64);
  }

  @Test
  void linearRewardsRecoverThetaAndRespectTheBound() {
    int d = 3;
    double[][][] features = randomFeatures(20, 8, d, 11);
    double[] thetaTrue = {1.5, -0.8, 0.4};
    List<String> prompts = new ArrayList<>();
    List<List<String>> responses = new ArrayList<>();
    for (int x = 0; x < 20; x++) {
      prompts.add("x" + x);
      List<String> ys = new ArrayList<>();
      for (int y = 0; y < 8; y++) {
        ys.add("y" + y);
      }
      responses.add(ys);
    }
    PreferenceData.Builder builder = new PreferenceData.Builder(prompts, responses);
    SplittableRandom rng = new SplittableRandom(12);
    for (int i = 0; i < 40000; i++) {
      int x = rng.nextInt(20);
      int a = rng.nextInt(8);
      int c = (a + 1 + rng.nextInt(7)) % 8;
      double t = dot(thetaTrue, features[x][a]) - dot(thetaTrue, features[x][c]);
      boolean aWins = BradleyTerry.INSTANCE.sample(t, rng);
      builder.add(x, aWins ? a : c, aWins ? c : a);
    }
    PreferenceData data = builder.build();
    RewardLearning.LinearFit fit = RewardLearning.fitLinear(data, BradleyTerry.INSTANCE,
        (x, y) -> features[x][y], 0.0, Double.POSITIVE_INFINITY, OPTIMIZER);
    for (int k = 0; k < d; k++) {
      assertThat(fit.theta()[k]).isCloseTo(thetaTrue[k], within(0.06));
    }
    RewardLearning.LinearFit bounded = RewardLearning.fitLinear(data, BradleyTerry.INSTANCE,
        (x, y) -> features[x][y], 0.0, 1.0, OPTIMIZER);
    assertThat(Math.sqrt(dot(bounded.theta(), bounded.theta()))).isCloseTo(1.0, within(1e-6));
    assertThat(bounded.logLikelihood()).isLessThan(fit.logLikelihood());
  }

  @Test
  void pairsAsDifferenceFeaturesGiveTheSameFit() {
    SyntheticBandit b = bandit(2);
    PreferenceData data = b.sample(SamplingPolicy.escort(), BradleyTerry.INSTANCE, 3000, 2, 9);
    double[][][] features = randomFeatures(5, 6, 4, 13);
    double[] diff = new double[data.size() * 4];
    for (int i = 0; i < data.size(); i++) {
      for (int k = 0; k < 4; k++) {
        diff[i * 4 + k] = features[data.prompt(i)][data.ranked(i, 0)][k]
            - features[data.prompt(i)][data.ranked(i, 1)][k];
      }
    }
    RewardLearning.LinearFit general = RewardLearning.fitLinear(data, BradleyTerry.INSTANCE,
        (x, y) -> features[x][y], 0.01, Double.POSITIVE_INFINITY, OPTIMIZER);
    RewardLearning.LinearFit pairs = RewardLearning.fitLinearPairs(diff, 4,
        BradleyTerry.INSTANCE, 0.01, Double.POSITIVE_INFINITY, OPTIMIZER);
    for (int k = 0; k < 4; k++) {
      assertThat(pairs.theta()[k]).isCloseTo(general.theta()[k], within(1e-6));
    }
    assertThat(pairs.logLikelihood()).isCloseTo(general.logLikelihood(), within(1e-6));
    assertThatThrownBy(() -> RewardLearning.fitLinearPairs(new double[7], 4,
        BradleyTerry.INSTANCE, 0, 1, OPTIMIZER))
        .hasMessage("differences hold 7 values, not a whole number of rows of 4");
  }

  @Test
  void bradleyTerryBatchAgreesWithItsScalarMethods() {
    double[] t = {-800, -30, -1.5, 0, 0.2, 9, 700};
    double[] logLink = new double[t.length];
    double[] slope = new double[t.length];
    BradleyTerry.INSTANCE.logLinkBatch(t, logLink, slope, t.length);
    for (int i = 0; i < t.length; i++) {
      assertThat(logLink[i]).isCloseTo(BradleyTerry.INSTANCE.logLink(t[i]),
          within(1e-15 * (1 + Math.abs(t[i]))));
      assertThat(slope[i]).isCloseTo(BradleyTerry.INSTANCE.logLinkDerivative(t[i]),
          within(1e-15));
    }
  }

  @Test
  void syntheticDataAreReproducibleFromTheSeed() {
    SyntheticBandit b = bandit(5);
    PreferenceData one = b.sample(SamplingPolicy.mixture(), Thurstone.of(1), 2000, 2, 42);
    PreferenceData two = b.sample(SamplingPolicy.mixture(), Thurstone.of(1), 2000, 2, 42);
    for (int i = 0; i < 2000; i++) {
      assertThat(two.prompt(i)).isEqualTo(one.prompt(i));
      assertThat(two.ranked(i, 0)).isEqualTo(one.ranked(i, 0));
      assertThat(two.ranked(i, 1)).isEqualTo(one.ranked(i, 1));
    }
    assertThat(SyntheticBandit.generate(3, 4, 1, new double[] {1.0}, 1, 8).trueReward())
        .isDeepEqualTo(SyntheticBandit.generate(3, 4, 1, new double[] {1.0}, 1, 8).trueReward());
  }

  @Test
  void syntheticDataDoNotDependOnTheThreadCount() throws Exception {
    SyntheticBandit b = bandit(6);
    PreferenceData[] runs = new PreferenceData[2];
    int[] threads = {1, 3};
    for (int r = 0; r < 2; r++) {
      java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(threads[r]);
      try {
        runs[r] = pool.submit(() -> b.sample(SamplingPolicy.escort(), BradleyTerry.INSTANCE,
            5000, 2, 77)).get();
      } finally {
        pool.shutdown();
      }
    }
    for (int i = 0; i < 5000; i++) {
      assertThat(runs[1].prompt(i)).isEqualTo(runs[0].prompt(i));
      assertThat(runs[1].ranked(i, 0)).isEqualTo(runs[0].ranked(i, 0));
      assertThat(runs[1].ranked(i, 1)).isEqualTo(runs[0].ranked(i, 1));
    }
  }

  @Test
  void invalidRequestsAreRefused() {
    SyntheticBandit b = bandit(1);
    assertThatThrownBy(() -> b.sample(SamplingPolicy.uniform(), BradleyTerry.INSTANCE, 10, 3, 1))
        .hasMessage("this model ranks 2 to 2 responses, got 3");
    assertThatThrownBy(() -> SamplingPolicy.parse("softmax"))
        .hasMessage("sampling policy must be escort, mixture, reference:I or uniform, got"
            + " 'softmax'");
    assertThatThrownBy(() -> b.policy(SamplingPolicy.reference(5), 0))
        .hasMessage("reference 5 does not exist: there are 2");
    assertThatThrownBy(() -> Lbfgs.of(0, 10, 5)).hasMessage(
        "tolerance must be in (0, 1), got 0.0");
  }

  /** RMS over prompts and response pairs of the error in reward differences. */
  static double differenceError(double[][] fit, double[][] truth) {
    double sum = 0;
    int count = 0;
    for (int x = 0; x < truth.length; x++) {
      for (int a = 0; a < truth[x].length; a++) {
        for (int c = a + 1; c < truth[x].length; c++) {
          double e = (fit[x][a] - fit[x][c]) - (truth[x][a] - truth[x][c]);
          sum += e * e;
          count++;
        }
      }
    }
    return Math.sqrt(sum / count);
  }

  static double slope(double[] x, double[] y) {
    double mx = 0;
    double my = 0;
    for (int i = 0; i < x.length; i++) {
      mx += x[i] / x.length;
      my += y[i] / x.length;
    }
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
    }
    return sxy / sxx;
  }

  private static double[][][] randomFeatures(int prompts, int responses, int d, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][][] f = new double[prompts][responses][d];
    for (double[][] p : f) {
      for (double[] row : p) {
        for (int k = 0; k < d; k++) {
          row[k] = 2 * rng.nextDouble() - 1;
        }
      }
    }
    return f;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}

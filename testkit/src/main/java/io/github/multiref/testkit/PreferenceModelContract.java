package io.github.multiref.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.multiref.api.PreferenceModel;
import io.github.multiref.api.Stability;
import io.github.multiref.rewards.Lbfgs;
import io.github.multiref.rewards.PreferenceData;
import io.github.multiref.rewards.RewardLearning;
import io.github.multiref.rewards.SamplingPolicy;
import io.github.multiref.rewards.SyntheticBandit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link PreferenceModel}, to subclass in a plugin's tests:
 *
 * <pre>{@code
 * class MyModelContractTest extends PreferenceModelContract {
 *   @Override protected PreferenceModel model() { return new MyModel(); }
 * }
 * }</pre>
 *
 * <p>Checks link symmetry and monotonicity, the derivatives against finite differences, a finite
 * log-likelihood for gaps up to 1e150, {@code kappa} against the link's slope on a fine grid,
 * sampler frequencies against the link (and, for ranking models, against the exact probabilities
 * of all orderings of four responses, which must sum to 1), and that the core's tabular reward
 * learning recovers a planted reward from data the model labels.
 */
@Stability(Stability.Status.STABLE)
public abstract class PreferenceModelContract {

  /** The model under test. */
  protected abstract PreferenceModel model();

  /** Seed of the samplers; fixed so that a failure reproduces. */
  protected long seed() {
    return 20261129L;
  }

  private static final double[] GAPS = {-10, -3, -1, -0.5, -0.1, 0, 0.1, 0.5, 1, 3, 10};

  @Test
  void linkIsSymmetricWithOneHalfAtZero() {
    PreferenceModel m = model();
    assertThat(m.link(0.0)).as("link(0)").isCloseTo(0.5, within(1e-15));
    for (double t : GAPS) {
      assertThat(m.link(-t)).as("link(-%s)", t).isCloseTo(1 - m.link(t), within(1e-14));
    }
  }

  @Test
  void linkIsIncreasing() {
    PreferenceModel m = model();
    for (double t = -5; t < 5; t += 0.25) {
      // strictly where doubles can tell the values apart (a steep link reaches 1.0 in double)
      if (m.link(t) < 1 - 1e-9) {
        assertThat(m.link(t + 0.25)).as("link(%s) < link(%s)", t, t + 0.25)
            .isGreaterThan(m.link(t));
      } else {
        assertThat(m.link(t + 0.25)).as("link(%s) <= link(%s)", t, t + 0.25)
            .isGreaterThanOrEqualTo(m.link(t));
      }
      if (t >= 0) { // at negative gaps the log-likelihood resolves what the link cannot
        assertThat(m.logLink(-t - 0.25)).as("log link(%s) < log link(%s)", -t - 0.25, -t)
            .isLessThan(m.logLink(-t));
      }
      assertThat(m.linkDerivative(t)).as("link'(%s)", t).isPositive();
    }
  }

  @Test
  void derivativesMatchCentralDifferences() {
    PreferenceModel m = model();
    double h = 1e-5;
    for (double t : GAPS) {
      double dLink = (m.link(t + h) - m.link(t - h)) / (2 * h);
      assertThat(m.linkDerivative(t)).as("link'(%s)", t)
          .isCloseTo(dLink, within(1e-7 * (1 + Math.abs(dLink))));
      double dLog = (m.logLink(t + h) - m.logLink(t - h)) / (2 * h);
      assertThat(m.logLinkDerivative(t)).as("(log link)'(%s)", t)
          .isCloseTo(dLog, within(1e-6 * (1 + Math.abs(dLog))));
      if (Math.abs(t) <= 5) {
        assertThat(m.logLink(t)).as("log link(%s)", t)
            .isCloseTo(Math.log(m.link(t)), within(1e-13));
      }
    }
  }

  @Test
  void logLikelihoodIsFiniteForEveryGap() {
    PreferenceModel m = model();
    // 1e150: a Gaussian link's log-likelihood, -t^2/2, is still a double there
    for (double magnitude : new double[] {40, 1e3, 1e4, 1e8, 1e150}) {
      for (double t : new double[] {-magnitude, magnitude}) {
        assertThat(m.logLink(t)).as("log link(%s)", t).isFinite().isLessThanOrEqualTo(0.0);
        assertThat(m.logLinkDerivative(t)).as("(log link)'(%s)", t).isFinite()
            .isGreaterThanOrEqualTo(0.0);
      }
      assertThat(m.logLink(magnitude)).as("log link(%s)", magnitude)
          .isCloseTo(0.0, within(1e-12));
    }
    double[] t = {-1e4, -1.0, 0.0, 2.0, 1e4};
    double[] logLink = new double[t.length];
    double[] derivative = new double[t.length];
    m.logLinkBatch(t, logLink, derivative, t.length);
    for (int i = 0; i < t.length; i++) {
      assertThat(logLink[i]).as("batched log link(%s)", t[i])
          .isCloseTo(m.logLink(t[i]), within(1e-12 * (1 + Math.abs(logLink[i]))));
      assertThat(derivative[i]).as("batched (log link)'(%s)", t[i])
          .isCloseTo(m.logLinkDerivative(t[i]), within(1e-12 * (1 + Math.abs(derivative[i]))));
    }
  }

  @Test
  void kappaIsTheInverseOfTheSmallestSlope() {
    PreferenceModel m = model();
    for (double rMax : new double[] {0.5, 1.0, 3.0}) {
      double kappa = m.kappa(rMax);
      double smallest = Double.POSITIVE_INFINITY;
      for (int i = 0; i <= 4000; i++) {
        double t = -rMax + 2 * rMax * i / 4000.0;
        double slope = m.linkDerivative(t);
        smallest = Math.min(smallest, slope);
        assertThat(kappa * slope).as("kappa(%s) link'(%s)", rMax, t)
            .isGreaterThanOrEqualTo(1 - 1e-9);
      }
      assertThat(kappa).as("kappa(%s) against 1 / the smallest slope on a grid", rMax)
          .isCloseTo(1 / smallest, within(1e-6 / smallest));
    }
  }

  @Test
  void sampledLabelsFollowTheLink() {
    PreferenceModel m = model();
    SplittableRandom rng = new SplittableRandom(seed());
    int n = 40000;
    for (double t : new double[] {-1.0, 0.0, 0.7, 2.0}) {
      int wins = 0;
      for (int i = 0; i < n; i++) {
        if (m.sample(t, rng)) {
          wins++;
        }
      }
      double p = m.link(t);
      double sigma = Math.sqrt(p * (1 - p) / n);
      assertThat((double) wins / n).as("frequency of wins at gap %s (5 sigma)", t)
          .isCloseTo(p, within(5 * sigma));
    }
  }

  @Test
  void pairwiseRankingAgreesWithTheLink() {
    PreferenceModel m = model();
    double[] out = new double[2];
    for (double t : GAPS) {
      double[] r = {0.3 + t, 0.3};
      assertThat(m.logLikelihood(r)).as("log-likelihood of a pair at gap %s", t)
          .isCloseTo(m.logLink(t), within(1e-13 * (1 + Math.abs(m.logLink(t)))));
      m.logLikelihoodGradient(r, out);
      assertThat(out[0]).as("gradient at gap %s", t).isCloseTo(m.logLinkDerivative(t),
          within(1e-12 * (1 + out[0])));
      assertThat(out[1]).as("gradient at gap %s", t).isCloseTo(-out[0], within(1e-15));
    }
  }

  @Test
  void rankingsAreADistributionThatTheSamplerFollows() {
    PreferenceModel m = model();
    int length = Math.min(4, m.maxRankingLength());
    assumeTrue(length >= 3, "the model compares pairs only: no rankings to check");
    double[] rewards = java.util.Arrays.copyOf(new double[] {0.2, 1.1, -0.4, 0.6}, length);
    List<int[]> orders = permutations(length);
    double total = 0;
    double[] probability = new double[orders.size()];
    for (int o = 0; o < orders.size(); o++) {
      double[] ranked = new double[length];
      for (int j = 0; j < length; j++) {
        ranked[j] = rewards[orders.get(o)[j]];
      }
      probability[o] = Math.exp(m.logLikelihood(ranked));
      total += probability[o];
      double[] grad = new double[length];
      m.logLikelihoodGradient(ranked, grad);
      for (int j = 0; j < length; j++) {
        double h = 1e-6;
        double[] up = ranked.clone();
        double[] down = ranked.clone();
        up[j] += h;
        down[j] -= h;
        double numeric = (m.logLikelihood(up) - m.logLikelihood(down)) / (2 * h);
        assertThat(grad[j]).as("gradient entry %s of ordering %s", j,
            java.util.Arrays.toString(orders.get(o)))
            .isCloseTo(numeric, within(1e-7 * (1 + Math.abs(numeric))));
      }
    }
    assertThat(total).as("total probability of the %s orderings of %s", orders.size(), length)
        .isCloseTo(1.0, within(1e-12));
    int n = 100_000;
    int[] counts = new int[orders.size()];
    SplittableRandom rng = new SplittableRandom(seed() + 1);
    for (int i = 0; i < n; i++) {
      int[] drawn = m.sampleRanking(rewards, rng);
      for (int o = 0; o < orders.size(); o++) {
        if (java.util.Arrays.equals(drawn, orders.get(o))) {
          counts[o]++;
        }
      }
    }
    for (int o = 0; o < orders.size(); o++) {
      double p = probability[o];
      assertThat((double) counts[o] / n).as("frequency of ordering %s (5 sigma)",
          java.util.Arrays.toString(orders.get(o)))
          .isCloseTo(p, within(5 * Math.sqrt(p * (1 - p) / n)));
    }
  }

  @Test
  void rewardLearningRecoversAPlantedReward() {
    PreferenceModel m = model();
    int length = Math.min(3, m.maxRankingLength());
    SyntheticBandit bandit = SyntheticBandit.generate(3, 5, 1.0, new double[] {0.5, 0.5}, 2.0,
        seed());
    PreferenceData data = bandit.sample(SamplingPolicy.uniform(), m, 40000, length, seed() + 2);
    double[][] fit = RewardLearning.fitTabular(data, m, null, 1e-4, Lbfgs.of(1e-9, 2000, 10))
        .rewards();
    double[][] truth = bandit.trueReward();
    for (int x = 0; x < truth.length; x++) {
      for (int y = 1; y < truth[x].length; y++) {
        assertThat(fit[x][y] - fit[x][0]).as("learned r(%s,%s) - r(%s,0)", x, y, x)
            .isCloseTo(truth[x][y] - truth[x][0], within(0.2));
      }
    }
  }

  private static List<int[]> permutations(int n) {
    List<int[]> out = new ArrayList<>();
    permute(new int[n], new boolean[n], 0, out);
    return out;
  }

  private static void permute(int[] prefix, boolean[] used, int depth, List<int[]> out) {
    if (depth == prefix.length) {
      out.add(prefix.clone());
      return;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (!used[i]) {
        used[i] = true;
        prefix[depth] = i;
        permute(prefix, used, depth + 1, out);
        used[i] = false;
      }
    }
  }
}

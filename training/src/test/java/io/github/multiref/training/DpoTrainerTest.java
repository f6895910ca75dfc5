package io.github.multiref.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Solver;
import io.github.multiref.divergences.ForwardKl;
import io.github.multiref.divergences.ReverseKl;
import io.github.multiref.plugins.neyman.NeymanChiSquared;
import io.github.multiref.rewards.BradleyTerry;
import io.github.multiref.rewards.Lbfgs;
import io.github.multiref.rewards.PreferenceData;
import io.github.multiref.rewards.RewardLearning;
import io.github.multiref.solvers.ForwardKlSolver;
import io.github.multiref.solvers.GeneralFSolver;
import io.github.multiref.solvers.ReverseKlSolver;
import io.github.multiref.solvers.dpo.DpoLosses;
import io.github.multiref.solvers.dpo.MultiReferenceDpo;
import io.github.multiref.solvers.dpo.ReferenceWeighting;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tabular multi-reference DPO against the RLHF solution it stands for: trained on pairs, the
 * policy equals the exact solver's optimum for the tabular Bradley-Terry MLE reward learned from
 * the same pairs (no ridge; every candidate pair compared both ways, so the MLE is finite).
 */
class DpoTrainerTest {

  private static final double BETA = 0.5;
  private static final double[] ALPHA = {0.6, 0.4};
  private static final int PROMPTS = 3;
  private static final int CANDIDATES = 5;

  /** References, true rewards and Bradley-Terry labelled pairs over every candidate pair. */
  private record Bandit(double[][][] refs, int[][] pairs, PreferenceData preferences) {}

  private static Bandit bandit(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][][] refs = new double[PROMPTS][2][CANDIDATES];
    List<int[]> pairs = new ArrayList<>();
    List<String> prompts = new ArrayList<>();
    List<List<String>> responses = new ArrayList<>();
    for (int x = 0; x < PROMPTS; x++) {
      prompts.add("p" + x);
      responses.add(List.of("a", "b", "c", "d", "e"));
      for (int i = 0; i < 2; i++) {
        for (int y = 0; y < CANDIDATES; y++) {
          refs[x][i][y] = -3 * rng.nextDouble();
        }
      }
    }
    PreferenceData.Builder b = new PreferenceData.Builder(prompts, responses);
    for (int x = 0; x < PROMPTS; x++) {
      double[] truth = new double[CANDIDATES];
      for (int y = 0; y < CANDIDATES; y++) {
        truth[y] = 2 * rng.nextDouble();
      }
      for (int a = 0; a < CANDIDATES; a++) {
        for (int c = a + 1; c < CANDIDATES; c++) {
          for (int rep = 0; rep < 40; rep++) {
            boolean aWins = rng.nextDouble() < 1 / (1 + Math.exp(truth[c] - truth[a]));
            int w = aWins ? a : c;
            int l = aWins ? c : a;
            pairs.add(new int[] {x, w, l});
            b.add(x, w, l);
          }
        }
      }
    }
    return new Bandit(refs, pairs.toArray(new int[0][]), b.build());
  }

  private static final Lbfgs TIGHT = Lbfgs.of(1e-12, 20_000, 20);

  @ParameterizedTest
  @ValueSource(strings = {"reverse-kl", "forward-kl", "neyman-chi2"})
  void theTrainedPolicyIsTheExactSolutionForTheMleReward(String name) {
    Divergence f = name.equals("reverse-kl") ? ReverseKl.INSTANCE
        : name.equals("forward-kl") ? ForwardKl.INSTANCE : NeymanChiSquared.INSTANCE;
    Solver solver = name.equals("reverse-kl") ? ReverseKlSolver.INSTANCE
        : name.equals("forward-kl") ? ForwardKlSolver.DEFAULT : GeneralFSolver.DEFAULT;
    Bandit bandit = bandit(1);
    double[][] reward = RewardLearning.fitTabular(bandit.preferences(), BradleyTerry.INSTANCE,
        null, 0, TIGHT).rewards();
    MultiReferenceDpo scorer = MultiReferenceDpo.of(f, BETA, DpoLosses.SIGMOID,
        ReferenceWeighting.fixed(ALPHA));
    DpoData data = DpoData.of(bandit.refs(), bandit.pairs());
    DpoTrainer.Trained trained = DpoTrainer.lbfgs(data, PolicyClass.tabular(data), scorer, 0,
        TIGHT);
    for (int x = 0; x < PROMPTS; x++) {
      List<LogDistribution> refs = new ArrayList<>();
      for (double[] r : bandit.refs()[x]) {
        refs.add(LogDistribution.normalize(r));
      }
      double[] exact = solver.solve(RegularizedProblem.of(ReferenceSet.of(refs, ALPHA),
          reward[x], BETA, f)).policy().probs();
      for (int y = 0; y < CANDIDATES; y++) {
        assertThat(Math.exp(trained.logProbs()[x][y])).as("prompt %d, candidate %d", x, y)
            .isCloseTo(exact[y], within(1e-6));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"reverse-kl", "forward-kl", "neyman-chi2"})
  void theGradientIsTheObjectivesDerivative(String name) {
    Divergence f = name.equals("reverse-kl") ? ReverseKl.INSTANCE
        : name.equals("forward-kl") ? ForwardKl.INSTANCE : NeymanChiSquared.INSTANCE;
    Bandit bandit = bandit(2);
    DpoData data = DpoData.of(bandit.refs(), bandit.pairs());
    MultiReferenceDpo scorer = MultiReferenceDpo.of(f, BETA, DpoLosses.SIGMOID,
        ReferenceWeighting.fixed(ALPHA));
    SplittableRandom rng = new SplittableRandom(3);
    double[][] features = new double[data.rows()][3];
    for (double[] row : features) {
      for (int j = 0; j < 3; j++) {
        row[j] = rng.nextDouble() - 0.5;
      }
    }
    for (PolicyClass policy : List.of(PolicyClass.tabular(data),
        PolicyClass.linear(data, features))) {
      double[] theta = new double[policy.dimension()];
      for (int r = 0; r < theta.length; r++) {
        theta[r] = 2 * rng.nextDouble() - 1;
      }
      double[] grad = new double[theta.length];
      DpoTrainer.objective(data, policy, scorer, 0.1, theta, grad, null, 0, 0, 1);
      double[] scratch = new double[theta.length];
      for (int r = 0; r < theta.length; r++) {
        double h = 1e-5;
        double[] plus = theta.clone();
        double[] minus = theta.clone();
        plus[r] += h;
        minus[r] -= h;
        double fd = (DpoTrainer.objective(data, policy, scorer, 0.1, plus, scratch, null, 0, 0, 1)
            - DpoTrainer.objective(data, policy, scorer, 0.1, minus, scratch, null, 0, 0, 1))
            / (2 * h);
        assertThat(grad[r]).as("%s parameter %d", policy.name(), r)
            .isCloseTo(fd, within(1e-6 * Math.max(1, Math.abs(fd))));
      }
    }
  }

  @Test
  void chunksScoredInParallelSumToWhatOneBatchOfEveryPairGives() {
    Bandit bandit = bandit(7);
    int[][] many = new int[2 * DpoTrainer.CHUNK + 123][]; // chunks of whole prompts
    for (int p = 0; p < many.length; p++) {
      many[p] = bandit.pairs()[p % bandit.pairs().length];
    }
    DpoData data = DpoData.of(bandit.refs(), many);
    assertThat(new DpoTrainer.Workspace(data, many.length, true).chunks).hasSize(2);
    MultiReferenceDpo scorer = MultiReferenceDpo.of(ForwardKl.INSTANCE, BETA, DpoLosses.SIGMOID,
        ReferenceWeighting.fixed(ALPHA));
    PolicyClass policy = PolicyClass.tabular(data);
    SplittableRandom rng = new SplittableRandom(8);
    double[] theta = new double[data.rows()];
    for (int r = 0; r < theta.length; r++) {
      theta[r] = rng.nextDouble() - 0.5;
    }
    double[] chunked = new double[theta.length];
    double a = DpoTrainer.fullBatchObjective(data, policy, scorer, 0.01)
        .valueAndGradient(theta, chunked);
    int[] all = new int[many.length];
    for (int p = 0; p < all.length; p++) {
      all[p] = p;
    }
    double[] single = new double[theta.length];
    double b = DpoTrainer.objective(data, policy, scorer, 0.01, theta, single, all, 0, all.length,
        1);
    assertThat(a).isCloseTo(b, within(1e-12 * Math.abs(b)));
    for (int r = 0; r < theta.length; r++) {
      assertThat(chunked[r]).isCloseTo(single[r], within(1e-9 * Math.max(1, Math.abs(single[r]))));
    }
  }

  @Test
  void aLinearPolicyWhoseFeaturesSpanTheTableReachesTheTabularOptimum() {
    // one indicator feature per candidate row: the log-linear class is the tabular class
    Bandit bandit = bandit(6);
    DpoData data = DpoData.of(bandit.refs(), bandit.pairs());
    double[][] features = new double[data.rows()][data.rows()];
    for (int r = 0; r < data.rows(); r++) {
      features[r][r] = 1;
    }
    MultiReferenceDpo scorer = MultiReferenceDpo.of(ForwardKl.INSTANCE, BETA, DpoLosses.SIGMOID,
        ReferenceWeighting.fixed(ALPHA));
    DpoTrainer.Trained tabular = DpoTrainer.lbfgs(data, PolicyClass.tabular(data), scorer, 0,
        TIGHT);
    DpoTrainer.Trained linear = DpoTrainer.lbfgs(data, PolicyClass.linear(data, features),
        scorer, 0, TIGHT);
    for (int x = 0; x < PROMPTS; x++) {
      for (int y = 0; y < CANDIDATES; y++) {
        assertThat(linear.logProbs()[x][y]).isCloseTo(tabular.logProbs()[x][y], within(1e-8));
      }
    }
    assertThatThrownBy(() -> PolicyClass.linear(data, new double[2][1]))
        .hasMessage("features has 2 rows but the data has " + data.rows() + " candidates");
  }

  @Test
  void seededAdamApproachesTheLbfgsOptimumAndRepeatsItself() {
    Bandit bandit = bandit(4);
    DpoData data = DpoData.of(bandit.refs(), bandit.pairs());
    MultiReferenceDpo scorer = MultiReferenceDpo.of(ReverseKl.INSTANCE, BETA, DpoLosses.SIGMOID,
        ReferenceWeighting.fixed(ALPHA));
    DpoTrainer.Trained exact = DpoTrainer.lbfgs(data, PolicyClass.tabular(data), scorer, 0,
        TIGHT);
    List<DpoTrainer.Epoch> epochs = new ArrayList<>();
    DpoTrainer.Adam adam = new DpoTrainer.Adam(0.01, 64, 200);
    DpoTrainer.Trained a = DpoTrainer.adam(data, PolicyClass.tabular(data), scorer, 0, adam,
        new SplittableRandom(5),
        epochs::add);
    DpoTrainer.Trained again = DpoTrainer.adam(data, PolicyClass.tabular(data), scorer, 0, adam,
        new SplittableRandom(5),
        e -> { });
    assertThat(epochs).hasSize(200);
    assertThat(epochs.get(199).objective()).isLessThan(epochs.get(0).objective());
    assertThat(a.objective()).isCloseTo(exact.objective(), within(1e-2 * exact.objective()));
    for (int x = 0; x < PROMPTS; x++) {
      for (int y = 0; y < CANDIDATES; y++) {
        assertThat(Math.exp(a.logProbs()[x][y])).isCloseTo(Math.exp(exact.logProbs()[x][y]),
            within(0.02));
        assertThat(again.logProbs()[x][y]).isEqualTo(a.logProbs()[x][y]);
      }
    }
  }

  @Test
  void separablePairsHaveNoFiniteOptimumWithoutARidge() {
    // candidate 0 beats 1 beats 2, never the other way: the loss falls toward 0 as the logits
    // part, so L-BFGS stops only where the sigmoid's slope is below its tolerance
    double[][][] refs = {{{-1, -1, -1}, {-2, -1, -0.5}}};
    int[][] pairs = {{0, 0, 1}, {0, 1, 2}, {0, 0, 2}};
    DpoData data = DpoData.of(refs, pairs);
    MultiReferenceDpo scorer = MultiReferenceDpo.of(ReverseKl.INSTANCE, BETA, DpoLosses.SIGMOID,
        ReferenceWeighting.fixed(ALPHA));
    PolicyClass table = PolicyClass.tabular(data);
    DpoTrainer.Trained free = DpoTrainer.lbfgs(data, table, scorer, 0, TIGHT);
    assertThat(free.logProbs()[0][0] - free.logProbs()[0][2]).isGreaterThan(40);
    DpoTrainer.Trained ridge = DpoTrainer.lbfgs(data, table, scorer, 0.1, TIGHT);
    assertThat(ridge.logProbs()[0][0] - ridge.logProbs()[0][2]).isBetween(0.1, 10.0);
    assertThatThrownBy(() -> DpoTrainer.lbfgs(data, table, scorer, 0, Lbfgs.of(1e-12, 3, 10)))
        .isInstanceOf(ArithmeticException.class).hasMessageContaining("L-BFGS did not reach");
    assertThatThrownBy(() -> DpoData.of(refs, new int[][] {{0, 1, 1}}))
        .hasMessage("pair 0 compares candidates 1 and 1 of prompt 0, which has 3; expected two"
            + " different candidates");
  }
}

package io.github.multiref.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.divergences.ReverseKl;
import io.github.multiref.solvers.ReverseKlSolver;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The weights experiment: its two regimes, its alpha curve, its config. */
class DpoWeightsExperimentTest {

  @TempDir Path tmp;

  private static final String CONFIG = """
      {"experiment": "dpo-weights", "beta": 0.5, "n": [400, 3200], "trials": 3, "seed": 5,
       "regimes": [
         {"name": "similar", "references": [[0.25, 0.2, 0.2, 0.15, 0.1, 0.1],
            [0.15, 0.15, 0.2, 0.2, 0.15, 0.15]], "true_reward": [1, 0.8, 0.6, 0.4, 0.2, 0]},
         {"name": "complementary", "references": [[0.25, 0.2, 0.2, 0.2, 0.005, 0.145],
            [0.2, 0.25, 0.2, 0.2, 0.145, 0.005]], "true_reward": [1, 0.9, 0.5, 0.5, 0, 0],
          "label_reward": [1, 0.9, 0.5, 0.5, 1.5, 1.5]}]}
      """;

  @Test
  void theBestSingleReferenceWinsInOneRegimeAndAMixtureInTheOther() throws Exception {
    DpoWeightsExperiment.Result r = DpoWeightsExperiment.run(DpoWeightsExperiment.parse(CONFIG),
        p -> { });
    String verdicts = DpoWeightsExperiment.verdicts(r);
    assertThat(verdicts).contains("similar (n = 3200): best single reference vertex:1")
        .contains("similar (n = 3200)").containsPattern("similar .*the single reference wins")
        .containsPattern("complementary .*the multi-reference target wins");
    // the alpha curve with the true reward has its maximum at a vertex in the first regime, and
    // inside the simplex with the misspecified labels in the second
    double[][] similar = r.curves().get("similar");
    assertThat(similar[0][2]).isGreaterThan(similar[similar.length / 2][2]);
    double[][] complementary = r.curves().get("complementary");
    assertThat(complementary[complementary.length / 2][1]).isGreaterThan(complementary[0][1])
        .isGreaterThan(complementary[complementary.length - 1][1]);
    DpoWeightsExperiment.write(r, tmp);
    assertThat(tmp.resolve("regret-vs-n-regime-1.png")).exists();
    assertThat(tmp.resolve("report.md")).content().contains("### complementary");
  }

  @Test
  void theAlphaCurvesOptimumIsTheExactSolversPolicy() {
    DpoWeightsExperiment.Regime g = DpoWeightsExperiment.parse(CONFIG).regimes().get(1);
    for (double alpha : new double[] {0, 0.3, 1}) {
      double[] pi = DpoWeightsExperiment.optimum(g, g.trueReward(), alpha, 0.5);
      double[] exact = ReverseKlSolver.INSTANCE.solve(RegularizedProblem.of(ReferenceSet.of(
          List.of(LogDistribution.normalize(log(g.references()[0])),
              LogDistribution.normalize(log(g.references()[1]))), 1 - alpha, alpha),
          g.trueReward(), 0.5, ReverseKl.INSTANCE)).policy().probs();
      for (int y = 0; y < pi.length; y++) {
        assertThat(pi[y]).isCloseTo(exact[y], within(1e-12));
      }
    }
  }

  @Test
  void badConfigsAreRefusedByName() {
    assertThatThrownBy(() -> DpoWeightsExperiment.parse(CONFIG.replace("[0.25, 0.2, 0.2, 0.15,"
        + " 0.1, 0.1]", "[0.25, 0.2, 0.2, 0.15, 0.1, 0.2]")))
        .hasMessage("regimes[0].references[0] must hold one probability per response (6),"
            + " summing to 1");
    assertThatThrownBy(() -> DpoWeightsExperiment.parse(CONFIG.replace("\"trials\"",
        "\"trails\""))).hasMessageStartingWith("unknown key 'trails'; did you mean 'trials'?");
  }

  private static double[] log(double[] p) {
    double[] out = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = Math.log(p[i]);
    }
    return out;
  }
}

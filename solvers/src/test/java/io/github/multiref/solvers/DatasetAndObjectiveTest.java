package io.github.multiref.solvers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.divergences.ForwardKl;
import io.github.multiref.divergences.JensenShannon;
import io.github.multiref.divergences.ReverseKl;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DatasetAndObjectiveTest {

  @Test
  void resultsAreBitwiseTheSameForAnyThreadCount() {
    SplittableRandom rng = new SplittableRandom(11);
    List<RegularizedProblem> problems = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      var f = i % 3 == 0 ? ReverseKl.INSTANCE : i % 3 == 1 ? ForwardKl.INSTANCE
          : JensenShannon.INSTANCE;
      problems.add(Problems.random(rng, f, 3, 50, Problems.beta(rng), 1, 2, 0.1));
    }
    AutoSolver solver = AutoSolver.withDefaults();
    List<PolicySolution> one = DatasetSolver.solveAll(problems, solver, 1);
    for (int threads : new int[] {2, 4, 7}) {
      List<PolicySolution> many = DatasetSolver.solveAll(problems, solver, threads);
      for (int i = 0; i < problems.size(); i++) {
        assertThat(many.get(i).policy().logProbs()).isEqualTo(one.get(i).policy().logProbs());
        assertThat(Double.doubleToRawLongBits(many.get(i).objective()))
            .isEqualTo(Double.doubleToRawLongBits(one.get(i).objective()));
      }
    }
  }

  @Test
  void theFirstFailingPromptInInputOrderIsReported() {
    LogDistribution x = LogDistribution.of(0.0, Double.NEGATIVE_INFINITY);
    LogDistribution y = LogDistribution.of(Double.NEGATIVE_INFINITY, 0.0);
    List<RegularizedProblem> problems = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      List<LogDistribution> refs = i == 7 || i == 13 ? List.of(x, y) : List.of(x, x);
      problems.add(RegularizedProblem.of(ReferenceSet.of("p" + i, refs, 0.5, 0.5),
          new double[] {0, 1}, 1, ReverseKl.INSTANCE));
    }
    for (int threads : new int[] {1, 3}) {
      assertThatThrownBy(() -> DatasetSolver.solveAll(problems, ReverseKlSolver.INSTANCE, threads))
          .hasMessageStartingWith("prompt 'p7'");
    }
    assertThatThrownBy(() -> DatasetSolver.solveAll(problems, ReverseKlSolver.INSTANCE, 0))
        .hasMessage("threads must be >= 1, got 0");
  }

  @Test
  void objectiveReportsEachTermAndIgnoresZeroWeights() {
    LogDistribution a = LogDistribution.of(Math.log(0.5), Math.log(0.5));
    LogDistribution b = LogDistribution.of(0.0, Double.NEGATIVE_INFINITY);
    RegularizedProblem p = RegularizedProblem.of(ReferenceSet.of(List.of(a, b), 1.0, 0.0),
        new double[] {1.0, 3.0}, 2.0, ReverseKl.INSTANCE);
    LogDistribution pi = LogDistribution.of(Math.log(0.25), Math.log(0.75));
    ObjectiveBreakdown j = Objectives.evaluate(pi, p);
    double kl = 0.25 * Math.log(0.5) + 0.75 * Math.log(1.5);
    assertThat(j.expectedReward()).isCloseTo(2.5, within(1e-15));
    assertThat(j.divergences()[0]).isCloseTo(kl, within(1e-15));
    assertThat(j.divergences()[1]).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(j.penalty()).isCloseTo(2 * kl, within(1e-15));
    assertThat(j.value()).isCloseTo(2.5 - 2 * kl, within(1e-15));
    assertThatThrownBy(() -> Objectives.evaluate(LogDistribution.uniform(3), p))
        .hasMessage("prompt '<unnamed>': policy has 3 responses but the problem has 2");
  }
}

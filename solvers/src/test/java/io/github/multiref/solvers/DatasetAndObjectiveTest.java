package io.github.multiref.solvers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Solver;
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
  void solveAllReusesWorkingMemoryWithoutChangingABit() {
    // runs of equal sizes reuse the exact solvers' arrays; a size change reallocates them; through
    // AutoSolver, forward-KL and Jensen-Shannon prompts in between go to the other solvers
    SplittableRandom rng = new SplittableRandom(12);
    int[] sizes = {9, 9, 9, 4, 4, 9, 200, 200, 1, 1, 9};
    List<RegularizedProblem> problems = new ArrayList<>();
    for (int i = 0; i < 3 * sizes.length; i++) {
      var f = i % 7 == 5 ? ForwardKl.INSTANCE : i % 7 == 6 ? JensenShannon.INSTANCE
          : ReverseKl.INSTANCE;
      problems.add(Problems.random(rng, f, 1 + i % 4, sizes[i % sizes.length],
          Problems.beta(rng), 2, 2, i % 2 == 0 ? 0.3 : 0.0));
    }
    AutoSolver auto = AutoSolver.withDefaults();
    List<PolicySolution> together = auto.solveAll(problems);
    // and each exact solver on its own problems only, back to back
    List<RegularizedProblem> reverse = problems.stream()
        .filter(p -> p.divergence() == ReverseKl.INSTANCE).toList();
    List<RegularizedProblem> forward = problems.stream()
        .map(p -> Problems.with(p, ForwardKl.INSTANCE)).toList();
    List<PolicySolution> reverseTogether = ReverseKlSolver.INSTANCE.solveAll(reverse);
    List<PolicySolution> forwardTogether = ForwardKlSolver.DEFAULT.solveAll(forward);
    assertThat(together).hasSize(problems.size());
    for (int i = 0, j = 0; i < problems.size(); i++) {
      PolicySolution alone = auto.solve(problems.get(i));
      assertSameBits(together.get(i), alone);
      if (problems.get(i).divergence() == ReverseKl.INSTANCE) {
        assertSameBits(reverseTogether.get(j++), alone);
      }
      assertSameBits(forwardTogether.get(i), ForwardKlSolver.DEFAULT.solve(forward.get(i)));
    }
    for (int threads : new int[] {1, 2, 5}) {
      List<PolicySolution> parallel = DatasetSolver.solveAll(problems, auto, threads);
      for (int i = 0; i < problems.size(); i++) {
        assertSameBits(parallel.get(i), together.get(i));
      }
    }
  }

  private static void assertSameBits(PolicySolution a, PolicySolution b) {
    assertThat(a.policy().logProbs()).isEqualTo(b.policy().logProbs());
    assertThat(a.policy().probs()).isEqualTo(b.policy().probs());
    assertThat(Double.doubleToRawLongBits(a.objective()))
        .isEqualTo(Double.doubleToRawLongBits(b.objective()));
    assertThat(a.diagnostics()).isEqualTo(b.diagnostics());
  }

  @Test
  void aSolverThatLosesSolutionsIsCaught() {
    List<RegularizedProblem> problems = new ArrayList<>();
    SplittableRandom rng = new SplittableRandom(13);
    for (int i = 0; i < 40; i++) {
      problems.add(Problems.random(rng, ReverseKl.INSTANCE, 2, 5, 1.0, 1, 1, 0.0));
    }
    Solver lossy = new Solver() {
      @Override
      public boolean supports(io.github.multiref.api.Divergence d) {
        return true;
      }

      @Override
      public PolicySolution solve(RegularizedProblem p) {
        return ReverseKlSolver.INSTANCE.solve(p);
      }

      @Override
      public List<PolicySolution> solveAll(List<RegularizedProblem> ps) {
        return Solver.super.solveAll(ps).subList(0, ps.size() - 1);
      }

      @Override
      public String toString() {
        return "lossy";
      }
    };
    for (int threads : new int[] {1, 2}) {
      assertThatThrownBy(() -> DatasetSolver.solveAll(problems, lossy, threads))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageMatching("solver lossy returned \\d+ solutions for \\d+ problems");
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

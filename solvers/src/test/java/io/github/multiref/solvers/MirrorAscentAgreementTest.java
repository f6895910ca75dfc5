package io.github.multiref.solvers;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.RegularizedProblem;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Where a generic first-order method converges, the solvers agree with it: mirror ascent is run
 * until no step improves J, its convergence is certified by the duality bound (within 1e-9 of
 * optimal, whatever it took to get there), and then the solvers' objectives must be within 1e-8
 * of its. Instances are small (n <= 12, K <= 4) so that it converges on most of them.
 */
class MirrorAscentAgreementTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.github.multiref.solvers.OptimalityTest#divergences")
  void solversAgreeWithAConvergedGenericOptimizer(Divergence f) {
    SplittableRandom rng = new SplittableRandom(31 * f.toString().hashCode());
    AutoSolver auto = AutoSolver.withDefaults();
    int converged = 0;
    double worst = 0;
    int trials = 30;
    for (int trial = 0; trial < trials; trial++) {
      int k = 1 + rng.nextInt(4);
      int n = 2 + rng.nextInt(11);
      double beta = Problems.beta(rng);
      RegularizedProblem problem = Problems.random(rng, f, k, n, beta, 1.0, 1.5, 0.15);
      double[] eg = Independent.mirrorAscent(problem, 20000);
      var egPolicy = io.github.multiref.api.LogDistribution.of(eg, 1e-9);
      double egValue = Independent.objective(eg, problem);
      double certificate = Independent.dualBound(problem,
          Independent.kktLambda(egPolicy, problem)) - egValue;
      if (certificate > 1e-9 * Math.max(1, Math.abs(egValue))) {
        continue;
      }
      converged++;
      for (var solver : new io.github.multiref.api.Solver[] {auto.delegateFor(f),
          GeneralFSolver.DEFAULT}) {
        PolicySolution s = solver.solve(problem);
        double diff = Math.abs(s.objective() - egValue) / Math.max(1, Math.abs(egValue));
        assertThat(diff).as("%s trial %d (K=%d, n=%d, beta=%.3g) %s", f, trial, k, n, beta,
            solver).isLessThanOrEqualTo(1e-8);
        worst = Math.max(worst, diff);
      }
    }
    System.out.printf("%-20s mirror ascent converged on %d of %d; worst |J - J_mirror| %.2e%n",
        f, converged, trials, worst);
    assertThat(converged).as("instances on which mirror ascent converged")
        .isGreaterThanOrEqualTo(trials / 2);
  }
}

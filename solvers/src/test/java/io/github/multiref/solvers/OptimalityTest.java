package io.github.multiref.solvers;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Solver;
import io.github.multiref.divergences.AlphaDivergence;
import io.github.multiref.divergences.ForwardKl;
import io.github.multiref.divergences.JensenShannon;
import io.github.multiref.divergences.PearsonChiSquared;
import io.github.multiref.divergences.ReverseKl;
import io.github.multiref.divergences.SquaredHellinger;
import io.github.multiref.rewards.RealMagnitudeProblems;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every solver is optimal on random instances (K in 1..8, responses in 2..200, beta in [1e-3, 1e3]
 * log-uniform, rewards in [0, R_max], references with zero-mass responses):
 * <ul>
 *   <li>its objective equals J evaluated from the definition;
 *   <li>a Lagrangian duality certificate bounds the optimum within 1e-8 of it (weak duality:
 *       {@code J(solver) <= OPT <= D(lambda)} for every lambda);
 *   <li>its KKT residual is below 1e-8 (relative to the scale of lambda);
 *   <li>an independent mirror-ascent optimizer never beats it.
 * </ul>
 */
class OptimalityTest {

  static final int INSTANCES_PER_DIVERGENCE = 40;

  static Stream<Divergence> divergences() {
    return Stream.of(ReverseKl.INSTANCE, ForwardKl.INSTANCE, PearsonChiSquared.INSTANCE,
        SquaredHellinger.INSTANCE, JensenShannon.INSTANCE, AlphaDivergence.of(0.5),
        AlphaDivergence.of(-1.0), AlphaDivergence.of(2.0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("divergences")
  void everySolverReachesTheCertifiedOptimum(Divergence f) {
    SplittableRandom rng = new SplittableRandom(f.toString().hashCode());
    AutoSolver auto = AutoSolver.withDefaults();
    double worstGap = 0;
    double worstKkt = 0;
    double worstBeaten = 0;
    for (int trial = 0; trial < INSTANCES_PER_DIVERGENCE; trial++) {
      int k = 1 + rng.nextInt(8);
      int n = 2 + (int) Math.round(Math.pow(199, rng.nextDouble()));
      double beta = Problems.beta(rng);
      double rMax = rng.nextBoolean() ? 1.0 : 4.0;
      RegularizedProblem problem = Problems.random(rng, f, k, n, beta, rMax,
          0.5 + 3 * rng.nextDouble(), 0.15);
      String where = String.format("%s trial %d (K=%d, n=%d, beta=%.3g)", f, trial, k, n, beta);
      Set<Solver> solvers = new LinkedHashSet<>();
      solvers.add(auto.delegateFor(f));
      solvers.add(GeneralFSolver.DEFAULT);
      double[] eg = Independent.mirrorAscent(problem, n <= 40 ? 3000 : 400);
      double egValue = Independent.objective(eg, problem);
      for (Solver solver : solvers) {
        PolicySolution s = solver.solve(problem);
        double j = Independent.objective(s.policy().logProbs(), problem);
        double scale = Math.max(1, Math.abs(j));
        assertThat(s.objective()).as("%s %s objective", where, solver)
            .isCloseTo(j, org.assertj.core.data.Offset.offset(1e-9 * scale));
        double lambda = Independent.kktLambda(s.policy(), problem);
        double gap = Independent.dualBound(problem, lambda) - j;
        assertThat(gap).as("%s %s duality gap", where, solver)
            .isGreaterThan(-1e-9 * scale).isLessThanOrEqualTo(1e-8 * scale);
        double kkt = Independent.kktResidual(s.policy(), problem)
            / Math.max(1, Math.abs(lambda));
        assertThat(kkt).as("%s %s KKT residual", where, solver).isLessThanOrEqualTo(1e-8);
        assertThat(egValue).as("%s mirror ascent vs %s", where, solver)
            .isLessThanOrEqualTo(j + 1e-10 * scale);
        worstGap = Math.max(worstGap, gap / scale);
        worstKkt = Math.max(worstKkt, kkt);
        worstBeaten = Math.max(worstBeaten, (j - egValue) / scale);
      }
    }
    System.out.printf("%-20s worst duality gap %.2e, worst KKT residual %.2e,"
        + " largest lead over mirror ascent %.2e%n", f, worstGap, worstKkt, worstBeaten);
  }

  /**
   * Instances shaped like language-model outputs ({@link RealMagnitudeProblems}: references 5 to
   * 1000 nats apart, K up to 8, up to 1024 responses): every solver is certified optimal by the
   * duality bound from f values alone, and the general solver agrees with the divergence's exact
   * solver where there is one.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("divergences")
  void everySolverReachesTheCertifiedOptimumAtRealMagnitudes(Divergence f) {
    SplittableRandom rng = new SplittableRandom(31L * f.toString().hashCode());
    AutoSolver auto = AutoSolver.withDefaults();
    double worstGap = 0;
    for (int trial = 0; trial < 25; trial++) {
      RegularizedProblem problem = RealMagnitudeProblems.draw(rng, f);
      String where = String.format("%s real-magnitude trial %d (K=%d, n=%d, beta=%.3g)", f, trial,
          problem.references().size(), problem.references().responses(), problem.beta());
      Set<Solver> solvers = new LinkedHashSet<>();
      solvers.add(auto.delegateFor(f));
      solvers.add(GeneralFSolver.DEFAULT);
      double best = Double.NEGATIVE_INFINITY;
      for (Solver solver : solvers) {
        PolicySolution s = solver.solve(problem);
        double j = Independent.objective(s.policy().logProbs(), problem);
        double scale = Math.max(1, Math.abs(j));
        assertThat(j).as("%s %s objective", where, solver).isFinite();
        assertThat(s.objective()).as("%s %s reported objective", where, solver)
            .isCloseTo(j, org.assertj.core.data.Offset.offset(1e-9 * scale));
        double lambda = Independent.kktLambda(s.policy(), problem);
        double dual = Double.POSITIVE_INFINITY;
        for (double shift : new double[] {0, 1e-13, 1e-12, -1e-13}) {
          dual = Math.min(dual, Independent.dualBound(problem, lambda + shift * (1 + Math.abs(lambda))));
        }
        double gap = dual - j;
        assertThat(gap).as("%s %s duality gap", where, solver)
            .isGreaterThan(-1e-9 * scale).isLessThanOrEqualTo(1e-8 * scale);
        worstGap = Math.max(worstGap, gap / scale);
        if (best > Double.NEGATIVE_INFINITY) {
          assertThat(j).as("%s: %s against the exact solver", where, solver)
              .isCloseTo(best, org.assertj.core.data.Offset.offset(1e-9 * scale));
        }
        best = Math.max(best, j);
      }
    }
    System.out.printf("%-20s at real magnitudes: worst duality gap %.2e%n", f, worstGap);
  }
}

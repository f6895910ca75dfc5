package io.github.multiref.bounds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.api.Diagnostic;
import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Solver;
import io.github.multiref.divergences.ForwardKl;
import io.github.multiref.divergences.JensenShannon;
import io.github.multiref.divergences.ReverseKl;
import io.github.multiref.divergences.SquaredHellinger;
import io.github.multiref.rewards.RealMagnitudeProblems;
import io.github.multiref.solvers.ForwardKlSolver;
import io.github.multiref.solvers.GeneralFSolver;
import io.github.multiref.solvers.ReverseKlSolver;
import io.github.multiref.solvers.Sensitivity;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Propositions 5.3 and 6.3 ({@link Gaps#firstOrderBound}) against the exact gap ({@link Gaps#of}),
 * and both, as the learned reward approaches the truth, against the second-order term that Lemma
 * 5.4's sensitivity gives ({@link Sensitivity}): {@code SubOpt ~ delta^T S delta / 2} and the bound
 * {@code ~ delta^T S delta} for {@code r_hat = r* - t delta}. On problems at real magnitudes.
 */
class FirstOrderBoundTest {

  @Test
  void theBoundIsNeverBelowTheExactGapForAnyDivergence() {
    SplittableRandom rng = new SplittableRandom(53);
    Object[][] settings = {{ReverseKl.INSTANCE, ReverseKlSolver.INSTANCE},
        {ForwardKl.INSTANCE, ForwardKlSolver.DEFAULT},
        {SquaredHellinger.INSTANCE, GeneralFSolver.DEFAULT},
        {JensenShannon.INSTANCE, GeneralFSolver.DEFAULT}};
    for (Object[] setting : settings) {
      Divergence f = (Divergence) setting[0];
      Solver solver = (Solver) setting[1];
      int strict = 0;
      for (int trial = 0; trial < 60; trial++) {
        RegularizedProblem p = RealMagnitudeProblems.draw(rng, f, 1 + rng.nextInt(5),
            2 + rng.nextInt(40));
        double[][] truth = {p.rewards()};
        double[][] learned = {noisy(p.rewards(), 0.3 * (1 + rng.nextInt(3)), rng)};
        List<ReferenceSet> refs = List.of(p.references());
        double[] rho = {1.0};
        double gap = Gaps.of(refs, rho, truth, learned, p.beta(), f, solver, solver)
            .subOptimality();
        double bound = Gaps.firstOrderBound(refs, rho, truth, learned, p.beta(), f, solver);
        assertThat(bound).as("%s, trial %d", f, trial)
            .isGreaterThanOrEqualTo(gap - 1e-9 * (1 + Math.abs(gap)));
        if (bound > gap * (1 + 1e-6)) {
          strict++;
        }
      }
      assertThat(strict).as("%s: strictly above the gap", f).isGreaterThan(30);
    }
  }

  /** {@code beta (KL(pi_hat||pi*) + KL(pi*||pi_hat))}, the identity for reverse KL. */
  @Test
  void forReverseKlTheBoundIsBetaTimesTheSymmetrizedKl() {
    SplittableRandom rng = new SplittableRandom(55);
    for (int trial = 0; trial < 60; trial++) {
      RegularizedProblem p = RealMagnitudeProblems.draw(rng, ReverseKl.INSTANCE,
          1 + rng.nextInt(5), 2 + rng.nextInt(40));
      double[] learned = noisy(p.rewards(), 0.5, rng);
      LogDistribution star = ReverseKlSolver.INSTANCE.solve(p).policy();
      LogDistribution hat = ReverseKlSolver.INSTANCE.solve(RegularizedProblem.of(p.references(),
          learned, p.beta(), p.divergence())).policy();
      double symmetric = p.beta() * (kl(hat, star) + kl(star, hat));
      double bound = Gaps.firstOrderBound(List.of(p.references()), new double[] {1.0},
          new double[][] {p.rewards()}, new double[][] {learned}, p.beta(), ReverseKl.INSTANCE,
          ReverseKlSolver.INSTANCE);
      assertThat(bound).isCloseTo(symmetric, within(1e-9 * (1 + symmetric)));
    }
  }

  /**
   * With {@code r_hat = r* - t delta} and t small, the gap and the bound are second order in t, with
   * the sensitivity's quadratic form as coefficient: {@code SubOpt / t^2 -> delta^T S delta / 2}
   * and {@code bound / t^2 -> delta^T S delta}, S at {@code r*}. Checked at t = 1e-2 and 5e-3 by
   * Richardson extrapolation (the O(t) error cancels), to 1e-3.
   */
  @Test
  void nearTheTruthBothAreTheSensitivitysQuadraticForm() {
    SplittableRandom rng = new SplittableRandom(57);
    int checked = 0;
    for (int trial = 0; trial < 200; trial++) {
      boolean reverse = trial % 2 == 0;
      Divergence f = reverse ? ReverseKl.INSTANCE : ForwardKl.INSTANCE;
      Solver solver = reverse ? ReverseKlSolver.INSTANCE : ForwardKlSolver.DEFAULT;
      RegularizedProblem p = RealMagnitudeProblems.draw(rng, f, 1 + rng.nextInt(4),
          2 + rng.nextInt(12));
      PolicySolution star = solver.solve(p);
      double[][] s;
      double scale; // the reward scale on which the policy bends
      if (reverse) {
        s = Sensitivity.reverseKl(star.policy(), p.beta());
        scale = p.beta();
      } else {
        double lambda = star.diagnostic(Diagnostic.MULTIPLIER).orElseThrow();
        try {
          s = Sensitivity.forwardKl(star.policy(), p.rewards(), lambda);
        } catch (IllegalArgumentException outsideTheSupport) {
          continue;
        }
        scale = Double.POSITIVE_INFINITY;
        for (int y = 0; y < p.rewards().length; y++) {
          if (star.policy().inSupport(y)) {
            scale = Math.min(scale, lambda - p.rewards()[y]);
          }
        }
      }
      double[] delta = new double[p.rewards().length];
      for (int y = 0; y < delta.length; y++) {
        delta[y] = scale * (rng.nextDouble() - 0.5);
      }
      double quadratic = 0;
      for (int y = 0; y < delta.length; y++) {
        for (int z = 0; z < delta.length; z++) {
          quadratic += delta[y] * s[y][z] * delta[z];
        }
      }
      // the gap is a difference of objectives of size |J*|: it must stand well above their
      // rounding at the smaller t (here, 1e-10 |J*| against 1e-16 |J*|)
      if (!(quadratic * 5e-3 * 5e-3 / 2 > 1e-10 * (1 + Math.abs(star.objective())))) {
        continue;
      }
      double[] atT = secondOrder(p, solver, delta, 1e-2);
      double[] atHalf = secondOrder(p, solver, delta, 5e-3);
      double gap = 2 * atHalf[0] - atT[0];
      double bound = 2 * atHalf[1] - atT[1];
      assertThat(gap / (quadratic / 2)).as("%s trial %d", f, trial).isCloseTo(1.0,
          within(1e-3));
      assertThat(bound / quadratic).as("%s trial %d", f, trial).isCloseTo(1.0, within(1e-3));
      checked++;
    }
    assertThat(checked).isGreaterThan(20);
  }

  /** {@code {SubOpt / t^2, bound / t^2}} at {@code r_hat = r* - t delta}. */
  private static double[] secondOrder(RegularizedProblem p, Solver solver, double[] delta,
      double t) {
    double[] learned = p.rewards().clone();
    for (int y = 0; y < learned.length; y++) {
      learned[y] -= t * delta[y];
    }
    List<ReferenceSet> refs = List.of(p.references());
    double[] rho = {1.0};
    double[][] truth = {p.rewards()};
    double[][] hat = {learned};
    double gap = Gaps.of(refs, rho, truth, hat, p.beta(), p.divergence(), solver, solver)
        .subOptimality();
    double bound = Gaps.firstOrderBound(refs, rho, truth, hat, p.beta(), p.divergence(), solver);
    return new double[] {gap / (t * t), bound / (t * t)};
  }

  private static double[] noisy(double[] r, double scale, SplittableRandom rng) {
    double[] out = r.clone();
    for (int y = 0; y < out.length; y++) {
      out[y] += scale * (rng.nextDouble() - 0.5);
    }
    return out;
  }

  /** {@code KL(a || b)} over a's support, from the log-probabilities. */
  private static double kl(LogDistribution a, LogDistribution b) {
    double sum = 0;
    for (int y = 0; y < a.size(); y++) {
      if (a.inSupport(y)) {
        sum += a.prob(y) * (a.logProb(y) - b.logProb(y));
      }
    }
    return sum;
  }
}

package io.github.multiref.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.solvers.GeneralFSolver;
import io.github.multiref.solvers.dpo.DpoLosses;
import io.github.multiref.solvers.dpo.MultiReferenceDpo;
import io.github.multiref.solvers.dpo.PairScore;
import io.github.multiref.solvers.dpo.ReferenceWeighting;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link Divergence}, to subclass in a plugin's tests:
 *
 * <pre>{@code
 * class MyDivergenceContractTest extends DivergenceContract {
 *   @Override protected Divergence divergence() { return new MyDivergence(); }
 * }
 * }</pre>
 *
 * <p>Checks the generator (f(1) = 0, convexity on a grid), its derivative and that derivative's
 * inverse against finite differences, the log-space term against direct evaluation, the edge rules
 * at zero mass, {@code D_f >= 0} with equality only at equal distributions, and then the core with
 * this divergence: the general multi-reference solver reaches the optimum on random instances
 * (certified by weak Lagrangian duality, computed here from f' alone) and the DPO gradient matches
 * finite differences of the DPO loss.
 */
public abstract class DivergenceContract {

  /** The divergence under test. */
  protected abstract Divergence divergence();

  /** Ratios t at which f, f' and the inverse of f' are checked. */
  protected double[] ratioGrid() {
    return new double[] {0.02, 0.1, 0.37, 1.0, 1.9, 4.2, 15.0};
  }

  /** Seed of the random instances; fixed so that a failure reproduces. */
  protected long seed() {
    return 20261129L;
  }

  @Test
  void generatorVanishesAtOne() {
    assertThat(divergence().f(1.0)).as("f(1)").isCloseTo(0.0, within(1e-15));
  }

  @Test
  void generatorIsConvexOnAGrid() {
    Divergence d = divergence();
    double[] grid = ratioGrid();
    for (int i = 0; i < grid.length; i++) {
      for (int j = i + 1; j < grid.length; j++) {
        for (double w : new double[] {0.25, 0.5, 0.75}) {
          double t = w * grid[i] + (1 - w) * grid[j];
          double chord = w * d.f(grid[i]) + (1 - w) * d.f(grid[j]);
          assertThat(d.f(t)).as("f at %s against the chord from %s to %s", t, grid[i], grid[j])
              .isLessThanOrEqualTo(chord + 1e-12 * (1 + Math.abs(chord)));
        }
      }
    }
  }

  @Test
  void derivativeMatchesCentralDifferences() {
    Divergence d = divergence();
    for (double t : ratioGrid()) {
      double h = 1e-5 * t;
      double numeric = (d.f(t + h) - d.f(t - h)) / (2 * h);
      assertThat(d.fPrime(t)).as("f'(%s)", t)
          .isCloseTo(numeric, within(1e-6 * (1 + Math.abs(numeric))));
      assertThat(d.fPrimeOfLogRatio(Math.log(t))).as("f'(exp(log %s))", t)
          .isCloseTo(d.fPrime(t), within(1e-12 * (1 + Math.abs(d.fPrime(t)))));
    }
  }

  @Test
  void derivativeIsNonDecreasingWithLimitsAtTheEnds() {
    Divergence d = divergence();
    double previous = d.fPrimeAtZero();
    for (double t : ratioGrid()) {
      assertThat(d.fPrime(t)).as("f'(%s)", t).isGreaterThanOrEqualTo(previous);
      previous = d.fPrime(t);
    }
    assertThat(d.fPrimeAtInfinity()).as("f'(inf)").isGreaterThanOrEqualTo(previous);
  }

  @Test
  void inverseOfTheDerivativeInvertsIt() {
    Divergence d = divergence();
    if (!d.isStrictlyConvex()) {
      return;
    }
    for (double t : ratioGrid()) {
      double u = d.fPrime(t);
      assertThat(d.fPrimeInverse(u)).as("(f')^-1(f'(%s))", t).isCloseTo(t, within(1e-9 * t));
      assertThat(d.logFPrimeInverse(u)).as("log (f')^-1(f'(%s))", t)
          .isCloseTo(Math.log(t), within(1e-9));
    }
    assertThat(d.fPrimeInverse(Double.NEGATIVE_INFINITY)).as("(f')^-1(-inf)").isEqualTo(0.0);
    assertThat(d.fPrimeInverse(Double.POSITIVE_INFINITY)).as("(f')^-1(+inf)")
        .isEqualTo(Double.POSITIVE_INFINITY);
    if (d.fPrimeAtZero() > Double.NEGATIVE_INFINITY) {
      assertThat(d.fPrimeInverse(d.fPrimeAtZero() - 1)).as("(f')^-1 below f'(0+)").isZero();
    }
    if (d.fPrimeAtInfinity() < Double.POSITIVE_INFINITY) {
      assertThat(d.fPrimeInverse(d.fPrimeAtInfinity() + 1)).as("(f')^-1 above f'(inf)")
          .isEqualTo(Double.POSITIVE_INFINITY);
    }
  }

  @Test
  void slopeOfTheDerivativeMatchesCentralDifferences() {
    Divergence d = divergence();
    for (double t : ratioGrid()) {
      double u = Math.log(t);
      double h = 1e-5;
      double numeric = (d.fPrimeOfLogRatio(u + h) - d.fPrimeOfLogRatio(u - h)) / (2 * h);
      assertThat(Math.exp(d.logSlopeOfFPrime(u))).as("t f''(t) at t = %s", t)
          .isCloseTo(numeric, within(1e-6 * (1 + Math.abs(numeric))));
      for (double t2 : ratioGrid()) {
        double direct = d.fPrime(t) - d.fPrime(t2);
        assertThat(d.fPrimeDifference(u, Math.log(t2))).as("f'(%s) - f'(%s)", t, t2)
            .isCloseTo(direct,
                within(1e-11 * (1 + Math.abs(d.fPrime(t)) + Math.abs(d.fPrime(t2)))));
      }
    }
  }

  @Test
  void logSpaceTermMatchesDirectEvaluation() {
    Divergence d = divergence();
    double[] logs = {-6.0, -2.5, -1.0, -0.3, -0.01, 0.0};
    for (double lp : logs) {
      for (double lq : logs) {
        double q = Math.exp(lq);
        double direct = q * d.f(Math.exp(lp) / q);
        assertThat(d.term(lp, lq)).as("term(log p = %s, log q = %s)", lp, lq)
            .isCloseTo(direct, within(1e-10 * (Math.abs(direct) + Math.exp(lp) + q)));
      }
    }
  }

  @Test
  void zeroMassFollowsTheEdgeRulesAndNeverGivesNaN() {
    Divergence d = divergence();
    assertThat(d.term(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY)).as("term(0, 0)")
        .isZero();
    double lp = Math.log(0.3);
    double outside = d.term(lp, Double.NEGATIVE_INFINITY);
    if (d.fPrimeAtInfinity() == Double.POSITIVE_INFINITY) {
      assertThat(outside).as("term(0.3, 0) with f'(inf) = inf").isEqualTo(Double.POSITIVE_INFINITY);
    } else {
      assertThat(outside).as("term(0.3, 0) = 0.3 f'(inf)")
          .isCloseTo(0.3 * d.fPrimeAtInfinity(), within(1e-14));
    }
    double missing = d.term(Double.NEGATIVE_INFINITY, lp);
    if (d.f(0.0) == Double.POSITIVE_INFINITY) {
      assertThat(missing).as("term(0, 0.3) with f(0) = inf").isEqualTo(Double.POSITIVE_INFINITY);
    } else {
      assertThat(missing).as("term(0, 0.3) = 0.3 f(0)").isCloseTo(0.3 * d.f(0.0), within(1e-14));
    }
    for (double[] extreme : new double[][] {{-800, Double.NEGATIVE_INFINITY},
        {Double.NEGATIVE_INFINITY, -800}, {-1e4, 0}, {0, -1e4}, {-1e4, -1e4}}) {
      assertThat(d.term(extreme[0], extreme[1]))
          .as("term(log p = %s, log q = %s)", extreme[0], extreme[1]).isNotNaN();
    }
  }

  @Test
  void divergenceIsPositiveExceptBetweenEqualDistributions() {
    Divergence d = divergence();
    SplittableRandom rng = new SplittableRandom(seed());
    for (int trial = 0; trial < 200; trial++) {
      int n = 2 + rng.nextInt(30);
      LogDistribution p = Instances.randomDistribution(rng, n, 2.0, 0.0);
      LogDistribution q = Instances.randomDistribution(rng, n, 2.0, 0.0);
      assertThat(d.divergence(p, p)).as("D(p||p), trial %s", trial)
          .isCloseTo(0.0, within(1e-12));
      double dpq = d.divergence(p, q);
      assertThat(dpq).as("D(p||q), trial %s", trial).isNotNaN().isPositive();
    }
  }

  @Test
  void generalSolverReachesTheOptimumOnRandomInstances() {
    Divergence d = divergence();
    if (!d.isStrictlyConvex()) {
      return;
    }
    SplittableRandom rng = new SplittableRandom(seed() + 1);
    for (int trial = 0; trial < 60; trial++) {
      RegularizedProblem problem = Instances.randomProblem(rng, d);
      PolicySolution solution = GeneralFSolver.DEFAULT.solve(problem);
      LogDistribution pi = solution.policy();
      double value = Certificates.objective(pi, problem);
      String what = "trial " + trial + ", " + problem.references().size() + " references, "
          + problem.references().responses() + " responses, beta " + problem.beta();
      assertThat(value).as("objective, " + what).isFinite();
      assertThat(solution.objective()).as("reported objective, " + what)
          .isCloseTo(value, within(1e-9 * (1 + Math.abs(value))));
      double gap = Certificates.optimalityGap(pi, problem);
      assertThat(gap).as("duality gap (optimum minus this policy at most), " + what)
          .isLessThan(1e-8 * (1 + Math.abs(value)));
      assertThat(gap).as("weak duality, " + what)
          .isGreaterThan(-1e-9 * (1 + Math.abs(value)));
    }
  }

  @Test
  void dpoGradientMatchesFiniteDifferences() {
    Divergence d = divergence();
    SplittableRandom rng = new SplittableRandom(seed() + 2);
    for (int trial = 0; trial < 100; trial++) {
      int k = 1 + rng.nextInt(4);
      double[] alpha = Instances.randomWeights(rng, k);
      double beta = Math.exp(rng.nextDouble(Math.log(0.01), Math.log(10)));
      MultiReferenceDpo dpo = MultiReferenceDpo.of(d, beta, DpoLosses.SIGMOID,
          ReferenceWeighting.fixed(alpha));
      double chosen = -1 - 4 * rng.nextDouble();
      double rejected = -1 - 4 * rng.nextDouble();
      double[] refChosen = new double[k];
      double[] refRejected = new double[k];
      for (int i = 0; i < k; i++) {
        refChosen[i] = chosen + rng.nextDouble(-2, 2);
        refRejected[i] = rejected + rng.nextDouble(-2, 2);
      }
      PairScore score = dpo.score(chosen, rejected, refChosen, refRejected);
      double h = 1e-6;
      double dChosen = (dpo.score(chosen + h, rejected, refChosen, refRejected).loss()
          - dpo.score(chosen - h, rejected, refChosen, refRejected).loss()) / (2 * h);
      double dRejected = (dpo.score(chosen, rejected + h, refChosen, refRejected).loss()
          - dpo.score(chosen, rejected - h, refChosen, refRejected).loss()) / (2 * h);
      assertThat(score.loss()).as("loss, trial %s", trial).isFinite().isPositive();
      assertThat(score.gradChosen()).as("dLoss/dlog pi(chosen), trial %s", trial)
          .isCloseTo(dChosen, within(1e-6 * (1 + Math.abs(dChosen))));
      assertThat(score.gradRejected()).as("dLoss/dlog pi(rejected), trial %s", trial)
          .isCloseTo(dRejected, within(1e-6 * (1 + Math.abs(dRejected))));
      // the logit is the difference of implicit rewards, each beta sum_i alpha_i (f'(t_i) - f'(1))
      double direct = 0;
      for (int i = 0; i < k; i++) {
        direct += alpha[i] * (d.fPrimeOfLogRatio(chosen - refChosen[i]) - d.fPrime(1.0));
      }
      assertThat(score.chosenReward()).as("implicit reward of chosen, trial %s", trial)
          .isCloseTo(beta * direct, within(1e-9 * (1 + Math.abs(beta * direct))));
    }
  }
}

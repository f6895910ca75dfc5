package io.github.multiref.bounds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.divergences.EscortCombiner;
import io.github.multiref.divergences.ForwardKl;
import io.github.multiref.divergences.MixtureCombiner;
import io.github.multiref.divergences.ReverseKl;
import io.github.multiref.solvers.ForwardKlSolver;
import io.github.multiref.solvers.ReverseKlSolver;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.function.ToDoubleBiFunction;
import org.junit.jupiter.api.Test;

/**
 * The coverage conditions of docs/math.md#coverage, each checked two ways: the policy that attains
 * the reported ratio is built and shown to satisfy the condition on the boundary (so the value is
 * reached), and many random policies that satisfy the condition never exceed it (so it is the
 * supremum). Distributions at real magnitudes: log-probs from sequence log-probs of -50 to -400,
 * renormalized, so most responses hold e^-100 or less.
 */
class CoverageTest {

  private static final SplittableRandom RNG = new SplittableRandom(20261203);

  /** KL(p || q) by a plain sum, independent of the code under test. */
  private static double kl(double[] lp, double[] lq) {
    double s = 0;
    for (int y = 0; y < lp.length; y++) {
      if (lp[y] > Double.NEGATIVE_INFINITY) {
        s += Math.exp(lp[y]) * (lp[y] - lq[y]);
      }
    }
    return s;
  }

  private static LogDistribution random(int n, boolean realMagnitudes) {
    double[] w = new double[n];
    for (int y = 0; y < n; y++) {
      w[y] = realMagnitudes ? RNG.nextDouble(-400, -50) : 2 * RNG.nextGaussian();
    }
    return LogDistribution.normalize(w);
  }

  /** pi(y) = t, the rest in proportion to the reference: the extremal policy of both balls. */
  private static double[] extremal(LogDistribution ref, int y, double logT) {
    double[] lp = new double[ref.size()];
    double logRest = logT >= 0 ? Double.NEGATIVE_INFINITY
        : Math.log(-Math.expm1(logT)) - Math.log(-Math.expm1(ref.logProb(y)));
    for (int z = 0; z < lp.length; z++) {
      lp[z] = z == y ? logT : ref.logProb(z) + logRest;
    }
    return lp;
  }

  @Test
  void theReverseKlBallIsAttainedAndNeverExceeded() {
    assertBall(Coverage::logReverseKlBall, (pi, ref) -> kl(pi, ref));
  }

  @Test
  void theForwardKlBallIsAttainedAndNeverExceeded() {
    assertBall(Coverage::logForwardKlBall, (pi, ref) -> kl(ref, pi));
  }

  /**
   * A ball's coverage against its definition, {@code divergence(pi, ref) <= eps}: attained by the
   * extremal policy of the best response, and never exceeded by mixtures {@code (1 - s) ref + s q}
   * inside the ball.
   */
  private static void assertBall(ToDoubleBiFunction<LogDistribution, Double> coverage,
      ToDoubleBiFunction<double[], double[]> divergence) {
    for (int trial = 0; trial < 200; trial++) {
      int n = 2 + RNG.nextInt(30);
      LogDistribution ref = random(n, trial % 2 == 0);
      double eps = Math.pow(10, -4 + 5 * RNG.nextDouble());
      double logC = coverage.applyAsDouble(ref, eps);
      double best = Double.NEGATIVE_INFINITY;
      for (int y = 0; y < n; y++) {
        double[] lp = extremal(ref, y, Math.min(0, ref.logProb(y) + logC));
        if (divergence.applyAsDouble(lp, ref.logProbs()) <= eps * (1 + 1e-9) + 1e-15) {
          best = Math.max(best, lp[y] - ref.logProb(y));
        }
      }
      assertThat(best).as("trial %d", trial).isCloseTo(logC, within(1e-9 * Math.max(1, logC)));
      for (int k = 0; k < 20; k++) {
        double[] q = random(n, false).probs();
        double[] lp = inside(ref, q, pi -> divergence.applyAsDouble(pi, ref.logProbs()) <= eps);
        for (int y = 0; y < n; y++) {
          assertThat(lp[y] - ref.logProb(y)).isLessThanOrEqualTo(logC + 1e-9);
        }
      }
    }
  }

  /** {@code (1-s) ref + s q} for the largest s in [0, 1] (by bisection) that stays inside. */
  private static double[] inside(LogDistribution ref, double[] q, Predicate<double[]> inBall) {
    if (inBall.test(mix(ref, q, 1))) {
      return mix(ref, q, 1);
    }
    double lo = 0;
    double hi = 1;
    for (int i = 0; i < 60; i++) {
      double mid = (lo + hi) / 2;
      if (inBall.test(mix(ref, q, mid))) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return mix(ref, q, lo);
  }

  private static double[] mix(LogDistribution ref, double[] q, double s) {
    double[] lp = new double[q.length];
    for (int y = 0; y < q.length; y++) {
      lp[y] = Math.log((1 - s) * ref.prob(y) + s * q[y]);
    }
    return lp;
  }

  @Test
  void ballsAtTheirEdges() {
    LogDistribution ref = LogDistribution.of(Math.log(0.25), Math.log(0.75));
    // radius 0: only the reference itself, to the square root of rounding (the binary KL is
    // quadratic in t - p there, so it rounds to 0 within 1e-8 of p)
    assertThat(Coverage.logReverseKlBall(ref, 0)).isCloseTo(0, within(1e-7));
    assertThat(Coverage.logForwardKlBall(ref, 0)).isCloseTo(0, within(1e-7));
    // reverse: once log(1/p) <= eps the whole mass fits on y
    assertThat(Coverage.logReverseKlBall(ref, Math.log(4) + 1e-9)).isCloseTo(Math.log(4),
        within(1e-12));
    // forward: never all of it
    assertThat(Coverage.logForwardKlBall(ref, 5)).isLessThan(Math.log(4));
    // a response without reference mass: no ratio bounds a forward-KL ball's policies
    LogDistribution holed = LogDistribution.of(0.0, Double.NEGATIVE_INFINITY);
    assertThat(Coverage.logForwardKlBall(holed, 0.1)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(Coverage.logReverseKlBall(holed, 0.1)).isEqualTo(0.0);
    assertThatThrownBy(() -> Coverage.logReverseKlBall(ref, -1))
        .hasMessageContaining("epsilon must be finite and >= 0, got -1.0");
  }

  /** The optimal policies for rewards in [0, R_max], solved one by one, against the formulas. */
  @Test
  void globalCoverageOfTheOptimalPoliciesMatchesTheSolvers() {
    for (int trial = 0; trial < 60; trial++) {
      int k = 1 + RNG.nextInt(3);
      int n = 2 + RNG.nextInt(12);
      ReferenceSet set = references(k, n, trial % 2 == 0);
      double beta = Math.pow(10, -1 + 2 * RNG.nextDouble());
      double rMax = 0.1 + 3 * RNG.nextDouble();
      LogDistribution escort = EscortCombiner.INSTANCE.combine(set).distribution();
      LogDistribution mixture = MixtureCombiner.INSTANCE.combine(set).distribution();
      double rkl = Coverage.logGlobalReverseKl(escort, rMax, beta);
      double fkl = Coverage.logGlobalForwardKl(mixture, rMax, beta);
      double rklSolved = Double.NEGATIVE_INFINITY;
      double fklSolved = Double.NEGATIVE_INFINITY;
      for (int y = 0; y < n; y++) { // the extremal reward: R_max at y, 0 elsewhere
        double[] r = new double[n];
        r[y] = rMax;
        rklSolved = Math.max(rklSolved, ReverseKlSolver.INSTANCE.solve(RegularizedProblem.of(set,
            r, beta, ReverseKl.INSTANCE)).policy().logProb(y) - escort.logProb(y));
        fklSolved = Math.max(fklSolved, ForwardKlSolver.DEFAULT.solve(RegularizedProblem.of(set,
            r, beta, ForwardKl.INSTANCE)).policy().logProb(y) - mixture.logProb(y));
      }
      assertThat(rkl).as("trial %d", trial).isCloseTo(rklSolved, within(1e-9));
      assertThat(fkl).as("trial %d", trial).isCloseTo(fklSolved, within(1e-9));
      assertThat(rkl).isLessThanOrEqualTo(Coverage.worstCaseLogReverseKl(rMax, beta) + 1e-12);
      if (rMax < beta) {
        assertThat(fkl).isLessThanOrEqualTo(Coverage.worstCaseLogForwardKl(rMax, beta) + 1e-12);
      }
      // no other reward in [0, R_max] does better
      for (int s = 0; s < 20; s++) {
        double[] r = new double[n];
        for (int y = 0; y < n; y++) {
          r[y] = rMax * RNG.nextDouble();
        }
        LogDistribution pr = ReverseKlSolver.INSTANCE.solve(RegularizedProblem.of(set, r, beta,
            ReverseKl.INSTANCE)).policy();
        LogDistribution pf = ForwardKlSolver.DEFAULT.solve(RegularizedProblem.of(set, r, beta,
            ForwardKl.INSTANCE)).policy();
        assertThat(Coverage.logGlobal(List.of(pr), escort)).isLessThanOrEqualTo(rkl + 1e-9);
        assertThat(Coverage.logGlobal(List.of(pf), mixture)).isLessThanOrEqualTo(fkl + 1e-9);
      }
    }
  }

  /**
   * Section 7: for any policy class, the escort's global coverage is at most the alpha-weighted
   * geometric mean of the references' (pi / pi_alpha = F_alpha prod_i (pi / pi_i)^alpha_i with
   * F_alpha <= 1 by Hoelder), and so is the mixture's (pibar >= prod_i pi_i^alpha_i, by the
   * weighted AM-GM inequality). The first is strict in most trials (F_alpha < 1).
   */
  @Test
  void theCombinedReferencesCoverAsHoelderSays() {
    int strict = 0;
    for (int trial = 0; trial < 200; trial++) {
      int k = 2 + RNG.nextInt(3);
      int n = 2 + RNG.nextInt(20);
      ReferenceSet set = references(k, n, trial % 2 == 0);
      List<LogDistribution> policies = new ArrayList<>();
      for (int j = 0; j < 1 + RNG.nextInt(6); j++) {
        policies.add(random(n, false));
      }
      double geometric = 0;
      for (int i = 0; i < k; i++) {
        geometric += set.weight(i) * Coverage.logGlobal(policies, set.reference(i));
      }
      double escort = Coverage.logGlobal(policies,
          EscortCombiner.INSTANCE.combine(set).distribution());
      double mixture = Coverage.logGlobal(policies,
          MixtureCombiner.INSTANCE.combine(set).distribution());
      double tolerance = 1e-9 * Math.max(1, Math.abs(geometric));
      assertThat(escort).as("trial %d", trial).isLessThanOrEqualTo(geometric + tolerance);
      assertThat(mixture).as("trial %d", trial).isLessThanOrEqualTo(geometric + tolerance);
      if (escort < geometric - 1e-6) {
        strict++;
      }
    }
    assertThat(strict).as("trials where Hoelder is strict").isGreaterThan(150);
  }

  /** K random references over n responses with random positive weights. */
  private static ReferenceSet references(int k, int n, boolean realMagnitudes) {
    List<LogDistribution> refs = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      refs.add(random(n, realMagnitudes));
    }
    return ReferenceSet.of("x", refs, weights(k));
  }

  private static double[] weights(int k) {
    double[] alpha = new double[k];
    double sum = 0;
    for (int i = 0; i < k; i++) {
      alpha[i] = 0.05 + RNG.nextDouble();
      sum += alpha[i];
    }
    for (int i = 0; i < k; i++) {
      alpha[i] /= sum;
    }
    return alpha;
  }
}

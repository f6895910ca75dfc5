package io.github.multiref.solvers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.multiref.api.Diagnostic;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Solver;
import io.github.multiref.divergences.ForwardKl;
import io.github.multiref.divergences.ReverseKl;
import io.github.multiref.rewards.RealMagnitudeProblems;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Lemma 5.4 and its forward-KL counterpart ({@link Sensitivity}) against central finite
 * differences of the exact solvers' policies, on problems at real magnitudes (sequence
 * log-probabilities -50 to -400 and -1e4, references up to 100 nats apart, beta 1e-3 to 10).
 */
class SensitivityTest {

  @Test
  void reverseKlMatchesFiniteDifferences() {
    SplittableRandom rng = new SplittableRandom(54);
    for (int trial = 0; trial < 60; trial++) {
      RegularizedProblem p = small(rng, ReverseKl.INSTANCE);
      LogDistribution pi = ReverseKlSolver.INSTANCE.solve(p).policy();
      assertMatchesFiniteDifferences(p, ReverseKlSolver.INSTANCE,
          Sensitivity.reverseKl(pi, p.beta()), p.beta());
    }
  }

  @Test
  void forwardKlMatchesFiniteDifferences() {
    SplittableRandom rng = new SplittableRandom(63);
    int checked = 0;
    for (int trial = 0; trial < 60; trial++) {
      RegularizedProblem p = small(rng, ForwardKl.INSTANCE);
      var solution = ForwardKlSolver.DEFAULT.solve(p);
      double lambda = solution.diagnostic(Diagnostic.MULTIPLIER).orElseThrow();
      if (!inside(solution.policy(), p.rewards(), lambda)) {
        continue; // the optimum's mass is outside the mixture's support: a test below
      }
      double smallestGap = Double.POSITIVE_INFINITY; // pi's scale in r: lambda - r(y)
      for (int y = 0; y < p.rewards().length; y++) {
        if (solution.policy().inSupport(y)) {
          smallestGap = Math.min(smallestGap, lambda - p.rewards()[y]);
        }
      }
      assertMatchesFiniteDifferences(p, ForwardKlSolver.DEFAULT,
          Sensitivity.forwardKl(solution.policy(), p.rewards(), lambda), smallestGap);
      checked++;
    }
    assertThat(checked).isGreaterThan(30);
  }

  /**
   * Symmetric, positive semi-definite, rows summing to 0. A row sum is {@code d_y (1 - sum pi)}
   * for reverse KL ({@code d = pi / beta}), so it is compared with {@code d_y} (for forward KL,
   * {@code d = q}), not with the row's entries, which are far smaller for a concentrated policy;
   * likewise the quadratic form {@code sum d v^2 - (sum d v)^2 / sum d} with the first term.
   */
  @Test
  void bothAreSymmetricPositiveSemiDefiniteWithZeroRowSums() {
    SplittableRandom rng = new SplittableRandom(25);
    int forward = 0;
    for (int trial = 0; trial < 40; trial++) {
      RegularizedProblem p = RealMagnitudeProblems.draw(rng, ForwardKl.INSTANCE, 3, 12);
      LogDistribution rkl = ReverseKlSolver.INSTANCE.solve(Problems.with(p, ReverseKl.INSTANCE))
          .policy();
      double[] d = rkl.probs();
      for (int y = 0; y < d.length; y++) {
        d[y] /= p.beta();
      }
      assertSymmetricSemiDefinite(Sensitivity.reverseKl(rkl, p.beta()), d, rng);
      var fkl = ForwardKlSolver.DEFAULT.solve(p);
      double lambda = fkl.diagnostic(Diagnostic.MULTIPLIER).orElseThrow();
      if (inside(fkl.policy(), p.rewards(), lambda)) {
        double[] q = fkl.policy().probs();
        for (int y = 0; y < q.length; y++) {
          q[y] /= lambda - p.rewards()[y];
        }
        assertSymmetricSemiDefinite(Sensitivity.forwardKl(fkl.policy(), p.rewards(), lambda), q,
            rng);
        forward++;
      }
    }
    assertThat(forward).isGreaterThan(20);
  }

  private static void assertSymmetricSemiDefinite(double[][] s, double[] d,
      SplittableRandom rng) {
    int n = s.length;
    double scale = 0;
    for (int y = 0; y < n; y++) {
      double rowSum = 0;
      for (int z = 0; z < n; z++) {
        assertThat(s[y][z]).isEqualTo(s[z][y]);
        rowSum += s[y][z];
        scale = Math.max(scale, Math.abs(s[y][z]));
      }
      assertThat(Math.abs(rowSum)).isLessThanOrEqualTo(1e-14 * d[y]);
    }
    for (int draw = 0; draw < 10; draw++) {
      double[] v = new double[n];
      for (int y = 0; y < n; y++) {
        v[y] = Problems.gaussian(rng);
      }
      double quadratic = 0;
      double size = 0;
      for (int y = 0; y < n; y++) {
        size += d[y] * v[y] * v[y]; // the first of the two terms that cancel
        for (int z = 0; z < n; z++) {
          quadratic += v[y] * s[y][z] * v[z];
        }
      }
      assertThat(quadratic).isGreaterThanOrEqualTo(-1e-14 * size * n);
    }
  }

  /**
   * Lemma A.4 (a per-prompt shift of the reward moves no policy), for reverse KL, forward KL and
   * squared Hellinger, and the forward-KL multiplier's range (Appendix C): {@code lambda} lies in
   * {@code [max(r_max, beta + r_min), beta + r_max]} over the mixture's support (where the optimum
   * has no mass off that support), and shifts with the reward.
   */
  @Test
  void aShiftOfTheRewardMovesNoPolicyAndLambdaLiesInItsRange() {
    SplittableRandom rng = new SplittableRandom(44);
    int inRange = 0;
    for (int trial = 0; trial < 60; trial++) {
      RegularizedProblem p = small(rng, ForwardKl.INSTANCE);
      double c = 100 * (rng.nextDouble() - 0.5);
      double[] shifted = p.rewards().clone();
      for (int y = 0; y < shifted.length; y++) {
        shifted[y] += c;
      }
      Object[][] settings = {{ReverseKl.INSTANCE, ReverseKlSolver.INSTANCE},
          {ForwardKl.INSTANCE, ForwardKlSolver.DEFAULT},
          {io.github.multiref.divergences.SquaredHellinger.INSTANCE, GeneralFSolver.DEFAULT}};
      for (Object[] setting : settings) {
        io.github.multiref.api.Divergence f = (io.github.multiref.api.Divergence) setting[0];
        Solver solver = (Solver) setting[1];
        double[] at = solver.solve(Problems.with(p, f)).policy().probs();
        double[] moved = solver.solve(RegularizedProblem.of(p.references(), shifted, p.beta(),
            f)).policy().probs();
        for (int y = 0; y < at.length; y++) {
          assertThat(Math.abs(moved[y] - at[y])).as("%s, trial %d", f, trial)
              .isLessThanOrEqualTo(1e-9);
        }
      }
      var fkl = ForwardKlSolver.DEFAULT.solve(p);
      double lambda = fkl.diagnostic(Diagnostic.MULTIPLIER).orElseThrow();
      LogDistribution mixture = io.github.multiref.divergences.MixtureCombiner.INSTANCE.combine(
          p.references()).distribution();
      double rMin = Double.POSITIVE_INFINITY;
      double rMax = Double.NEGATIVE_INFINITY;
      for (int y = 0; y < p.rewards().length; y++) {
        if (mixture.inSupport(y)) {
          rMin = Math.min(rMin, p.rewards()[y]);
          rMax = Math.max(rMax, p.rewards()[y]);
        }
      }
      boolean inside = true; // else the optimum has mass off the mixture (lambda = max r)
      for (int y = 0; y < p.rewards().length; y++) {
        inside &= mixture.inSupport(y) || !fkl.policy().inSupport(y);
      }
      double slack = 1e-12 * (1 + Math.abs(rMax) + p.beta());
      if (inside) {
        assertThat(lambda).isBetween(Math.max(rMax, p.beta() + rMin) - slack,
            p.beta() + rMax + slack);
        inRange++;
      }
      double lambdaShifted = ForwardKlSolver.DEFAULT.solve(RegularizedProblem.of(p.references(),
          shifted, p.beta(), ForwardKl.INSTANCE)).diagnostic(Diagnostic.MULTIPLIER)
          .orElseThrow();
      assertThat(lambdaShifted - c).isCloseTo(lambda, org.assertj.core.api.Assertions.within(
          1e-9 * (1 + Math.abs(lambda) + Math.abs(c))));
    }
    assertThat(inRange).isGreaterThan(40);
  }

  @Test
  void forwardKlRefusesAnOptimumOutsideTheMixturesSupport() {
    LogDistribution pi = LogDistribution.of(Math.log(0.5), Math.log(0.5));
    assertThatThrownBy(() -> Sensitivity.forwardKl(pi, new double[] {1.0, 2.0}, 2.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("response 1 has mass and reward 2.0 >= lambda = 2.0");
  }

  /** A real-magnitude problem with 1 to 6 references over 2 to 31 responses. */
  private static RegularizedProblem small(SplittableRandom rng,
      io.github.multiref.api.Divergence f) {
    return RealMagnitudeProblems.draw(rng, f, 1 + rng.nextInt(6), 2 + rng.nextInt(30));
  }

  private static boolean inside(LogDistribution pi, double[] r, double lambda) {
    for (int y = 0; y < r.length; y++) {
      if (pi.inSupport(y) && !(lambda - r[y] > 1e-9 * Math.max(1, Math.abs(lambda)))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Column y' of the Jacobian against {@code (pi(r + h e_y') - pi(r - h e_y')) / 2h} with {@code h
   * = 1e-4 s}, s the reward scale on which pi bends (beta for reverse KL, the smallest {@code
   * lambda - r(y)} for forward KL): truncation error about {@code (h/s)^2} of the column's largest entry
   * (allowed: 1e-6 of it), and rounding. A solver computes {@code log pi} from quantities as large
   * as {@code M = max(r/beta, |log pi|)} (6,500 at beta = 1.5e-3 and rewards up to 10), so pi(y)
   * carries a relative error of a few {@code 1e-16 M}, and the quotient one of {@code pi(y) M
   * 1e-16 / h} (allowed: ten times that). The rounding term matters where a column is far below
   * the policy's large masses: with {@code pi(y') = 1e-107} the entry {@code -pi(y) pi(y') / beta}
   * of a response with {@code pi(y) ~ 1} is below the rounding of {@code pi(y)}, and finite
   * differences cannot see it.
   */
  private static void assertMatchesFiniteDifferences(RegularizedProblem p, Solver solver,
      double[][] s, double scaleOfR) {
    int n = p.rewards().length;
    double h = 1e-4 * scaleOfR;
    double magnitude = 1;
    for (double r : p.rewards()) {
      magnitude = Math.max(magnitude, 1 + Math.abs(r) / p.beta());
    }
    for (double lp : solver.solve(p).policy().logProbs()) {
      magnitude = Math.max(magnitude, 1 + Math.abs(Math.max(lp, -1e300)));
    }
    for (int z = 0; z < n; z++) {
      double[] up = p.rewards().clone();
      double[] down = p.rewards().clone();
      up[z] += h;
      down[z] -= h;
      double[] plus = solver.solve(RegularizedProblem.of(p.references(), up, p.beta(),
          p.divergence())).policy().probs();
      double[] minus = solver.solve(RegularizedProblem.of(p.references(), down, p.beta(),
          p.divergence())).policy().probs();
      double scale = 0;
      for (int y = 0; y < n; y++) {
        scale = Math.max(scale, Math.abs(s[y][z]));
      }
      for (int y = 0; y < n; y++) {
        double fd = (plus[y] - minus[y]) / (2 * h);
        double rounding = (1e-15 * Math.max(plus[y], minus[y]) * magnitude
            + 4 * Double.MIN_VALUE) / h; // and a subnormal pi(y) has fewer bits
        assertThat(Math.abs(fd - s[y][z])).as("d pi(%d) / d r(%d), beta %s", y, z, p.beta())
            .isLessThanOrEqualTo(1e-6 * scale + rounding);
      }
    }
  }
}

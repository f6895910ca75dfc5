package io.github.multiref.bounds;

import io.github.multiref.api.CoverageCondition;
import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.LogMath;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Solver;
import io.github.multiref.api.Stability;
import io.github.multiref.divergences.EscortCombiner;
import io.github.multiref.divergences.MixtureCombiner;
import java.util.List;

/**
 * The coverage constant of the bounds: {@code C = sup_x sup_y sup_t pi_t(y|x) / pi_s(y|x)} over the
 * optimal policies {@code pi_t} for the rewards {@code (1-t) r_hat + t r*}, {@code t in [0, 1]}
 * (docs/math.md#sample-complexity-bounds).
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class Coverage {

  private Coverage() {}

  /**
   * The worst case for reverse KL with the escort as sampling policy: every Gibbs policy with
   * reward in {@code [0, R_max]} satisfies {@code pi_t / pi_alpha <= exp(R_max / beta)}.
   */
  public static double worstCaseReverseKl(double rMax, double beta) {
    return Math.exp(worstCaseLogReverseKl(rMax, beta));
  }

  /** {@code log} of {@link #worstCaseReverseKl}: {@code R_max / beta}, a double for any beta. */
  public static double worstCaseLogReverseKl(double rMax, double beta) {
    check(rMax, beta);
    return rMax / beta;
  }

  /**
   * {@code log} of the worst case for forward KL with the mixture as sampling policy: the optimal
   * policy is {@code beta pibar(y) / (lambda - r(y))} with {@code lambda >= beta + r_min >= beta}
   * (docs/math.md#sample-complexity-bounds), so for rewards in {@code [0, R_max]} with {@code R_max < beta} the ratio to
   * the mixture is at most {@code beta / (beta - R_max)}. For {@code R_max >= beta} there is no
   * bound without data (the ratio reaches {@code 1 / min_y pibar(y)}): NaN.
   */
  public static double worstCaseLogForwardKl(double rMax, double beta) {
    check(rMax, beta);
    return rMax < beta ? -Math.log1p(-rMax / beta) : Double.NaN;
  }

  // ---- The paper's coverage conditions (Assumptions 4.3-4.5), exact on a finite response set.
  // Each is a supremum over y of a one-dimensional problem in pi(y) (docs/math.md#coverage), and
  // each method returns its log, +inf where the ratio is unbounded. For several prompts, take the
  // largest (the sup over x).

  /**
   * Global coverage (Assumption 4.3) of an explicit policy class: {@code log max_{pi, y}
   * pi(y) / reference(y)}; +inf when a policy has mass where the reference has none.
   */
  public static double logGlobal(List<LogDistribution> policies, LogDistribution reference) {
    double worst = Double.NEGATIVE_INFINITY;
    for (LogDistribution pi : policies) {
      if (pi.size() != reference.size()) {
        throw new IllegalArgumentException("a policy over " + pi.size() + " responses against a"
            + " reference over " + reference.size());
      }
      for (int y = 0; y < pi.size(); y++) {
        if (pi.inSupport(y)) {
          worst = Math.max(worst, reference.inSupport(y)
              ? pi.logProb(y) - reference.logProb(y) : Double.POSITIVE_INFINITY);
        }
      }
    }
    return worst;
  }

  /**
   * Global coverage of the reverse-KL optimal policies {@code pi_r = escort exp(r/beta) / Z} over
   * every reward with values in {@code [0, R_max]}: for response y the ratio {@code exp(r(y)/beta)
   * / Z} is largest with {@code r(y) = R_max} and 0 elsewhere, so {@code C = max_y e^{R/beta} / (1
   * - p_y + p_y e^{R/beta})} with {@code p_y} the escort's mass. At most {@link
   * #worstCaseReverseKl} (which is its limit as {@code p_y -> 0}).
   */
  public static double logGlobalReverseKl(LogDistribution escort, double rMax, double beta) {
    check(rMax, beta);
    double a = rMax / beta;
    double worst = 0.0;
    for (int y = 0; y < escort.size(); y++) {
      if (escort.inSupport(y)) { // no optimal policy has mass off the escort's support
        double lp = escort.logProb(y);
        double rest = lp >= 0 ? Double.NEGATIVE_INFINITY : LogMath.log1mExp(lp);
        worst = Math.max(worst, a - LogMath.logAddExp(rest, lp + a));
      }
    }
    return worst;
  }

  /**
   * Global coverage of the forward-KL optimal policies {@code pi_r = beta pibar / (lambda - r)} over
   * every reward with values in {@code [0, R_max]}: the ratio {@code beta / (lambda - r(y))} is
   * largest with {@code r(y) = R_max} and 0 elsewhere (lambda grows with every reward, and {@code
   * lambda - r(y)} falls as r(y) grows), where {@code lambda} solves {@code beta p / (lambda - R) +
   * beta (1 - p) / lambda = 1}, a quadratic. A response without mass in the mixture takes mass
   * (ratio +inf) once {@code R_max > beta}.
   */
  public static double logGlobalForwardKl(LogDistribution mixture, double rMax, double beta) {
    check(rMax, beta);
    double worst = 0.0;
    for (int y = 0; y < mixture.size(); y++) {
      if (!mixture.inSupport(y)) {
        if (rMax > beta) {
          return Double.POSITIVE_INFINITY;
        }
        continue;
      }
      double p = Math.exp(mixture.logProb(y));
      double d = rMax - beta;
      double root = Math.sqrt(d * d + 4 * beta * rMax * p);
      // lambda - R, the larger root of the quadratic, without cancellation
      double gap = d > 0 ? 2 * beta * rMax * p / (d + root) : (root - d) / 2;
      worst = Math.max(worst, Math.log(beta) - Math.log(gap));
    }
    return worst;
  }

  /**
   * Local reverse-KL-ball coverage (Assumption 4.4): {@code log sup pi(y) / reference(y)} over the
   * policies with {@code KL(pi || reference) <= eps}. For a given {@code pi(y) = t} the smallest
   * such KL spreads {@code 1 - t} in proportion to the reference (log-sum inequality), which gives
   * the binary {@code kl(t || p_y)}; so t is the largest value with {@code kl(t || p_y) <= eps},
   * found by bisection on {@code log t}. Responses off the reference's support take no mass.
   */
  public static double logReverseKlBall(LogDistribution reference, double eps) {
    checkRadius(eps);
    double worst = 0.0;
    for (int y = 0; y < reference.size(); y++) {
      if (reference.inSupport(y)) {
        double lp = reference.logProb(y);
        worst = Math.max(worst, largestLogMass(lp, eps, true) - lp);
      }
    }
    return worst;
  }

  /**
   * Local forward-KL-ball coverage (Assumption 4.5): {@code log sup pi(y) / reference(y)} over the
   * policies with {@code KL(reference || pi) <= eps}: as {@link #logReverseKlBall} with the binary
   * {@code kl(p_y || t)}. A response without reference mass can take any mass the ball allows:
   * +inf.
   */
  public static double logForwardKlBall(LogDistribution reference, double eps) {
    checkRadius(eps);
    double worst = 0.0;
    for (int y = 0; y < reference.size(); y++) {
      if (!reference.inSupport(y)) {
        return Double.POSITIVE_INFINITY;
      }
      double lp = reference.logProb(y);
      worst = Math.max(worst, largestLogMass(lp, eps, false) - lp);
    }
    return worst;
  }

  /**
   * {@code log C} of a condition for the reverse-KL bounds (Section 5): against the escort of the
   * references, global coverage over the escort's Gibbs tilts ({@link #logGlobalReverseKl}).
   *
   * @throws io.github.multiref.api.EmptySupportException if the escort has no mass
   */
  public static double logReverseKlSetting(CoverageCondition condition, ReferenceSet references,
      double rMax, double beta) {
    LogDistribution escort = EscortCombiner.INSTANCE.combine(references).distribution();
    return condition.kind() == CoverageCondition.Kind.GLOBAL
        ? logGlobalReverseKl(escort, rMax, beta) : logBall(condition, escort);
  }

  /**
   * {@code log C} of a condition for the forward-KL bounds (Section 6): against the mixture of the
   * references, global coverage over the forward-KL optima ({@link #logGlobalForwardKl}).
   */
  public static double logForwardKlSetting(CoverageCondition condition, ReferenceSet references,
      double rMax, double beta) {
    LogDistribution mixture = MixtureCombiner.INSTANCE.combine(references).distribution();
    return condition.kind() == CoverageCondition.Kind.GLOBAL
        ? logGlobalForwardKl(mixture, rMax, beta) : logBall(condition, mixture);
  }

  private static double logBall(CoverageCondition condition, LogDistribution reference) {
    return condition.kind() == CoverageCondition.Kind.REVERSE_KL_BALL
        ? logReverseKlBall(reference, condition.epsilon())
        : logForwardKlBall(reference, condition.epsilon());
  }

  /**
   * The largest {@code log t >= lp} with the binary KL ({@code kl(t||p)} if reverse, else {@code
   * kl(p||t)}) at most eps; both grow with t above p. Bisection on {@code log t} to adjacent
   * doubles.
   */
  private static double largestLogMass(double lp, double eps, boolean reverse) {
    if (lp >= 0) {
      return 0.0; // the only response
    }
    if (binaryKl(0.0, lp, reverse) <= eps) {
      return 0.0; // t = 1 (reverse KL only: kl(p||1) is infinite)
    }
    double lo = lp;
    double hi = 0.0;
    for (int i = 0; i < 2000 && Math.nextUp(lo) < hi; i++) {
      double mid = lo + (hi - lo) / 2;
      if (binaryKl(mid, lp, reverse) <= eps) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** {@code kl(t||p)} (reverse) or {@code kl(p||t)}, from {@code log t} and {@code log p}. */
  private static double binaryKl(double lt, double lp, boolean reverse) {
    double a = reverse ? lt : lp;
    double b = reverse ? lp : lt;
    double ea = Math.exp(a);
    double oneMinusA = a >= 0 ? 0.0 : -Math.expm1(a);
    double logOneMinusA = a >= 0 ? Double.NEGATIVE_INFINITY : LogMath.log1mExp(a);
    double logOneMinusB = b >= 0 ? Double.NEGATIVE_INFINITY : LogMath.log1mExp(b);
    double first = ea * (a - b);
    double second = oneMinusA == 0.0 ? 0.0 : oneMinusA * (logOneMinusA - logOneMinusB);
    return first + second;
  }

  private static void checkRadius(double eps) {
    if (!(eps >= 0 && eps < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("the KL radius epsilon must be finite and >= 0, got "
          + eps);
    }
  }

  private static void check(double rMax, double beta) {
    if (!(rMax > 0) || !(beta > 0)) {
      throw new IllegalArgumentException("R_max and beta must be > 0, got " + rMax + " and "
          + beta);
    }
  }

  /**
   * The exact constant for known rewards, maximized over {@code steps + 1} equally spaced t
   * (including both ends) and every prompt and response.
   *
   * @param references per prompt
   * @param sampling per prompt, the policy the pairs were drawn from
   * @param learned per prompt, {@code r_hat}
   * @param truth per prompt, {@code r*}
   */
  public static double exact(List<ReferenceSet> references, List<LogDistribution> sampling,
      double[][] learned, double[][] truth, double beta, Divergence divergence, Solver solver,
      int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1, got " + steps);
    }
    double worst = 1.0;
    for (int x = 0; x < references.size(); x++) {
      int n = references.get(x).responses();
      for (int s = 0; s <= steps; s++) {
        double t = (double) s / steps;
        double[] r = new double[n];
        for (int y = 0; y < n; y++) {
          r[y] = (1 - t) * learned[x][y] + t * truth[x][y];
        }
        LogDistribution pi = solver.solve(RegularizedProblem.of(references.get(x), r, beta,
            divergence)).policy();
        for (int y = 0; y < n; y++) {
          if (pi.inSupport(y)) {
            worst = Math.max(worst, Math.exp(pi.logProb(y) - sampling.get(x).logProb(y)));
          }
        }
      }
    }
    return worst;
  }
}

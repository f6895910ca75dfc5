package io.github.multiref.bounds;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Solver;
import io.github.multiref.api.Stability;
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

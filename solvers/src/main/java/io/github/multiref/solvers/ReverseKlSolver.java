package io.github.multiref.solvers;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.EmptySupportException;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.LogMath;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Solver;
import io.github.multiref.divergences.ReverseKl;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exact multi-reference reverse-KL solution (MATH.md section 3, paper Theorem 5.2):
 * {@code pi*(y) = pi_alpha(y) exp(r(y)/beta) / Z} with {@code pi_alpha} the generalized escort.
 *
 * <p>In log space {@code log pi*(y) = sum_i alpha_i log pi_i(y) + r(y)/beta - log(Z F_alpha)}, where
 * {@code log(Z F_alpha) = logsumexp_y(sum_i alpha_i log pi_i(y) + r(y)/beta)}. The optimal value is
 * {@code beta (log Z + log F_alpha)}, and Hoelder bounds it by the alpha-average of the single-
 * reference optima {@code sum_i alpha_i beta log sum_y pi_i(y) exp(r(y)/beta)}.
 *
 * <p>Diagnostics: {@code logZ}, {@code logF}, {@code upperBound}. Closed form: no iterations.
 */
public final class ReverseKlSolver implements Solver {

  /** The single instance. */
  public static final ReverseKlSolver INSTANCE = new ReverseKlSolver();

  private ReverseKlSolver() {}

  @Override
  public boolean supports(Divergence divergence) {
    return divergence instanceof ReverseKl;
  }

  @Override
  public PolicySolution solve(RegularizedProblem problem) {
    if (!supports(problem.divergence())) {
      throw new IllegalArgumentException("the exact reverse-KL solver needs the reverse-kl"
          + " divergence, got " + problem.divergence());
    }
    ReferenceSet refs = problem.references();
    int n = refs.responses();
    double invBeta = 1.0 / problem.beta();
    double[] logEscort = new double[n];
    double upperBound = 0.0;
    double[] scratch = new double[n];
    for (int i = 0; i < refs.size(); i++) {
      double w = refs.weight(i);
      if (w == 0.0) {
        continue;
      }
      double[] lp = refs.reference(i).logProbs();
      for (int y = 0; y < n; y++) {
        logEscort[y] += w * lp[y];
        scratch[y] = lp[y] + problem.reward(y) * invBeta;
      }
      upperBound += w * problem.beta() * LogMath.logSumExp(scratch);
    }
    double logF = LogMath.logSumExp(logEscort);
    if (logF == Double.NEGATIVE_INFINITY) {
      throw new EmptySupportException("escort", refs.prompt());
    }
    double[] tilted = new double[n];
    for (int y = 0; y < n; y++) {
      tilted[y] = logEscort[y] + problem.reward(y) * invBeta;
    }
    double logZF = LogMath.logSumExp(tilted);
    for (int y = 0; y < n; y++) {
      tilted[y] -= logZF;
    }
    Map<String, Double> diagnostics = new LinkedHashMap<>();
    diagnostics.put("logZ", logZF - logF);
    diagnostics.put("logF", logF);
    diagnostics.put("upperBound", upperBound);
    return new PolicySolution(LogDistribution.of(tilted, 1e-9), problem.beta() * logZF, 0, 0.0,
        diagnostics);
  }

  @Override
  public String toString() {
    return "reverse-kl-exact";
  }
}

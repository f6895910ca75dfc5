package io.github.multiref.solvers;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.LogMath;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Solver;
import io.github.multiref.divergences.ForwardKl;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Multi-reference forward-KL solution (MATH.md section 4, paper Theorem 6.2):
 * {@code pi*(y) = beta pibar(y) / (lambda - r(y))} on the support S of the mixture pibar, with
 * {@code lambda} the unique root of {@code sum_y beta pibar(y)/(lambda - r(y)) = 1} in the bracket
 * {@code [max(r_max, beta + r_min), beta + r_max]} (r over S).
 *
 * <h2>How lambda is found</h2>
 * With {@code s = lambda - r_max}, M the responses of S with the largest reward and {@code W =
 * beta pibar(M)}, the policy's mass on M is {@code m = W/s}, and m solves {@code G(m) = m + sum_{y
 * in S\M} beta pibar(y) m / (W + m (r_max - r(y))) - 1 = 0}. G is increasing and concave, so
 * Newton's method started at the bracket's left end {@code m = pibar(M)} (that is, {@code lambda =
 * beta + r_max}) increases monotonically to the root without overshooting; each step is also kept
 * inside the bracket. Working with m rather than lambda keeps full relative accuracy in {@code
 * lambda - r_max} even when beta is tiny, and the policy is formed in log space.
 *
 * <h2>Responses outside the mixture's support</h2>
 * Forward KL does not penalize mass where every reference has none, so such a response y gets
 * mass exactly when {@code r(y)} exceeds the lambda found on S. Then {@code lambda = r(y)} for the
 * best such response, S keeps {@code beta pibar(y)/(lambda - r(y))}, and the rest of the mass goes
 * to the best outside responses (split evenly among ties: any split is optimal). Otherwise they
 * get exactly zero mass, as MATH.md states.
 *
 * <p>Diagnostics: {@code lambda}. Iterations count Newton steps; the residual is {@code |sum pi -
 * 1|} before the final renormalization.
 */
public final class ForwardKlSolver implements Solver {

  /** Relative tolerance 1e-15 on {@code lambda - r_max}, at most 100 Newton steps. */
  public static final ForwardKlSolver DEFAULT = new ForwardKlSolver(1e-15, 100);

  private final double relativeTolerance;
  private final int maxIterations;

  private ForwardKlSolver(double relativeTolerance, int maxIterations) {
    this.relativeTolerance = relativeTolerance;
    this.maxIterations = maxIterations;
  }

  /**
   * A solver with explicit tolerance and budget.
   *
   * @param relativeTolerance relative step size at which Newton stops, in {@code (0, 1e-6]}
   * @param maxIterations Newton steps allowed before {@link ArithmeticException}, {@code >= 1}
   */
  public static ForwardKlSolver of(double relativeTolerance, int maxIterations) {
    if (!(relativeTolerance > 0 && relativeTolerance <= 1e-6)) {
      throw new IllegalArgumentException(
          "tolerance must be in (0, 1e-6], got " + relativeTolerance);
    }
    if (maxIterations < 1) {
      throw new IllegalArgumentException("max-iterations must be >= 1, got " + maxIterations);
    }
    return new ForwardKlSolver(relativeTolerance, maxIterations);
  }

  @Override
  public boolean supports(Divergence divergence) {
    return divergence instanceof ForwardKl;
  }

  @Override
  public PolicySolution solve(RegularizedProblem problem) {
    if (!supports(problem.divergence())) {
      throw new IllegalArgumentException("the forward-KL solver needs the forward-kl divergence,"
          + " got " + problem.divergence());
    }
    ReferenceSet refs = problem.references();
    int n = refs.responses();
    double beta = problem.beta();
    double[] logMix = mixture(refs);
    double rMax = Double.NEGATIVE_INFINITY;
    double rMin = Double.POSITIVE_INFINITY;
    double rOutside = Double.NEGATIVE_INFINITY;
    for (int y = 0; y < n; y++) {
      double r = problem.reward(y);
      if (logMix[y] > Double.NEGATIVE_INFINITY) {
        rMax = Math.max(rMax, r);
        rMin = Math.min(rMin, r);
      } else {
        rOutside = Math.max(rOutside, r);
      }
    }
    double logMassTop = Double.NEGATIVE_INFINITY; // log pibar(M)
    for (int y = 0; y < n; y++) {
      if (logMix[y] > Double.NEGATIVE_INFINITY && problem.reward(y) == rMax) {
        logMassTop = LogMath.logAddExp(logMassTop, logMix[y]);
      }
    }
    double w = beta * Math.exp(logMassTop);
    double[] weightOthers = new double[n]; // beta pibar(y) on S \ M, else 0
    double[] gap = new double[n]; // r_max - r(y)
    for (int y = 0; y < n; y++) {
      gap[y] = rMax - problem.reward(y);
      if (logMix[y] > Double.NEGATIVE_INFINITY && gap[y] > 0) {
        weightOthers[y] = beta * Math.exp(logMix[y]);
      }
    }
    int iterations = 0;
    double m;
    double s;
    if (w == 0.0) {
      // pibar(M) underflows: s is below the smallest double, lambda = r_max to rounding
      double rest = 0.0;
      for (int y = 0; y < n; y++) {
        rest += weightOthers[y] > 0 ? weightOthers[y] / gap[y] : 0.0;
      }
      m = 1.0 - rest;
      s = 0.0;
    } else {
      double lo = Math.exp(logMassTop);
      double spread = rMax - rMin;
      double hi = beta > spread ? Math.min(1.0, w / (beta - spread)) : 1.0;
      m = Math.min(lo, hi);
      while (true) {
        double g = m - 1.0;
        double slope = 1.0;
        for (int y = 0; y < n; y++) {
          double wy = weightOthers[y];
          if (wy > 0) {
            double denominator = w + m * gap[y];
            g += wy * m / denominator;
            slope += wy * w / (denominator * denominator);
          }
        }
        if (g >= 0) {
          break; // at the root to rounding: Newton from the left never passes it
        }
        double next = Math.min(m - g / slope, hi);
        iterations++;
        if (!(next > m) || next - m <= relativeTolerance * next) {
          m = Math.max(m, next);
          break;
        }
        if (iterations >= maxIterations) {
          throw new ArithmeticException("prompt '" + refs.prompt() + "': forward-KL lambda did not"
              + " converge to " + relativeTolerance + " within " + maxIterations + " Newton steps");
        }
        m = next;
      }
      s = w / m;
    }
    double lambda = rMax + s;
    double[] policy = new double[n];
    double logBeta = Math.log(beta);
    boolean outsideWins = rOutside > lambda;
    if (outsideWins) {
      lambda = rOutside;
    }
    for (int y = 0; y < n; y++) {
      if (logMix[y] == Double.NEGATIVE_INFINITY) {
        policy[y] = Double.NEGATIVE_INFINITY;
      } else if (!outsideWins && gap[y] == 0.0) {
        policy[y] = logMix[y] - logMassTop + Math.log(m);
      } else {
        double distance = outsideWins ? lambda - problem.reward(y) : s + gap[y];
        policy[y] = logBeta + logMix[y] - Math.log(distance);
      }
    }
    if (outsideWins) {
      double logInside = LogMath.logSumExp(policy);
      int ties = 0;
      for (int y = 0; y < n; y++) {
        if (logMix[y] == Double.NEGATIVE_INFINITY && problem.reward(y) == rOutside) {
          ties++;
        }
      }
      double logEach = LogMath.log1mExp(Math.min(logInside, 0.0)) - Math.log(ties);
      for (int y = 0; y < n; y++) {
        if (logMix[y] == Double.NEGATIVE_INFINITY && problem.reward(y) == rOutside) {
          policy[y] = logEach;
        }
      }
    }
    double logTotal = LogMath.logSumExp(policy);
    double residual = Math.abs(Math.expm1(logTotal));
    for (int y = 0; y < n; y++) {
      policy[y] -= logTotal;
    }
    LogDistribution pi = LogDistribution.of(policy, 1e-9);
    Map<String, Double> diagnostics = new LinkedHashMap<>();
    diagnostics.put("lambda", lambda);
    double objective = Objectives.evaluate(pi, problem).value();
    return new PolicySolution(pi, objective, iterations, residual, diagnostics);
  }

  /** {@code log pibar(y) = logsumexp_i(log alpha_i + log pi_i(y))}. */
  static double[] mixture(ReferenceSet refs) {
    int n = refs.responses();
    double[] out = new double[n];
    java.util.Arrays.fill(out, Double.NEGATIVE_INFINITY);
    for (int i = 0; i < refs.size(); i++) {
      double w = refs.weight(i);
      if (w == 0.0) {
        continue;
      }
      double logW = Math.log(w);
      double[] lp = refs.reference(i).logProbs();
      for (int y = 0; y < n; y++) {
        out[y] = LogMath.logAddExp(out[y], logW + lp[y]);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "forward-kl-implicit";
  }
}

package io.github.multiref.solvers;

import io.github.multiref.api.Diagnostic;
import io.github.multiref.api.Divergence;
import io.github.multiref.api.EmptySupportException;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Solver;
import io.github.multiref.api.Stability;
import io.github.multiref.api.internal.ArrayKernels;
import io.github.multiref.api.internal.DistributionArrays;
import io.github.multiref.divergences.EscortCombiner;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Exact multi-reference reverse-KL solution (docs/math.md#reverse-kl, paper Theorem 5.2):
 * {@code pi*(y) = pi_alpha(y) exp(r(y)/beta) / Z} with {@code pi_alpha} the generalized escort.
 *
 * <p>In log space {@code log pi*(y) = sum_i alpha_i log pi_i(y) + r(y)/beta - log(Z F_alpha)}, where
 * {@code log(Z F_alpha) = logsumexp_y(sum_i alpha_i log pi_i(y) + r(y)/beta)}. The optimal value is
 * {@code beta (log Z + log F_alpha)}, and Hoelder bounds it by the alpha-average of the single-
 * reference optima {@code sum_i alpha_i beta log sum_y pi_i(y) exp(r(y)/beta)}.
 *
 * <p>Diagnostics: {@code logZ}, {@code logF}, {@code upperBound}. Closed form: no iterations.
 */
@Stability(Stability.Status.STABLE)
public final class ReverseKlSolver implements Solver {

  /** The single instance. */
  public static final ReverseKlSolver INSTANCE = new ReverseKlSolver();

  private ReverseKlSolver() {}

  /** Reverse KL and its positive multiples, by their power form (see {@link KlFamily}). */
  @Override
  public boolean supports(Divergence divergence) {
    return KlFamily.reverseKl(divergence).isPresent();
  }

  @Override
  public PolicySolution solve(RegularizedProblem problem) {
    return solve(problem, new Work(problem.references().responses()));
  }

  /**
   * Solves the problems in order with one pair of working arrays, allocated again only when the
   * number of responses changes: the results are bitwise those of {@link #solve}.
   */
  @Override
  public List<PolicySolution> solveAll(List<RegularizedProblem> problems) {
    return WorkingMemory.solveInOrder(problems, Work::new, Work::clear, this::solve);
  }

  /**
   * One prompt's working arrays: {@code tilt} (any content, overwritten) and {@code logEscort}
   * (zeros, as the escort is accumulated into it).
   */
  private record Work(double[] tilt, double[] logEscort) {
    Work(int n) {
      this(new double[n], new double[n]);
    }

    void clear() {
      Arrays.fill(logEscort, 0.0);
    }
  }

  /** The solution, computed in the working arrays of {@link Work}. */
  private PolicySolution solve(RegularizedProblem problem, Work work) {
    Divergence.PowerForm form = KlFamily.reverseKl(problem.divergence()).orElseThrow(() ->
        new IllegalArgumentException("the exact reverse-KL solver needs the reverse-kl"
            + " divergence, got " + problem.divergence()));
    double[] tilt = work.tilt();
    double[] logEscort = work.logEscort();
    ReferenceSet refs = problem.references();
    int n = refs.responses();
    double beta = problem.beta() * form.scale(); // D_f = scale KL
    double invBeta = 1.0 / beta;
    for (int y = 0; y < n; y++) {
      tilt[y] = problem.reward(y) * invBeta;
    }
    double maxScaled = ArrayKernels.max(tilt, n);
    // tilt[y] = exp(r(y)/beta - max), in place: shared by the Hoelder bound and Z (the scaled
    // rewards are formed again where they are needed)
    ArrayKernels.expShifted(tilt, maxScaled, tilt, n);
    double upperBound = 0.0;
    for (int i = 0; i < refs.size(); i++) {
      double w = refs.weight(i);
      if (w == 0.0) {
        continue;
      }
      LogDistribution ref = refs.reference(i);
      double sum = DistributionArrays.addWeightedLogProbsAndExpect(ref, w, logEscort, tilt);
      // terms lost to underflow are below 1e-308 each: negligible unless the sum itself is tiny
      double logSum = sum > 1e-280 ? maxScaled + Math.log(sum)
          : logSumExpOfSum(ref, problem, invBeta);
      upperBound += w * beta * logSum;
    }
    double maxEscort = ArrayKernels.max(logEscort, n);
    if (maxEscort == Double.NEGATIVE_INFINITY) {
      throw new EmptySupportException("escort", refs.prompt());
    }
    // in one pass and in place: tilt[y] becomes exp(escort(y) - max) tilt[y], the tilted escort up
    // to its normalizer; the sums are F_alpha and Z F_alpha up to their shifts
    double[] sums = new double[2];
    ArrayKernels.multiplyByExpShifted(logEscort, maxEscort, tilt, n, sums);
    double logF = maxEscort + Math.log(sums[0]);
    double zf = sums[1];
    LogDistribution policy;
    double logZF;
    if (zf > 1e-280) {
      logZF = maxEscort + maxScaled + Math.log(zf);
      double inverse = 1.0 / zf;
      for (int y = 0; y < n; y++) { // the normalized tilted escort, in both representations
        logEscort[y] += problem.reward(y) * invBeta - logZF;
        tilt[y] *= inverse;
      }
      policy = LogDistribution.withProbabilities(logEscort, tilt, 1e-9);
    } else { // the tilt underflows where the escort has its mass: stay in log space
      for (int y = 0; y < n; y++) {
        logEscort[y] += problem.reward(y) * invBeta;
      }
      LogDistribution.Normalized normalized = LogDistribution.normalizeWithMass(logEscort);
      logZF = normalized.logMass();
      policy = normalized.distribution();
    }
    Map<Diagnostic, Double> diagnostics = new LinkedHashMap<>();
    diagnostics.put(Diagnostic.LOG_PARTITION, logZF - logF);
    diagnostics.put(Diagnostic.LOG_ESCORT_NORMALIZER, logF);
    diagnostics.put(Diagnostic.HOELDER_BOUND, upperBound);
    return new PolicySolution(policy, beta * logZF, 0, 0.0, diagnostics,
        Optional.of(EscortCombiner.INSTANCE));
  }

  /** {@code logsumexp_y(log p(y) + r(y)/beta)} in two passes, without a temporary array. */
  private static double logSumExpOfSum(LogDistribution p, RegularizedProblem problem,
      double invBeta) {
    double max = Double.NEGATIVE_INFINITY;
    for (int y = 0; y < p.size(); y++) {
      max = Math.max(max, p.logProb(y) + problem.reward(y) * invBeta);
    }
    if (max == Double.NEGATIVE_INFINITY) {
      return max;
    }
    double sum = 0.0;
    for (int y = 0; y < p.size(); y++) {
      sum += Math.exp(p.logProb(y) + problem.reward(y) * invBeta - max);
    }
    return max + Math.log(sum);
  }

  @Override
  public String toString() {
    return "reverse-kl-exact";
  }
}

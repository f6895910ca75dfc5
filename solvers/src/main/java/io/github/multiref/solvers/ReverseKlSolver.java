package io.github.multiref.solvers;

import io.github.multiref.api.Diagnostic;
import io.github.multiref.api.Divergence;
import io.github.multiref.api.BatchSpec;
import io.github.multiref.api.EmptySupportException;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.PromptBatch;
import io.github.multiref.api.PromptFailure;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.SolutionBatch;
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
   * Solves the problems in order with one set of working arrays, allocated again only when the
   * number of responses changes: the results are bitwise those of {@link #solve}.
   */
  @Override
  public List<PolicySolution> solveAll(List<RegularizedProblem> problems) {
    return WorkingMemory.solveInOrder(problems, Work::new, Work::clear, this::solve);
  }

  /**
   * Reads the batch's columns in place: each reference is normalized (or checked) into working
   * arrays as {@link LogDistribution} would hold it, then solved as {@link #solve} solves; the
   * policy and the escort go straight to {@code out}. The working arrays are allocated once for the
   * range; nothing is allocated per prompt except where the tilt underflows on the escort's support
   * (the log-space path). Bitwise what {@link #solve} gives for {@link BatchSpec#problem}.
   */
  @Override
  public void solveBatch(PromptBatch batch, int from, int to, BatchSpec spec,
      SolutionBatch out) {
    int most = BatchColumns.checkRange(batch, from, to, spec, out);
    double beta = spec.beta() * form(spec.divergence()).scale();
    double[] weights = spec.weights();
    Work work = new Work(most);
    int k = weights.length;
    // renormalized references are written to working arrays; normalized ones are read in place
    double[][] own = new double[k][spec.renormalize() ? most : 0];
    double[][] logs = new double[k][];
    int[] logsFrom = new int[k];
    double[][] probs = new double[k][most];
    double[] policy = out.policyLogProbs();
    for (int p = from; p < to; p++) {
      int n = batch.responses(p);
      int at = batch.offset(p);
      work.clear(n);
      BatchColumns.references(batch, p, spec, true, own, logs, logsFrom, probs);
      BatchColumns.checkRewards(batch, p); // after the references, as BatchSpec.problem checks
      try {
        if (!solve(weights, logs, logsFrom, probs, batch.rewards(), at, n, beta, work,
            out.wantsReferences() ? out.referenceLogProbs() : null, at)) {
          throw new EmptySupportException("escort", batch.prompt(p));
        }
        if (work.fallback == null) {
          double mass = ArrayKernels.checkedProbabilitySum(work.logEscort, work.tilt, n);
          if (!(Math.abs(mass - 1.0) <= 1e-9)) { // as LogDistribution.withProbabilities checks
            LogDistribution.withProbabilities(Arrays.copyOf(work.logEscort, n),
                Arrays.copyOf(work.tilt, n), 1e-9); // throws, with the message of solve
          }
          System.arraycopy(work.logEscort, 0, policy, at, n);
        } else {
          for (int y = 0; y < n; y++) {
            policy[at + y] = work.fallback.distribution().logProb(y);
          }
        }
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw new PromptFailure(p, null, e);
      }
      out.hasReference()[p] = out.wantsReferences();
      out.objective()[p] = beta * work.logZF;
      out.upperBound()[p] = work.upperBound;
      out.iterations()[p] = 0;
      out.residual()[p] = 0.0;
    }
  }

  private static Divergence.PowerForm form(Divergence divergence) {
    return KlFamily.reverseKl(divergence).orElseThrow(() -> new IllegalArgumentException(
        "the exact reverse-KL solver needs the reverse-kl divergence, got " + divergence));
  }

  /**
   * One prompt's working memory: {@code tilt} (any content, overwritten), {@code logEscort} (zeros
   * over the prompt's responses, as the escort is accumulated into it), {@code reward} (the object
   * path's rewards), and the core's results.
   */
  private static final class Work {
    final double[] tilt;
    final double[] logEscort;
    final double[] reward;
    final double[] sums = new double[2];
    double logZF;
    double logZ;
    double logF;
    double upperBound;
    LogDistribution.Normalized fallback;

    Work(int n) {
      tilt = new double[n];
      logEscort = new double[n];
      reward = new double[n];
    }

    void clear() {
      clear(logEscort.length);
    }

    void clear(int n) {
      Arrays.fill(logEscort, 0, n, 0.0);
      fallback = null;
    }
  }

  /** The solution, computed in the working arrays of {@link Work}. */
  private PolicySolution solve(RegularizedProblem problem, Work work) {
    Divergence.PowerForm form = form(problem.divergence());
    ReferenceSet refs = problem.references();
    int n = refs.responses();
    double beta = problem.beta() * form.scale(); // D_f = scale KL
    for (int y = 0; y < n; y++) {
      work.reward[y] = problem.reward(y);
    }
    double[] weights = refs.weights();
    double[][] logs = new double[refs.size()][];
    double[][] probs = new double[refs.size()][];
    for (int i = 0; i < refs.size(); i++) { // read in place, not copied
      logs[i] = DistributionArrays.logProbs(refs.reference(i));
      probs[i] = DistributionArrays.probs(refs.reference(i));
    }
    if (!solve(weights, logs, new int[refs.size()], probs, work.reward, 0, n, beta, work, null,
        0)) {
      throw new EmptySupportException("escort", refs.prompt());
    }
    LogDistribution policy = work.fallback == null
        ? LogDistribution.withProbabilities(work.logEscort, work.tilt, 1e-9)
        : work.fallback.distribution();
    Map<Diagnostic, Double> diagnostics = new LinkedHashMap<>();
    diagnostics.put(Diagnostic.LOG_PARTITION, work.logZ);
    diagnostics.put(Diagnostic.LOG_ESCORT_NORMALIZER, work.logF);
    diagnostics.put(Diagnostic.HOELDER_BOUND, work.upperBound);
    return new PolicySolution(policy, beta * work.logZF, 0, 0.0, diagnostics,
        Optional.of(EscortCombiner.INSTANCE));
  }

  /**
   * The core of both paths, over references i with {@code weights[i] > 0}, held as {@code logs[i]}
   * (n entries from {@code logsFrom[i]}) and {@code probs[i]} (the first n): the policy into {@code work.logEscort} (logs) and
   * {@code work.tilt} (probabilities), or {@code work.fallback} where the tilt underflows; {@code
   * log(Z F_alpha)}, {@code log Z}, {@code log F_alpha} and Hoelder's bound into work; the
   * normalized escort into {@code escortOut} at {@code escortAt} unless it is null. The rewards are
   * {@code r[at + y]}, finite. Returns false, with nothing solved, when the escort has no support.
   */
  private static boolean solve(double[] weights, double[][] logs, int[] logsFrom,
      double[][] probs, double[] r, int at, int n, double beta, Work work, double[] escortOut,
      int escortAt) {
    double[] tilt = work.tilt;
    double[] logEscort = work.logEscort;
    double invBeta = 1.0 / beta;
    for (int y = 0; y < n; y++) {
      tilt[y] = r[at + y] * invBeta;
    }
    double maxScaled = ArrayKernels.max(tilt, n);
    // tilt[y] = exp(r(y)/beta - max), in place: shared by the Hoelder bound and Z (the scaled
    // rewards are formed again where they are needed)
    ArrayKernels.expShifted(tilt, maxScaled, tilt, n);
    double upperBound = 0.0;
    for (int i = 0; i < weights.length; i++) {
      double w = weights[i];
      if (w == 0.0) {
        continue;
      }
      double sum = ArrayKernels.accumulateAndDot(logs[i], logsFrom[i], w, logEscort, probs[i],
          tilt, n);
      // terms lost to underflow are below 1e-308 each: negligible unless the sum itself is tiny
      double logSum = sum > 1e-280 ? maxScaled + Math.log(sum)
          : logSumExpOfSum(logs[i], logsFrom[i], r, at, invBeta, n);
      upperBound += w * beta * logSum;
    }
    double maxEscort = ArrayKernels.max(logEscort, n);
    if (maxEscort == Double.NEGATIVE_INFINITY) {
      return false;
    }
    // in one pass and in place: tilt[y] becomes exp(escort(y) - max) tilt[y], the tilted escort up
    // to its normalizer; the sums are F_alpha and Z F_alpha up to their shifts
    double[] sums = work.sums;
    ArrayKernels.multiplyByExpShifted(logEscort, maxEscort, tilt, n, sums);
    double logF = maxEscort + Math.log(sums[0]);
    if (escortOut != null) { // as CombinedReference normalizes the escort: the same bits
      for (int y = 0; y < n; y++) {
        escortOut[escortAt + y] = logEscort[y] - logF;
      }
    }
    double zf = sums[1];
    double logZF;
    if (zf > 1e-280) {
      logZF = maxEscort + maxScaled + Math.log(zf);
      double inverse = 1.0 / zf;
      for (int y = 0; y < n; y++) { // the normalized tilted escort, in both representations
        logEscort[y] += r[at + y] * invBeta - logZF;
        // a subnormal (or underflowed) product kept only a few bits: exp of the log instead
        tilt[y] = tilt[y] >= Double.MIN_NORMAL ? tilt[y] * inverse : Math.exp(logEscort[y]);
      }
    } else { // the tilt underflows where the escort has its mass: stay in log space
      for (int y = 0; y < n; y++) {
        logEscort[y] += r[at + y] * invBeta;
      }
      LogDistribution.Normalized normalized =
          LogDistribution.normalizeWithMass(Arrays.copyOf(logEscort, n));
      logZF = normalized.logMass();
      work.fallback = normalized;
    }
    work.logZF = logZF;
    work.logZ = logZF - logF;
    work.logF = logF;
    work.upperBound = upperBound;
    return true;
  }


  /** {@code logsumexp_y(log p(y) + r(y)/beta)} in two passes, without a temporary array. */
  private static double logSumExpOfSum(double[] logs, int from, double[] r, int at,
      double invBeta, int n) {
    double max = Double.NEGATIVE_INFINITY;
    for (int y = 0; y < n; y++) {
      max = Math.max(max, logs[from + y] + r[at + y] * invBeta);
    }
    if (max == Double.NEGATIVE_INFINITY) {
      return max;
    }
    double sum = 0.0;
    for (int y = 0; y < n; y++) {
      sum += Math.exp(logs[from + y] + r[at + y] * invBeta - max);
    }
    return max + Math.log(sum);
  }

  @Override
  public String toString() {
    return "reverse-kl-exact";
  }
}

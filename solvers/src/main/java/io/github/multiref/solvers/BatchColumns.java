package io.github.multiref.solvers;

import io.github.multiref.api.BatchSpec;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.PromptBatch;
import io.github.multiref.api.PromptFailure;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.SolutionBatch;
import io.github.multiref.api.internal.ArrayKernels;

/**
 * What the exact solvers' batch paths share: the checks of a range, and each prompt's references
 * read from the columns as {@link BatchSpec#problem} would hold them in {@link LogDistribution}s,
 * with the same bits and the same messages, into working arrays that live for the whole range.
 */
final class BatchColumns {

  private BatchColumns() {}

  /**
   * Checks the arguments of {@code solveBatch} and returns the most responses a prompt of the range
   * has (the size of the working arrays).
   *
   * @throws IllegalArgumentException for another K, a range out of the batch or another output
   */
  static int checkRange(PromptBatch batch, int from, int to, BatchSpec spec, SolutionBatch out) {
    spec.checkReferences(batch);
    if (from < 0 || to > batch.size() || from > to || out.batch() != batch) {
      throw new IllegalArgumentException("prompts " + from + " to " + to + " of " + batch
          + " into " + out);
    }
    int most = 0;
    for (int p = from; p < to; p++) {
      most = Math.max(most, batch.responses(p));
    }
    return most;
  }

  /** As {@link RegularizedProblem#of} checks the rewards, with its message. */
  static void checkRewards(PromptBatch batch, int p) {
    double[] r = batch.rewards();
    int at = batch.offset(p);
    int n = batch.responses(p);
    boolean finite = true;
    for (int y = 0; y < n; y++) {
      finite &= Math.abs(r[at + y]) < Double.POSITIVE_INFINITY;
    }
    for (int y = 0; !finite && y < n; y++) {
      if (!Double.isFinite(r[at + y])) {
        throw new PromptFailure(p, "reward", new IllegalArgumentException("prompt '"
            + batch.prompt(p) + "': reward at index " + y + " must be finite, got " + r[at + y]));
      }
    }
  }

  /**
   * Prompt p's references of positive weight: reference k's log-probabilities at {@code
   * logs[k][logsFrom[k] + y]} and probabilities at {@code probs[k][y]}. Renormalized ones, by the
   * operations of {@link LogDistribution#normalize}, go to {@code own[k]}; normalized ones are
   * read where they lie when {@code inPlace}, and copied to {@code own[k]} otherwise, their mass
   * checked as {@link LogDistribution#of(double[], double)} checks it.
   *
   * @throws PromptFailure naming p and {@code ref_logprobs[k]} for the first unusable reference
   */
  static void references(PromptBatch batch, int p, BatchSpec spec, boolean inPlace,
      double[][] own, double[][] logs, int[] logsFrom, double[][] probs) {
    int n = batch.responses(p);
    for (int k = 0; k < spec.references(); k++) {
      if (spec.weight(k) == 0.0) {
        continue;
      }
      int from = batch.refOffset(p, k);
      boolean here = inPlace && !spec.renormalize();
      String problem = here ? checked(batch.refLogProbs(), from, n, spec, probs[k])
          : prepared(batch.refLogProbs(), from, n, spec, own[k], probs[k]);
      if (problem != null) {
        throw new PromptFailure(p, "ref_logprobs[" + k + "]",
            new IllegalArgumentException(problem));
      }
      logs[k] = here ? batch.refLogProbs() : own[k];
      logsFrom[k] = here ? from : 0;
    }
  }

  /** A normalized reference read in place: its probabilities, its mass checked; or what is wrong. */
  private static String checked(double[] source, int from, int n, BatchSpec spec, double[] probs) {
    double mass = ArrayKernels.expShifted(source, from, 0.0, probs, n); // exp(x - 0) is exp(x)
    if (Math.abs(mass - 1.0) <= spec.tolerance()) {
      return null;
    }
    String wrong = unusable(source, from, n);
    return wrong != null ? wrong
        : "sums to " + mass + " in probability; expected 1 within " + spec.tolerance();
  }

  /** A reference copied to {@code logs} and renormalized there (or checked); or what is wrong. */
  private static String prepared(double[] source, int from, int n, BatchSpec spec, double[] logs,
      double[] probs) {
    System.arraycopy(source, from, logs, 0, n);
    if (!spec.renormalize()) {
      return checked(logs, 0, n, spec, probs);
    }
    double max = ArrayKernels.max(logs, n);
    if (!(max > Double.NEGATIVE_INFINITY && max < Double.POSITIVE_INFINITY)) {
      return unusable(logs, 0, n);
    }
    double sum = ArrayKernels.expShifted(logs, max, probs, n);
    double logMass = max + Math.log(sum);
    double inverse = 1.0 / sum;
    for (int y = 0; y < n; y++) {
      logs[y] -= logMass;
      probs[y] *= inverse;
    }
    return null;
  }

  /**
   * The first NaN or {@code +inf} log-probability of {@code x[from..from + n)}, or that none has
   * mass, in the words of LogDistribution and BatchSpec; null if neither.
   */
  private static String unusable(double[] x, int from, int n) {
    boolean mass = false;
    for (int y = 0; y < n; y++) {
      double v = x[from + y];
      if (Double.isNaN(v)) {
        return "log-probability at index " + y + " is NaN";
      }
      if (v == Double.POSITIVE_INFINITY) {
        return "log-probability at index " + y + " is +inf; expected a finite value or -inf";
      }
      mass |= v > Double.NEGATIVE_INFINITY;
    }
    return mass ? null : "gives no response positive probability";
  }

  /**
   * {@code out[at + y] = u[y] - logsumexp(u)} for y below n, by the operations of {@link
   * LogDistribution#normalizeWithMass} (how a combined reference is normalized); {@code scratch}
   * holds n or more entries. {@code u} has an entry above {@code -inf}.
   */
  static void normalizeInto(double[] u, int n, double[] scratch, double[] out, int at) {
    double max = ArrayKernels.max(u, n);
    double logMass = max + Math.log(ArrayKernels.expShifted(u, max, scratch, n));
    for (int y = 0; y < n; y++) {
      out[at + y] = u[y] - logMass;
    }
  }
}

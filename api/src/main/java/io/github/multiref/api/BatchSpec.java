package io.github.multiref.api;

import io.github.multiref.api.internal.ArrayKernels;
import java.util.Arrays;

/**
 * What a {@link PromptBatch}'s prompts are solved with: one divergence, beta and set of reference
 * weights for all of them, and how each reference's log-probabilities are read.
 *
 * <p>{@code renormalize}: each reference is renormalized over the prompt's candidates, as {@link
 * LogDistribution#normalize} does (the log-probabilities of a language model's sequences, which
 * do not sum to 1 over a few candidates); otherwise each must already sum to 1 within {@code
 * tolerance}, as {@link LogDistribution#of(double[], double)} checks. References with weight 0 are
 * left out, as a {@link ReferenceSet} of the others, and not read.
 *
 * @param divergence the regularizer
 * @param beta the regularization strength, finite and {@code > 0}
 * @param weights K weights, each in {@code [0, 1]}, summing to 1 within {@link
 *     ReferenceSet#WEIGHT_TOLERANCE}
 * @param renormalize whether references are renormalized over the candidates
 * @param tolerance on the mass of each reference when not renormalized, in {@code [0, 1)}
 */
@Stability(Stability.Status.EXPERIMENTAL)
public record BatchSpec(Divergence divergence, double beta, double[] weights, boolean renormalize,
    double tolerance) {

  /** Checks every parameter; the weights are copied. */
  public BatchSpec {
    if (divergence == null) {
      throw new IllegalArgumentException("divergence must not be null");
    }
    if (!(beta > 0.0 && beta < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("beta must be finite and > 0, got " + beta);
    }
    if (weights == null || weights.length == 0) {
      throw new IllegalArgumentException("need K >= 1 weights");
    }
    weights = weights.clone();
    double sum = 0.0;
    for (int i = 0; i < weights.length; i++) {
      if (!(weights[i] >= 0.0 && weights[i] <= 1.0 + ReferenceSet.WEIGHT_TOLERANCE)) {
        throw new IllegalArgumentException("weight " + i + " must be finite and in [0, 1], got "
            + weights[i]);
      }
      sum += weights[i];
    }
    if (!(Math.abs(sum - 1.0) <= ReferenceSet.WEIGHT_TOLERANCE)) {
      throw new IllegalArgumentException("weights must sum to 1 within "
          + ReferenceSet.WEIGHT_TOLERANCE + ", got " + sum);
    }
    if (!(tolerance >= 0.0 && tolerance < 1.0)) {
      throw new IllegalArgumentException("tolerance must be in [0, 1), got " + tolerance);
    }
  }

  /** References renormalized over each prompt's candidates. */
  public static BatchSpec renormalizing(Divergence divergence, double beta, double... weights) {
    return new BatchSpec(divergence, beta, weights, true, 0.0);
  }

  /** References taken as normalized distributions, each summing to 1 within the tolerance. */
  public static BatchSpec normalized(Divergence divergence, double beta, double tolerance,
      double... weights) {
    return new BatchSpec(divergence, beta, weights, false, tolerance);
  }

  /** A copy of the weights. */
  @Override
  public double[] weights() {
    return weights.clone();
  }

  /** Weight k. */
  public double weight(int k) {
    return weights[k];
  }

  /** K. */
  public int references() {
    return weights.length;
  }

  /**
   * Prompt p of a batch as one problem: what the default {@link Solver#solveBatch} solves, and
   * what a solver's own batch path must match bit for bit.
   *
   * @throws PromptFailure naming p and the field, for a reference without mass (or, when not
   *     renormalized, not summing to 1), a NaN or {@code +inf} log-probability, or a reward that
   *     is not finite
   */
  public RegularizedProblem problem(PromptBatch batch, int p) {
    checkReferences(batch);
    int n = batch.responses(p);
    int included = 0;
    for (double w : weights) {
      included += w > 0.0 ? 1 : 0;
    }
    java.util.List<LogDistribution> refs = new java.util.ArrayList<>(included);
    double[] w = new double[included];
    for (int k = 0; k < weights.length; k++) {
      if (weights[k] > 0.0) {
        int from = batch.refOffset(p, k);
        double[] logs = Arrays.copyOfRange(batch.refLogProbs(), from, from + n);
        try {
          refs.add(reference(logs));
        } catch (IllegalArgumentException e) {
          throw new PromptFailure(p, "ref_logprobs[" + k + "]", e);
        }
        w[refs.size() - 1] = weights[k];
      }
    }
    double[] r = Arrays.copyOfRange(batch.rewards(), batch.offset(p), batch.offset(p) + n);
    try {
      return RegularizedProblem.of(ReferenceSet.of(batch.prompt(p), refs, w), r, beta,
          divergence);
    } catch (IllegalArgumentException e) {
      throw new PromptFailure(p, "reward", e);
    }
  }

  /**
   * Throws unless the batch has as many references as there are weights.
   *
   * @throws IllegalArgumentException otherwise
   */
  public void checkReferences(PromptBatch batch) {
    if (batch.references() != weights.length) {
      throw new IllegalArgumentException("the batch has " + batch.references()
          + " references but there are " + weights.length + " weights");
    }
  }

  /**
   * One reference, refused first for a NaN or {@code +inf} entry (in {@link LogDistribution}'s
   * words), then for having no mass, then (not renormalized) for a mass off 1.
   */
  private LogDistribution reference(double[] logs) {
    boolean mass = false;
    for (int y = 0; y < logs.length; y++) {
      if (Double.isNaN(logs[y])) {
        throw new IllegalArgumentException("log-probability at index " + y + " is NaN");
      }
      if (logs[y] == Double.POSITIVE_INFINITY) {
        throw new IllegalArgumentException("log-probability at index " + y
            + " is +inf; expected a finite value or -inf");
      }
      mass |= logs[y] > Double.NEGATIVE_INFINITY;
    }
    if (!mass) {
      throw new IllegalArgumentException("gives no response positive probability");
    }
    if (renormalize) {
      return LogDistribution.normalize(logs);
    }
    int n = logs.length;
    double total = ArrayKernels.copyAndExp(logs, new double[n], new double[n], n); // as of() sums
    if (!(Math.abs(total - 1.0) <= tolerance)) {
      throw new IllegalArgumentException("sums to " + total + " in probability; expected 1 within "
          + tolerance);
    }
    return LogDistribution.of(logs, tolerance);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BatchSpec s && divergence.equals(s.divergence)
        && Double.compare(beta, s.beta) == 0 && Arrays.equals(weights, s.weights)
        && renormalize == s.renormalize && Double.compare(tolerance, s.tolerance) == 0;
  }

  @Override
  public int hashCode() {
    return ((divergence.hashCode() * 31 + Double.hashCode(beta)) * 31 + Arrays.hashCode(weights))
        * 31 + Boolean.hashCode(renormalize) * 7 + Double.hashCode(tolerance);
  }

  @Override
  public String toString() {
    return "BatchSpec[" + divergence + ", beta " + beta + ", weights " + Arrays.toString(weights)
        + (renormalize ? ", renormalized" : ", normalized within " + tolerance) + "]";
  }
}

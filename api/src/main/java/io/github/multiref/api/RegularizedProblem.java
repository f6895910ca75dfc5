package io.github.multiref.api;

/**
 * One prompt's multi-reference regularized problem: maximize over policies pi
 * {@code E_{y~pi} r(y) - beta * sum_i alpha_i D_f(pi||pi_i)}.
 *
 * <p>Immutable and validated: one finite reward per response, {@code beta} finite and positive.
 */
@Stability(Stability.Status.STABLE)
public final class RegularizedProblem {

  private final ReferenceSet references;
  private final double[] rewards;
  private final double beta;
  private final Divergence divergence;

  private RegularizedProblem(
      ReferenceSet references, double[] rewards, double beta, Divergence divergence) {
    this.references = references;
    this.rewards = rewards;
    this.beta = beta;
    this.divergence = divergence;
  }

  /**
   * A validated problem.
   *
   * @throws IllegalArgumentException naming the field, index and value
   */
  public static RegularizedProblem of(
      ReferenceSet references, double[] rewards, double beta, Divergence divergence) {
    if (references == null) {
      throw new IllegalArgumentException("references must not be null");
    }
    if (divergence == null) {
      throw new IllegalArgumentException("divergence must not be null");
    }
    String where = "prompt '" + references.prompt() + "': ";
    if (!(beta > 0.0 && beta < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(where + "beta must be finite and > 0, got " + beta);
    }
    if (rewards == null || rewards.length != references.responses()) {
      throw new IllegalArgumentException(
          where + "reward must have one entry per response (" + references.responses()
              + "), got " + (rewards == null ? "null" : rewards.length));
    }
    double[] r = rewards.clone();
    for (int i = 0; i < r.length; i++) {
      if (!Double.isFinite(r[i])) {
        throw new IllegalArgumentException(
            where + "reward at index " + i + " must be finite, got " + r[i]);
      }
    }
    return new RegularizedProblem(references, r, beta, divergence);
  }

  public ReferenceSet references() {
    return references;
  }

  /** A copy of the rewards. */
  public double[] rewards() {
    return rewards.clone();
  }

  /** {@code r(y_i)}. */
  public double reward(int i) {
    return rewards[i];
  }

  public double beta() {
    return beta;
  }

  public Divergence divergence() {
    return divergence;
  }
}

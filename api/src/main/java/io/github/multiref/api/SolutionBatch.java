package io.github.multiref.api;

import java.util.Arrays;

/**
 * The solutions of a {@link PromptBatch}'s prompts, in columns laid out as the batch's: prompt
 * p's policy log-probabilities at {@code policyLogProbs()[batch.offset(p) + y]}, and the combined
 * reference the solution tilts (the escort for reverse KL, the mixture for forward KL) at the same
 * place in {@link #referenceLogProbs()} where {@code hasReference()[p]}. Per prompt: the
 * objective, the iterations and residual of {@link PolicySolution}, and two diagnostics, NaN where
 * the solver reports none: {@link Diagnostic#HOELDER_BOUND} as {@link #upperBound()} and {@link
 * Diagnostic#MULTIPLIER} as {@link #multiplier()}.
 *
 * <p>Written by a solver, read by its caller: the arrays are handed out, not copied.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class SolutionBatch {

  private final PromptBatch batch;
  private final boolean references;
  private final double[] policyLogProbs;
  private final double[] referenceLogProbs;
  private final boolean[] hasReference;
  private final double[] objective;
  private final double[] upperBound;
  private final double[] multiplier;
  private final int[] iterations;
  private final double[] residual;

  /** Room for the solutions of every prompt of the batch, with their combined references. */
  public SolutionBatch(PromptBatch batch) {
    this(batch, true);
  }

  /**
   * Room for the solutions of every prompt of the batch.
   *
   * @param references whether solvers fill in the combined references (which costs a pass with an
   *     exponential, and for the mixture a logarithm, per response); without them {@link
   *     #hasReference()} stays false
   */
  public SolutionBatch(PromptBatch batch, boolean references) {
    this.batch = batch;
    this.references = references;
    int end = batch.offset(batch.size());
    int size = batch.size();
    policyLogProbs = new double[end];
    referenceLogProbs = new double[references ? end : 0];
    hasReference = new boolean[size];
    objective = new double[size];
    upperBound = new double[size];
    multiplier = new double[size];
    iterations = new int[size];
    residual = new double[size];
    Arrays.fill(upperBound, Double.NaN);
    Arrays.fill(multiplier, Double.NaN);
  }

  /** Whether the combined references are wanted. */
  public boolean wantsReferences() {
    return references;
  }

  /** The batch these solve. */
  public PromptBatch batch() {
    return batch;
  }

  /**
   * Stores prompt p's solution from the object API.
   *
   * @param reference the combined reference's log-probabilities, or null when there is none (not
   *     kept unless {@link #wantsReferences()})
   */
  public void set(int p, PolicySolution s, double[] reference) {
    int n = batch.responses(p);
    int at = batch.offset(p);
    for (int y = 0; y < n; y++) {
      policyLogProbs[at + y] = s.policy().logProb(y);
    }
    hasReference[p] = references && reference != null;
    if (hasReference[p]) {
      System.arraycopy(reference, 0, referenceLogProbs, at, n);
    }
    objective[p] = s.objective();
    iterations[p] = s.iterations();
    residual[p] = s.residual();
    upperBound[p] = s.diagnostics().getOrDefault(Diagnostic.HOELDER_BOUND, Double.NaN);
    multiplier[p] = s.diagnostics().getOrDefault(Diagnostic.MULTIPLIER, Double.NaN);
  }

  /** The policies' log-probabilities (the array itself). */
  public double[] policyLogProbs() {
    return policyLogProbs;
  }

  /** The combined references' log-probabilities (the array itself). */
  public double[] referenceLogProbs() {
    return referenceLogProbs;
  }

  /** Whether prompt p's solution has a combined reference (the array itself). */
  public boolean[] hasReference() {
    return hasReference;
  }

  /** The optimal objective of each prompt (the array itself). */
  public double[] objective() {
    return objective;
  }

  /** Hoelder's upper bound on each objective, NaN where none (the array itself). */
  public double[] upperBound() {
    return upperBound;
  }

  /** The multiplier lambda of each prompt, NaN where none (the array itself). */
  public double[] multiplier() {
    return multiplier;
  }

  /** The iterations each prompt took (the array itself). */
  public int[] iterations() {
    return iterations;
  }

  /** The residual of each prompt (the array itself). */
  public double[] residual() {
    return residual;
  }

  /** Prompt p's policy as a distribution (a copy). */
  public LogDistribution policy(int p) {
    int at = batch.offset(p);
    return LogDistribution.of(Arrays.copyOfRange(policyLogProbs, at, at + batch.responses(p)));
  }

  @Override
  public String toString() {
    return "SolutionBatch[" + batch.size() + " prompts]";
  }
}

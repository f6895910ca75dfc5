package io.github.multiref.api;

/**
 * Prompts in columns, as Arrow lays out lists: prompt p has {@code responses(p)} candidate
 * responses, its rewards at {@code rewards[offset(p) + y]} and reference k's log-probabilities at
 * {@code refLogProbs[refOffset(p, k) + y]} with {@code refOffset(p, k) = K offset(p) + k
 * responses(p)} (the K lists of a prompt one after the other: {@code ref_logprobs}, a
 * {@code list<list<double>>}, flattened). Readers fill one; {@link Solver#solveBatch} solves it
 * without building an object per prompt.
 *
 * <p>A view, not a value: the arrays are used as given (not copied, so a reader may refill them
 * for its next batch) and must not change while a solver reads them. The constructor checks the
 * layout (offsets and lengths) in time linear in the number of prompts; the values are checked by
 * the solver that reads them, as {@link RegularizedProblem#of} and {@link LogDistribution} check
 * them. Two batches are equal only if they are the same object.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class PromptBatch {

  private final int size;
  private final int references;
  private final int[] offsets;
  private final double[] rewards;
  private final double[] refLogProbs;
  private final String[] prompts;

  /**
   * Checks the layout.
   *
   * @param size the number of prompts, {@code >= 0}
   * @param references K, {@code >= 1}
   * @param offsets {@code size + 1} non-decreasing offsets into rewards, each prompt with at
   *     least one response
   * @param rewards at least {@code offsets[size]} rewards
   * @param refLogProbs at least {@code K offsets[size]} log-probabilities
   * @param prompts the prompts' labels for messages (at least size of them), or null for
   *     {@code #p}
   * @throws IllegalArgumentException naming the first offset or length that breaks the layout
   */
  public PromptBatch(int size, int references, int[] offsets, double[] rewards,
      double[] refLogProbs, String[] prompts) {
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, got " + size);
    }
    if (references < 1) {
      throw new IllegalArgumentException("need K >= 1 references, got " + references);
    }
    if (offsets == null || offsets.length < size + 1) {
      throw new IllegalArgumentException("offsets must hold size + 1 = " + (size + 1)
          + " entries, got " + (offsets == null ? "null" : offsets.length));
    }
    if (offsets[0] < 0) {
      throw new IllegalArgumentException("offsets[0] must be >= 0, got " + offsets[0]);
    }
    for (int p = 0; p < size; p++) {
      if (offsets[p + 1] <= offsets[p]) {
        throw new IllegalArgumentException("prompt " + p + " has " + (offsets[p + 1] - offsets[p])
            + " responses (offsets " + offsets[p] + " to " + offsets[p + 1] + "); expected >= 1");
      }
    }
    long end = offsets[size];
    if (rewards == null || rewards.length < end) {
      throw new IllegalArgumentException("rewards must hold " + end + " entries, got "
          + (rewards == null ? "null" : rewards.length));
    }
    if (refLogProbs == null || refLogProbs.length < references * end) {
      throw new IllegalArgumentException("refLogProbs must hold K * " + end + " = "
          + references * end + " entries, got "
          + (refLogProbs == null ? "null" : refLogProbs.length));
    }
    if (prompts != null && prompts.length < size) {
      throw new IllegalArgumentException("prompts must hold " + size + " labels, got "
          + prompts.length);
    }
    this.size = size;
    this.references = references;
    this.offsets = offsets;
    this.rewards = rewards;
    this.refLogProbs = refLogProbs;
    this.prompts = prompts;
  }

  /** The number of prompts. */
  public int size() {
    return size;
  }

  /** K, the references of every prompt. */
  public int references() {
    return references;
  }

  /** Prompt p's number of candidate responses, {@code >= 1}. */
  public int responses(int p) {
    return offsets[p + 1] - offsets[p];
  }

  /** Where prompt p's rewards start in {@link #rewards()} (and its policy in a solution batch). */
  public int offset(int p) {
    return offsets[p];
  }

  /** Where prompt p's reference k starts in {@link #refLogProbs()}. */
  public int refOffset(int p, int k) {
    return references * offsets[p] + k * (offsets[p + 1] - offsets[p]);
  }

  /** The offsets (the array itself). */
  public int[] offsets() {
    return offsets;
  }

  /** The rewards of every prompt (the array itself). */
  public double[] rewards() {
    return rewards;
  }

  /** The references' log-probabilities of every prompt (the array itself). */
  public double[] refLogProbs() {
    return refLogProbs;
  }

  /** Prompt p's label: as given, or {@code #p}. */
  public String prompt(int p) {
    return prompts == null ? "#" + p : prompts[p];
  }

  @Override
  public String toString() {
    return "PromptBatch[" + size + " prompts, " + references + " references]";
  }
}

package io.github.multiref.api;

import java.util.Arrays;
import java.util.List;

/**
 * K >= 1 reference distributions over the same responses of one prompt, with weights alpha on the
 * simplex, and the prompt's label (used in error messages).
 *
 * <p>Immutable and validated: weights finite, non-negative, one per reference, summing to 1 within
 * {@link #WEIGHT_TOLERANCE}; every reference has the same number of responses.
 */
@Stability(Stability.Status.STABLE)
public final class ReferenceSet {

  /** Tolerance on {@code |sum_i alpha_i - 1|}. */
  public static final double WEIGHT_TOLERANCE = 1e-9;

  private final String prompt;
  private final List<LogDistribution> references;
  private final double[] weights;

  private ReferenceSet(String prompt, List<LogDistribution> references, double[] weights) {
    this.prompt = prompt;
    this.references = references;
    this.weights = weights;
  }

  /** A reference set for an unnamed prompt. */
  public static ReferenceSet of(List<LogDistribution> references, double... weights) {
    return of("<unnamed>", references, weights);
  }

  /**
   * A validated reference set.
   *
   * @param prompt label of the prompt, quoted in error messages
   * @throws IllegalArgumentException naming the field, the offending index and value
   */
  public static ReferenceSet of(String prompt, List<LogDistribution> references, double... weights) {
    if (prompt == null) {
      throw new IllegalArgumentException("prompt must not be null");
    }
    if (references == null || references.isEmpty()) {
      throw new IllegalArgumentException(
          "prompt '" + prompt + "': at least one reference is required, got 0");
    }
    if (weights == null) {
      throw new IllegalArgumentException("prompt '" + prompt + "': weights must not be null");
    }
    List<LogDistribution> refs = List.copyOf(references);
    if (weights.length != refs.size()) {
      throw new IllegalArgumentException(
          "prompt '" + prompt + "': weights has " + weights.length + " entries but there are "
              + refs.size() + " references");
    }
    int n = refs.get(0).size();
    for (int i = 1; i < refs.size(); i++) {
      if (refs.get(i).size() != n) {
        throw new IllegalArgumentException(
            "prompt '" + prompt + "': reference " + i + " has " + refs.get(i).size()
                + " responses but reference 0 has " + n);
      }
    }
    double[] w = weights.clone();
    double sum = 0.0;
    for (int i = 0; i < w.length; i++) {
      if (!(w[i] >= 0.0 && w[i] <= 1.0 + WEIGHT_TOLERANCE)) {
        throw new IllegalArgumentException(
            "prompt '" + prompt + "': weight " + i + " must be finite and in [0, 1], got " + w[i]);
      }
      sum += w[i];
    }
    if (!(Math.abs(sum - 1.0) <= WEIGHT_TOLERANCE)) {
      throw new IllegalArgumentException(
          "prompt '" + prompt + "': weights must sum to 1 within " + WEIGHT_TOLERANCE + ", got "
              + sum);
    }
    return new ReferenceSet(prompt, refs, w);
  }

  /** The prompt's label. */
  public String prompt() {
    return prompt;
  }

  /** K, the number of references. */
  public int size() {
    return references.size();
  }

  /** Number of responses. */
  public int responses() {
    return references.get(0).size();
  }

  /** Reference i. */
  public LogDistribution reference(int i) {
    return references.get(i);
  }

  /** The references, unmodifiable. */
  public List<LogDistribution> references() {
    return references;
  }

  /** alpha_i. */
  public double weight(int i) {
    return weights[i];
  }

  /** A copy of the weights. */
  public double[] weights() {
    return weights.clone();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ReferenceSet)) {
      return false;
    }
    ReferenceSet other = (ReferenceSet) o;
    return prompt.equals(other.prompt)
        && references.equals(other.references)
        && Arrays.equals(weights, other.weights);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * prompt.hashCode() + references.hashCode()) + Arrays.hashCode(weights);
  }

  @Override
  public String toString() {
    return "ReferenceSet[prompt=" + prompt + ", K=" + references.size() + ", weights="
        + Arrays.toString(weights) + "]";
  }
}

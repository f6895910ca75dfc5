package io.github.multiref.solvers.dpo;

import io.github.multiref.api.Stability;

/**
 * Preference pairs in columns, for batched scoring: {@code chosen[p]}, {@code rejected[p]} and,
 * for each reference k, {@code refChosen[k][p]}, {@code refRejected[k][p]}. A view, not a value:
 * the arrays are used as given (not copied, so a reader can refill them for the next batch), and
 * the results go to the output arrays of {@link MultiReferenceDpo#scoreBatch(DpoBatch,
 * PairScores)}. Two batches are equal only if they are the same object.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class DpoBatch {

  private final int size;
  private final double[] chosen;
  private final double[] rejected;
  private final double[][] refChosen;
  private final double[][] refRejected;

  /**
   * Checks that every array holds at least {@code size} pairs and there are K >= 1 references.
   *
   * @param size the number of pairs, at most the arrays' length
   */
  public DpoBatch(int size, double[] chosen, double[] rejected, double[][] refChosen,
      double[][] refRejected) {
    if (size < 0 || chosen.length < size || rejected.length < size) {
      throw new IllegalArgumentException("chosen and rejected must hold " + size + " pairs");
    }
    if (refChosen.length == 0 || refRejected.length != refChosen.length) {
      throw new IllegalArgumentException("need the same K >= 1 references for chosen and"
          + " rejected, got " + refChosen.length + " and " + refRejected.length);
    }
    for (int k = 0; k < refChosen.length; k++) {
      if (refChosen[k].length < size || refRejected[k].length < size) {
        throw new IllegalArgumentException("reference " + k + " must hold " + size + " pairs");
      }
    }
    this.size = size;
    this.chosen = chosen;
    this.rejected = rejected;
    this.refChosen = refChosen;
    this.refRejected = refRejected;
  }

  /** The number of pairs. */
  public int size() {
    return size;
  }

  /** The policy's log-probabilities of the chosen responses (the array itself). */
  public double[] chosen() {
    return chosen;
  }

  /** The policy's log-probabilities of the rejected responses (the array itself). */
  public double[] rejected() {
    return rejected;
  }

  /** {@code refChosen[k][p]}: reference k's log-probability of pair p's chosen response. */
  public double[][] refChosen() {
    return refChosen;
  }

  /** {@code refRejected[k][p]}: reference k's log-probability of pair p's rejected response. */
  public double[][] refRejected() {
    return refRejected;
  }

  /** K. */
  public int references() {
    return refChosen.length;
  }

  @Override
  public String toString() {
    return "DpoBatch[" + size + " pairs, " + refChosen.length + " references]";
  }
}

package io.github.multiref.solvers.dpo;

import io.github.multiref.api.Stability;

/**
 * Preference pairs in columns, for batched scoring: {@code chosen[p]}, {@code rejected[p]} and,
 * for each reference k, {@code refChosen[k][p]}, {@code refRejected[k][p]}. The arrays are used as
 * given (not copied); the results go to the output arrays of {@link
 * MultiReferenceDpo#scoreBatch(DpoBatch, PairScores)}.
 *
 * @param size the number of pairs, at most the arrays' length
 */
@Stability(Stability.Status.EXPERIMENTAL)
public record DpoBatch(int size, double[] chosen, double[] rejected, double[][] refChosen,
    double[][] refRejected) {

  /** Checks that every array holds at least {@code size} pairs and there are K >= 1 references. */
  public DpoBatch {
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
  }

  /** K. */
  public int references() {
    return refChosen.length;
  }
}

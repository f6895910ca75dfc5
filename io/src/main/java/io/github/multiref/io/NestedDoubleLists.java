package io.github.multiref.io;

import io.github.multiref.api.Stability;

/**
 * One column of lists of lists of doubles (such as {@code ref_logprobs}, K lists per row) for a
 * run of rows: row {@code r} holds the lists {@code rowOffsets[r] .. rowOffsets[r + 1] - 1}, and
 * list {@code l} holds {@code values[listOffsets[l]] .. values[listOffsets[l + 1] - 1]}. A view of
 * the reader's arrays, not a copy.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class NestedDoubleLists {

  private final int rows;
  private final int[] rowOffsets;
  private final int[] listOffsets;
  private final double[] values;

  NestedDoubleLists(int rows, int[] rowOffsets, int[] listOffsets, double[] values) {
    this.rows = rows;
    this.rowOffsets = rowOffsets;
    this.listOffsets = listOffsets;
    this.values = values;
  }

  public int rows() {
    return rows;
  }

  public int[] rowOffsets() {
    return rowOffsets;
  }

  public int[] listOffsets() {
    return listOffsets;
  }

  public double[] values() {
    return values;
  }

  /** How many lists row r holds. */
  public int lists(int row) {
    return rowOffsets[row + 1] - rowOffsets[row];
  }
}

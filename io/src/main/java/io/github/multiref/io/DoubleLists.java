package io.github.multiref.io;

import io.github.multiref.api.Stability;

/**
 * One column of lists of doubles for a run of rows, in Arrow's list layout: row {@code r} holds
 * {@code values[offsets[r]] .. values[offsets[r + 1] - 1]}. A view of the reader's arrays, not a
 * copy; {@code values} may be longer than {@code offsets[rows]}.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class DoubleLists {

  private final int rows;
  private final int[] offsets;
  private final double[] values;
  private final boolean[] nulls;

  DoubleLists(int rows, int[] offsets, double[] values) {
    this(rows, offsets, values, null);
  }

  /** With {@code nulls[r]} true where row r's list is null (an empty run of values). */
  DoubleLists(int rows, int[] offsets, double[] values, boolean[] nulls) {
    this.rows = rows;
    this.offsets = offsets;
    this.values = values;
    this.nulls = nulls;
  }

  public int rows() {
    return rows;
  }

  /** {@code rows + 1} offsets into {@link #values()}. */
  public int[] offsets() {
    return offsets;
  }

  public double[] values() {
    return values;
  }

  /** The length of row r's list. */
  public int length(int row) {
    return offsets[row + 1] - offsets[row];
  }

  /** Whether row r's list is null (only in a column read as nullable); its length is then 0. */
  public boolean isNull(int row) {
    return nulls != null && nulls[row];
  }
}

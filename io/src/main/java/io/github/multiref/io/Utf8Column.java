package io.github.multiref.io;

import io.github.multiref.api.Stability;
import java.nio.charset.StandardCharsets;

/**
 * A row group's strings as the file stores them, UTF-8 bytes not decoded, packed in one array (like
 * Arrow's string layout): for copying a key column from one file to another without an object per
 * row, which the garbage collector would have to trace and copy while the row group is in flight.
 * Read with {@link ParquetTableReader#utf8(String)}, written with
 * {@link ParquetTableWriter.Row#utf8(int, Utf8Column, int)}.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class Utf8Column {

  private final byte[] bytes;
  /** Row i's bytes end at {@code ends[i]} and start where row i - 1's end. */
  private final int[] ends;
  /** Null rows, or null when there are none. */
  private final boolean[] nulls;

  Utf8Column(byte[] bytes, int[] ends, boolean[] nulls) {
    this.bytes = bytes;
    this.ends = ends;
    this.nulls = nulls;
  }

  public int rows() {
    return ends.length;
  }

  public boolean isNull(int row) {
    return nulls != null && nulls[row];
  }

  /** Row {@code row}'s length in bytes (0 when null). */
  public int length(int row) {
    return ends[row] - start(row);
  }

  /** Row {@code row} decoded, or null. */
  public String string(int row) {
    return isNull(row) ? null
        : new String(bytes, start(row), length(row), StandardCharsets.UTF_8);
  }

  int start(int row) {
    return row == 0 ? 0 : ends[row - 1];
  }

  byte[] bytes() {
    return bytes;
  }
}

package io.github.multiref.io;

import io.github.multiref.api.Stability;

/**
 * A table that cannot be read as asked: the message names the row (1-based, counted over the whole
 * file), the column, the value and what was expected, as {@code row 12, column 'reward': ...}.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class DataException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }

  /** {@code row N, column 'name': message}. */
  public static DataException at(long row, String column, String message) {
    return new DataException("row " + row + ", column '" + column + "': " + message);
  }
}

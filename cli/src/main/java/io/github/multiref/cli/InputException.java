package io.github.multiref.cli;

import io.github.multiref.api.Stability;

/** Bad input: the message names the file's line and the field, the value and what was expected. */
@Stability(Stability.Status.INTERNAL)
public final class InputException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public InputException(String message) {
    super(message);
  }

  public InputException(String message, Throwable cause) {
    super(message, cause);
  }

  /** {@code line N: message}. */
  static InputException at(long line, String message) {
    return new InputException("line " + line + ": " + message);
  }

  /** {@code row N, column 'name': message}, for tables that have rows rather than lines. */
  static InputException at(long row, String column, String message) {
    return new InputException("row " + row + ", column '" + column + "': " + message);
  }
}

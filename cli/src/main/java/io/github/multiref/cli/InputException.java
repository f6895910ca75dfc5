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
}

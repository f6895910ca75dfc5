package io.github.multiref.spark;

import io.github.multiref.api.Stability;

/**
 * A row of the input that the job refuses: its prompt, the column and the reason, as in {@code
 * "prompt 'p17': column 'reward': element 3 is NaN; expected a finite number"}. Without a
 * quarantine directory the job fails with it; with one, the row and this reason are written there.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class BadRowException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String reason;

  BadRowException(String prompt, String reason) {
    super("prompt " + quoted(prompt) + ": " + reason);
    this.reason = reason;
  }

  /** What is wrong with the row, without its prompt. */
  public String reason() {
    return reason;
  }

  /** A prompt for messages: quoted, cut at 60 characters; {@code null} as such. */
  static String quoted(String prompt) {
    if (prompt == null) {
      return "null";
    }
    return "'" + (prompt.length() > 60 ? prompt.substring(0, 57) + "..." : prompt) + "'";
  }
}

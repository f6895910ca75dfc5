package io.github.multiref.spark;

/**
 * The one line a failed job prints: the bad row's message when a task refused one (Spark wraps it
 * in its own exceptions, with the task's stack), else the innermost message of ours, else
 * Spark's first line.
 */
final class Failures {

  private Failures() {}

  static String message(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BadRowException) {
        return t.getMessage();
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if ((t instanceof IllegalArgumentException || t instanceof ArithmeticException)
          && t.getMessage() != null) {
        return t.getMessage();
      }
    }
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.getClass().getSimpleName();
    }
    int line = m.indexOf('\n');
    return line < 0 ? m : m.substring(0, line);
  }
}

package io.github.multiref.cli;

import io.github.multiref.api.Stability;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/**
 * Runs the command line in-process and captures what it printed: for tests, and for programs that
 * embed multiref and want its commands without a separate process.
 */
@Stability(Stability.Status.INTERNAL)
public final class CliRunner {

  /** Exit code and the two streams of one run. */
  @Stability(Stability.Status.INTERNAL)
  public record Result(int exitCode, String out, String err) {}

  private CliRunner() {}

  /** Runs {@code multiref args...} with the given environment. */
  public static Result run(Map<String, String> environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = new Main(new PrintWriter(out), new PrintWriter(err), environment).run(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** Runs {@code multiref args...} with an empty environment. */
  public static Result run(String... args) {
    return run(Map.of(), args);
  }
}

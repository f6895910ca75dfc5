package io.github.multiref.cli;

import ch.qos.logback.classic.Level;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import io.github.multiref.api.Stability;
import io.github.multiref.runtime.MultirefModule;
import io.github.multiref.runtime.PluginSettings;
import io.github.multiref.runtime.Registries;
import java.io.PrintWriter;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The {@code multiref} program: parses the command line, creates the one injector, runs the
 * command. Errors become a one-line message on stderr (a stack trace only with {@code --verbose})
 * and a non-zero exit code: 1 for failures, 2 for usage errors.
 */
@Stability(Stability.Status.INTERNAL)
public final class Main {

  /** Exit code of a command that failed on its input or its plugins. */
  public static final int EXIT_FAILURE = 1;

  private final PrintWriter out;
  private final PrintWriter err;
  private final Map<String, String> environment;

  Main(PrintWriter out, PrintWriter err, Map<String, String> environment) {
    this.out = out;
    this.err = err;
    this.environment = environment;
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(new Main(out, err, System.getenv()).run(args));
  }

  /** Runs one command line and returns its exit code. */
  int run(String... args) {
    MultirefCommand top = new MultirefCommand(this);
    CommandLine cl = new CommandLine(top);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      CommonOptions options = top.effectiveOptions(commandLine.getCommand());
      err.println("multiref: error: " + messageOf(e));
      if (options.verbose) {
        e.printStackTrace(err);
      }
      err.flush();
      return EXIT_FAILURE;
    });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** Creates the program's single injector and asks it for the registries. */
  Registries registries(CommonOptions options) {
    setLogLevel(options.verbose ? Level.DEBUG : Level.WARN);
    Injector injector = Guice.createInjector(
        new MultirefModule(PluginSettings.resolve(options.pluginDir, environment)));
    try {
      return injector.getInstance(Registries.class);
    } catch (ProvisionException e) {
      // unwrap Guice's wrapper so users read the plugin problem, not the injection trace
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw e;
    }
  }

  private static void setLogLevel(Level level) {
    Logger root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    if (root instanceof ch.qos.logback.classic.Logger) {
      ((ch.qos.logback.classic.Logger) root).setLevel(level);
    }
  }

  private static String messageOf(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  PrintWriter out() {
    return out;
  }

  PrintWriter err() {
    return err;
  }
}

package io.github.multiref.spark;

import io.github.multiref.api.Stability;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code multiref spark}: the command line's jobs on Spark, with the command line's options.
 * Under {@code spark-submit} the master comes from it; run directly ({@code ./multiref spark
 * ...}) the job runs in this JVM, on {@code --master} (default {@code local[*]}).
 */
@Stability(Stability.Status.INTERNAL)
@Command(name = "multiref spark", mixinStandardHelpOptions = true,
    versionProvider = SparkMain.Version.class,
    subcommands = {SparkMain.Solve.class, SparkMain.DpoScore.class, RewardCommand.class},
    description = "Solve, score DPO pairs or fit rewards over Parquet on Apache Spark.")
public final class SparkMain implements Runnable {

  /** Exit code of a job that failed on its input. */
  static final int EXIT_FAILURE = 1;

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs one command line and returns its exit code; errors become one line on {@code err}. */
  static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new SparkMain(err));
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      err.println("multiref spark: error: " + Failures.message(e));
      if (commandLine.getCommand() instanceof Job j && j.options().verbose) {
        e.printStackTrace(err);
      }
      err.flush();
      return EXIT_FAILURE;
    });
    return cl.execute(args);
  }

  private final PrintWriter err;

  private SparkMain(PrintWriter err) {
    this.err = err;
  }

  /** Where summaries and errors go. */
  PrintWriter err() {
    return err;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this),
        "name a job: solve, dpo-score or fit-reward");
  }

  /** multiref's version (the job jar's manifest) and Spark's. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = SparkMain.class.getPackage().getImplementationVersion();
      return new String[] {"multiref spark " + (v == null ? "(development)" : v) + ", Apache Spark "
          + org.apache.spark.package$.MODULE$.SPARK_VERSION() + ", Java "
          + System.getProperty("java.version") + ", SIMD kernels "
          + (io.github.multiref.api.LogMath.vectorized() ? "on (Vector API)" : "off")};
    }
  }

  /** A job's Spark options. */
  interface Job {
    SparkOptions options();
  }

  /** Options of every job: where it runs and what it loads. */
  static final class SparkOptions {
    @Option(names = "--master", paramLabel = "URL",
        description = "Spark master (default: spark-submit's, else local[*]).")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE",
        description = "A Spark setting, as spark-submit's --conf (repeatable).")
    Map<String, String> conf = new LinkedHashMap<>();

    @Option(names = "--plugin-dir", paramLabel = "DIR",
        description = "A directory of plugin jars to load on every executor (a path each"
            + " executor can read); plugin jars given to spark-submit --jars are found too.")
    List<String> pluginDirs = new ArrayList<>();

    @Option(names = "--partitions", paramLabel = "N",
        description = "Repartition the input into N partitions first (default: as read).")
    Integer partitions;

    @Option(names = {"-v", "--verbose"}, description = "Spark's INFO logs, and stack traces.")
    boolean verbose;

    /**
     * The session the job runs in: a new one, stopped when the job ends, or the one this JVM
     * already runs (a test's, a notebook's), left running.
     */
    Session session(String job) {
      java.util.Optional<SparkSession> running = scala.jdk.javaapi.OptionConverters.toJava(
          SparkSession.getActiveSession()).or(() -> scala.jdk.javaapi.OptionConverters.toJava(
          SparkSession.getDefaultSession()));
      if (running.isPresent()) {
        SparkSession s = running.get();
        conf.forEach((k, v) -> s.conf().set(k, v));
        return new Session(s, false);
      }
      if (!verbose) {
        Logs.quiet();
      }
      SparkSession.Builder b = SparkSession.builder().appName("multiref " + job);
      if (master != null) {
        b.master(master);
      } else if (System.getProperty("spark.master") == null) {
        b.master("local[*]");
      }
      if (System.getProperty("spark.master") == null && !conf.containsKey("spark.ui.enabled")) {
        b.config("spark.ui.enabled", "false"); // in-process: no web UI unless asked
      }
      b.config("spark.ui.showConsoleProgress", "true");
      conf.forEach(b::config);
      return new Session(b.getOrCreate(), true);
    }

    Dataset<Row> input(SparkSession spark, String path) {
      Dataset<Row> in = spark.read().parquet(path);
      return partitions == null ? in : in.repartition(partitions);
    }
  }

  /** Options of the jobs that turn an input table into an output directory. */
  static final class TableOptions {
    @Option(names = "--input", paramLabel = "PATH", required = true,
        description = "Input Parquet (a file, a directory of part files, or a glob).")
    String input;

    @Option(names = "--output", paramLabel = "DIR", required = true,
        description = "Output directory of Parquet part files, written whole or not at all.")
    String output;

    @Option(names = "--bad-rows", paramLabel = "DIR",
        description = "Write refused rows, with the reason, to this Parquet directory and go on"
            + " (default: the first bad row fails the job).")
    String badRows;

    @Option(names = "--beta", required = true, description = "Regularization strength, > 0.")
    double beta;

    @Option(names = "--weights", paramLabel = "A1,...,AK", split = ",",
        description = "Reference weights alpha, non-negative, summing to 1 (default: uniform).")
    double[] weights;

    @Option(names = "--divergence", paramLabel = "NAME", defaultValue = "reverse-kl",
        description = "Any registered divergence (default: ${DEFAULT-VALUE}).")
    String divergence;
  }

  @Command(name = "solve", mixinStandardHelpOptions = true, versionProvider = Version.class,
      description = {"The optimal policy for every prompt of a Parquet table, as multiref solve"
          + " computes it: the same columns and numbers."})
  static final class Solve implements Callable<Integer>, Job {
    @picocli.CommandLine.ParentCommand SparkMain parent;
    @Mixin SparkOptions spark;
    @Mixin TableOptions table;

    @Option(names = "--solver", paramLabel = "NAME", defaultValue = "auto",
        description = "Any registered solver (default: ${DEFAULT-VALUE}).")
    String solver;

    @Option(names = "--no-normalize",
        description = "Take ref_logprobs as normalized over the candidates.")
    boolean noNormalize;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1024",
        description = "Prompts solved at once in a partition (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public SparkOptions options() {
      return spark;
    }

    @Override
    public Integer call() throws IOException {
      SolveSpec spec = new SolveSpec(table.divergence, solver, table.beta, table.weights,
          !noNormalize, batch, spark.pluginDirs);
      try (Session job = spark.session("solve")) {
        SparkSession session = job.spark();
        Dataset<Row> in = spark.input(session, table.input);
        Summary s = Outputs.write(session, in, table,
            () -> MultirefSpark.solve(in, spec), () -> MultirefSpark.solveQuarantining(in, spec));
        parent.err().printf(Locale.ROOT, "multiref spark solve: %s, divergence %s, beta %s%n",
            s, table.divergence, table.beta);
      }
      return 0;
    }
  }

  @Command(name = "dpo-score", mixinStandardHelpOptions = true, versionProvider = Version.class,
      description = {"Multi-reference DPO losses, gradients and implicit rewards of every pair of"
          + " a Parquet table, as multiref dpo-score computes them."})
  static final class DpoScore implements Callable<Integer>, Job {
    @picocli.CommandLine.ParentCommand SparkMain parent;
    @Mixin SparkOptions spark;
    @Mixin TableOptions table;

    @Option(names = "--loss", paramLabel = "NAME", defaultValue = "sigmoid",
        description = "sigmoid (default; sigmoid:label-smoothing=EPS), hinge or ipo.")
    String loss;

    @Option(names = "--adaptive-weights", description = "MRPO's adaptive weights per pair.")
    boolean adaptive;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "65536",
        description = "Pairs scored at once in a partition (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public SparkOptions options() {
      return spark;
    }

    @Override
    public Integer call() throws IOException {
      io.github.multiref.solvers.dpo.DpoLosses.parse(loss); // a bad name fails here, at once
      DpoSpec spec = new DpoSpec(table.divergence, loss, table.beta, table.weights, adaptive, batch,
          spark.pluginDirs);
      try (Session job = spark.session("dpo-score")) {
        SparkSession session = job.spark();
        Dataset<Row> in = spark.input(session, table.input);
        Summary s = Outputs.write(session, in, table, () -> MultirefSpark.scoreDpo(in, spec),
            () -> MultirefSpark.scoreDpoQuarantining(in, spec));
        parent.err().printf(Locale.ROOT, "multiref spark dpo-score: %s, divergence %s, loss %s,"
            + " beta %s%n", s, table.divergence, loss, table.beta);
      }
      return 0;
    }
  }

  /** A job's session, stopped at the end if the job started it. */
  record Session(SparkSession spark, boolean owned) implements AutoCloseable {
    @Override
    public void close() {
      if (owned) {
        spark.stop();
      }
    }
  }

  /** What a job wrote: rows in, rows out, rows quarantined (which add up). */
  record Summary(long in, long out, long quarantined, String output, String badRows) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%d rows read, %d written to %s%s", in, out, output,
          badRows == null ? "" : ", " + quarantined + " refused and written to " + badRows);
    }
  }
}

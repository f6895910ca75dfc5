package io.github.multiref.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.multiref.rewards.RewardLearning;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code multiref spark fit-reward}: fit-reward's options, over Parquet on Spark. */
@Command(name = "fit-reward", mixinStandardHelpOptions = true,
    versionProvider = SparkMain.Version.class,
    description = {"Fit a reward by maximum likelihood from preference pairs (Parquet with"
        + " prompt, chosen, rejected), as multiref fit-reward does.",
        "tabular: --output is a Parquet directory, one row per prompt (responses, rewards,"
            + " pairs, log_likelihood, iterations), with a summary in its _fit.json;",
        "linear: --output is fit-reward's JSON file (theta, log_likelihood, iterations)."})
final class RewardCommand implements Callable<Integer>, SparkMain.Job {

  enum RewardClass { tabular, linear }

  @picocli.CommandLine.ParentCommand SparkMain parent;

  @Mixin SparkMain.SparkOptions spark;

  @Option(names = "--pairs", paramLabel = "PATH", required = true,
      description = "Preference pairs: Parquet with prompt, chosen and rejected.")
  String pairs;

  @Option(names = "--model", paramLabel = "NAME", defaultValue = "bt",
      description = "Any registered preference model (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--class", paramLabel = "CLASS", defaultValue = "tabular",
      description = "Reward class: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  RewardClass rewardClass;

  @Option(names = "--features", paramLabel = "PATH",
      description = "For --class linear: Parquet with prompt, response, features.")
  String features;

  @Option(names = "--output", paramLabel = "PATH", required = true,
      description = "Where the fit goes (see above); written whole or not at all.")
  String output;

  @Option(names = "--l2", defaultValue = "1e-3",
      description = "Ridge, >= 0 (default: ${DEFAULT-VALUE}).")
  double l2;

  @Option(names = "--bound", defaultValue = "Infinity",
      description = "For --class linear: largest allowed ||theta|| (default: none).")
  double bound;

  @Option(names = "--tolerance", defaultValue = "1e-8",
      description = "L-BFGS gradient tolerance, relative (default: ${DEFAULT-VALUE}).")
  double tolerance;

  @Option(names = "--max-iterations", defaultValue = "5000",
      description = "L-BFGS iteration budget (default: ${DEFAULT-VALUE}).")
  int maxIterations;

  @Override
  public SparkMain.SparkOptions options() {
    return spark;
  }

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  @Override
  public Integer call() throws IOException {
    if (rewardClass == RewardClass.linear && features == null) {
      throw new IllegalArgumentException("--class linear needs --features PATH");
    }
    if (rewardClass == RewardClass.tabular && features != null) {
      throw new IllegalArgumentException("--features goes with --class linear");
    }
    RewardSpec spec = new RewardSpec(model, l2, bound, tolerance, maxIterations,
        spark.pluginDirs);
    long start = System.nanoTime();
    try (SparkMain.Session job = spark.session("fit-reward")) {
      SparkSession session = job.spark();
      Dataset<Row> in = spark.input(session, pairs);
      ObjectNode result = JSON.createObjectNode();
      result.put("class", rewardClass.name());
      result.put("model", model);
      long count;
      double logLikelihood;
      int iterations;
      if (rewardClass == RewardClass.tabular) {
        AtomicDirectory out = AtomicDirectory.of(output,
            session.sparkContext().hadoopConfiguration());
        try {
          RewardFits.fitTabular(in, spec).write().parquet(out.temporary());
          Row totals = session.read().parquet(out.temporaryToRead())
              .selectExpr("sum(pairs)", "sum(log_likelihood)", "max(iterations)", "count(*)")
              .first();
          if (totals.getLong(3) == 0) {
            throw new IllegalArgumentException(pairs + " holds no pairs");
          }
          count = totals.getLong(0);
          logLikelihood = totals.getDouble(1);
          iterations = totals.getInt(2);
          result.put("pairs", count);
          result.put("prompts", totals.getLong(3));
          result.put("log_likelihood", logLikelihood);
          result.put("iterations", iterations);
          write(session, out.temporary() + "/_fit.json", result);
          out.commit();
        } catch (Exception e) { // SparkException too: Scala throws it undeclared
          Outputs.settle(session);
          out.abandon();
          throw e;
        }
      } else {
        RewardLearning.LinearFit fit = RewardFits.fitLinear(in,
            spark.input(session, features), spec);
        count = in.count();
        logLikelihood = fit.logLikelihood();
        iterations = fit.iterations();
        result.put("pairs", count);
        result.put("log_likelihood", logLikelihood);
        result.put("iterations", iterations);
        ArrayNode theta = result.putArray("theta");
        for (double v : fit.theta()) {
          theta.add(v);
        }
        writeAtomically(session, output, result);
      }
      parent.err().printf(Locale.ROOT, "multiref spark fit-reward: %d pairs, model %s, class %s:"
          + " log-likelihood %.6g (%.4g per pair), %d iterations, %.2f s, written to %s%n",
          count, model, rewardClass, logLikelihood, logLikelihood / count, iterations,
          (System.nanoTime() - start) / 1e9, output);
    }
    return 0;
  }

  private static void write(SparkSession session, String path, ObjectNode json)
      throws IOException {
    Path p = new Path(path);
    FileSystem fs = p.getFileSystem(session.sparkContext().hadoopConfiguration());
    try (OutputStream o = fs.create(p, true)) {
      o.write((JSON.writeValueAsString(json) + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A file written beside its target and renamed into place. */
  private static void writeAtomically(SparkSession session, String path, ObjectNode json)
      throws IOException {
    Path target = new Path(path);
    FileSystem fs = target.getFileSystem(session.sparkContext().hadoopConfiguration());
    Path qualified = fs.makeQualified(target);
    Path temporary = new Path(qualified.getParent(), "." + qualified.getName() + ".multiref-"
        + java.util.UUID.randomUUID() + ".tmp");
    try {
      write(session, temporary.toString(), json);
      if (fs.exists(qualified)) {
        fs.delete(qualified, false);
      }
      if (!fs.rename(temporary, qualified)) {
        throw new IOException("could not move the fit into " + path);
      }
    } finally {
      fs.delete(temporary, false);
    }
  }
}

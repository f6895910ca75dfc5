package io.github.multiref.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults: a task that fails its first attempt is retried and the output is the same; a job that
 * fails midway, or whose JVM is killed midway, leaves no output, and run again writes it whole.
 */
class FaultsTest {

  private static SparkSession spark;

  @TempDir static Path dir;

  private static Path input;

  @BeforeAll
  static void start() {
    spark = SparkTestSupport.session("local[2,4]"); // up to 4 attempts per task
    input = dir.resolve("prompts");
    SparkTestSupport.prompts(spark, 400, 3, 21).repartition(8).write().parquet(input.toString());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @AfterEach
  void noFault() {
    spark.sparkContext().setLocalProperty(FaultInjection.PROPERTY, null);
  }

  private static final String[] SOLVED = {"responses", "policy_logprobs", "reference_logprobs",
      "objective", "upper_bound", "lambda"};

  private static Map<String, Row> solved() {
    Dataset<Row> in = spark.read().parquet(input.toString());
    return SparkTestSupport.byKey(MultirefSpark.solve(in, SolveSpec.of(0.3)), "prompt");
  }

  @Test
  void aTaskThatFailsItsFirstAttemptIsRetriedAndTheOutputIsTheSame() {
    Map<String, Row> expected = solved();
    java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
    org.apache.spark.scheduler.SparkListener counter = new org.apache.spark.scheduler.SparkListener() {
      @Override
      public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
        if (end.reason() instanceof org.apache.spark.ExceptionFailure) {
          failed.incrementAndGet();
        }
      }
    };
    spark.sparkContext().addSparkListener(counter);
    spark.sparkContext().setLocalProperty(FaultInjection.PROPERTY, "first-attempt");
    Map<String, Row> retried = solved();
    long deadline = System.nanoTime() + 10_000_000_000L; // listener events arrive asynchronously
    while (failed.get() == 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    spark.sparkContext().removeSparkListener(counter);
    assertThat(failed.get()).as("first attempts that failed and were retried").isPositive();
    assertThat(retried.keySet()).isEqualTo(expected.keySet()).hasSize(400);
    for (String key : expected.keySet()) {
      SparkTestSupport.assertSameBits(expected.get(key), retried.get(key), SOLVED);
    }
  }

  @Test
  void aJobThatFailsMidwayLeavesNoOutputAndRunAgainWritesItWhole() {
    Path out = dir.resolve("failed-midway");
    spark.sparkContext().setLocalProperty(FaultInjection.PROPERTY, "always:5");
    StringWriter err = new StringWriter();
    int code = SparkMain.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
        "solve", "--input", input.toString(), "--output", out.toString(), "--beta", "0.3",
        "--partitions", "8");
    assertThat(code).as(err.toString()).isEqualTo(1);
    assertThat(err.toString()).contains("injected fault: partition 5");
    assertThat(out).doesNotExist();
    spark.sparkContext().setLocalProperty(FaultInjection.PROPERTY, null);
    assertThat(SparkMain.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
        "solve", "--input", input.toString(), "--output", out.toString(), "--beta", "0.3"))
        .as(err.toString()).isZero();
    assertWhole(out);
  }

  @Test
  void aJobKilledMidwayLeavesNoOutputAndRunAgainWritesItWhole() throws Exception {
    Path out = dir.resolve("killed");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(List.of(System.getProperty("spark.jvm.options", "").split(" ")));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        SparkMain.class.getName(), "solve", "--master", "local[2]", "--input",
        input.toString(), "--output", out.toString(), "--beta", "0.3",
        "--conf", FaultInjection.PROPERTY + "=slow:400"));
    command.removeIf(String::isEmpty);
    Process job = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("killed.log").toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (temporaries().isEmpty() && job.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(temporaries()).as(Files.readString(dir.resolve("killed.log"))).isNotEmpty();
      Thread.sleep(300); // parts are being written
    } finally {
      job.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(out).doesNotExist();
    StringWriter err = new StringWriter();
    assertThat(SparkMain.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
        "solve", "--input", input.toString(), "--output", out.toString(), "--beta", "0.3"))
        .as(err.toString()).isZero();
    assertWhole(out);
  }

  private static void assertWhole(Path out) {
    Map<String, Row> expected = solved();
    Map<String, Row> written = SparkTestSupport.byKey(spark.read().parquet(out.toString()),
        "prompt");
    assertThat(written.keySet()).isEqualTo(expected.keySet());
    for (String key : expected.keySet()) {
      SparkTestSupport.assertSameBits(expected.get(key), written.get(key), SOLVED);
    }
  }

  private static List<Path> temporaries() throws java.io.IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith(".killed.multiref-"))
          .toList();
    }
  }
}

package io.github.multiref.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded job jar as spark-submit runs it: on a class path of Spark's own jars and this jar
 * only (no multiref module, picocli or Guice beside it), {@code SparkMain dpo-score} writes the
 * command line's numbers.
 */
class JobJarIT {

  @TempDir Path dir;

  private static SparkSession spark; // this JVM's, for the files; the job runs in its own

  @BeforeAll
  static void start() {
    spark = SparkTestSupport.session("local[2]");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void theJobJarRunsOnSparksClassPathAlone() throws Exception {
    Path jar = Path.of(System.getProperty("multiref.sparkJar"));
    assertThat(jar).exists();
    Path input = SparkTestSupport.oneParquetFile(SparkTestSupport.pairs(spark, 3000, 4, 17),
        dir.resolve("pairs"));
    Path cliOut = dir.resolve("cli.parquet");
    SparkTestSupport.cli(dir, "dpo-score", "--input", input.toString(), "--output",
        cliOut.toString(), "--beta", "0.1");

    List<String> sparkOnly = Arrays.stream(System.getProperty("java.class.path")
        .split(File.pathSeparator)).filter(JobJarIT::isSparks).toList();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(Arrays.stream(System.getProperty("spark.jvm.options").split(" "))
        .filter(o -> !o.isEmpty()).toList());
    command.addAll(List.of("-cp", jar + File.pathSeparator + String.join(File.pathSeparator,
        sparkOnly), "io.github.multiref.spark.SparkMain", "dpo-score", "--master", "local[2]",
        "--input", input.toString(), "--output", dir.resolve("spark").toString(), "--beta",
        "0.1", "--partitions", "3"));
    Path log = dir.resolve("job.log");
    Process job = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    assertThat(job.waitFor(300, TimeUnit.SECONDS)).isTrue();
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(job.exitValue()).as(output).isZero();
    assertThat(output).contains("3000 rows read, 3000 written");

    Map<String, org.apache.spark.sql.Row> expected = SparkTestSupport.byKey(
        spark.read().parquet(cliOut.toString()), "prompt");
    Map<String, org.apache.spark.sql.Row> actual = SparkTestSupport.byKey(
        spark.read().parquet(dir.resolve("spark").toString()), "prompt");
    assertThat(actual.keySet()).isEqualTo(expected.keySet()).hasSize(3000);
    for (String key : expected.keySet()) {
      SparkTestSupport.assertSameBits(expected.get(key), actual.get(key), new String[] {
          "loss", "logit", "grad_chosen", "grad_rejected", "chosen_reward", "rejected_reward"});
    }
  }

  /** A class-path entry Spark itself brings: not multiref, and not what the job jar holds. */
  private static boolean isSparks(String entry) {
    String e = entry.replace('\\', '/');
    return !(e.contains("/io/github/multiref/") || e.contains("/multiref-") || e.endsWith(
        "/classes") || e.endsWith("/test-classes") || e.contains("/info/picocli/")
        || e.contains("/com/google/inject/") || e.contains("/junit") || e.contains("/assertj")
        || e.contains("/opentest4j") || e.contains("/apiguardian"));
  }
}

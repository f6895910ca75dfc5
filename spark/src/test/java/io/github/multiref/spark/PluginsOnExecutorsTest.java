package io.github.multiref.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin divergence scores pairs and solves prompts on Spark by name: its jar shipped as
 * spark-submit's {@code --jars} ({@code spark.jars}) is found by ServiceLoader in the executors'
 * task class loader, and the numbers are the command line's (run with the jar in --plugin-dir)
 * bit for bit. The jar is not on this JVM's class path.
 */
class PluginsOnExecutorsTest {

  private static SparkSession spark;

  @TempDir static Path dir;

  private static Path pluginDir;

  @BeforeAll
  static void start() throws Exception {
    Path jar = Path.of(System.getProperty("multiref.pluginJar"));
    assertThat(jar).as("the plugin's jar, built by the reactor first").exists();
    pluginDir = Files.createDirectories(dir.resolve("plugins"));
    Files.copy(jar, pluginDir.resolve(jar.getFileName()));
    spark = SparkSession.builder().master("local[2]").appName("multiref-plugins")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.jars", jar.toUri().toString()).getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void thePluginIsNotOnTheDriversClassPath() {
    assertThat(Thread.currentThread().getContextClassLoader()
        .getResource("io/github/multiref/plugins/neyman/NeymanPlugin.class")).isNull();
  }

  @Test
  void aPluginDivergenceScoresPairsByNameOnTheExecutors() throws Exception {
    Path input = SparkTestSupport.oneParquetFile(SparkTestSupport.pairs(spark, 2000, 2, 31),
        dir.resolve("pairs"));
    Path cliOut = dir.resolve("cli.parquet");
    SparkTestSupport.cli(dir, "dpo-score", "--plugin-dir", pluginDir.toString(), "--input",
        input.toString(), "--output", cliOut.toString(), "--beta", "0.2", "--divergence",
        "neyman-chi2");
    Map<String, Row> expected = SparkTestSupport.byKey(spark.read().parquet(cliOut.toString()),
        "prompt");
    Dataset<Row> in = spark.read().parquet(input.toString()).repartition(3);
    Map<String, Row> actual = SparkTestSupport.byKey(MultirefSpark.scoreDpo(in,
        DpoSpec.of(0.2).withDivergence("neyman-chi2")), "prompt");
    assertThat(actual.keySet()).isEqualTo(expected.keySet()).hasSize(2000);
    for (String key : expected.keySet()) {
      SparkTestSupport.assertSameBits(expected.get(key), actual.get(key), new String[] {"loss",
          "logit", "grad_chosen", "grad_rejected", "chosen_reward", "rejected_reward"});
    }
  }

  @Test
  void aPluginDivergenceSolvesPromptsByNameOnTheExecutors() throws Exception {
    Path input = SparkTestSupport.oneParquetFile(SparkTestSupport.prompts(spark, 60, 2, 33),
        dir.resolve("prompts"));
    Path cliOut = dir.resolve("cli-solve.parquet");
    SparkTestSupport.cli(dir, "solve", "--plugin-dir", pluginDir.toString(), "--input",
        input.toString(), "--output", cliOut.toString(), "--beta", "2", "--divergence",
        "neyman-chi2");
    Map<String, Row> expected = SparkTestSupport.byKey(spark.read().parquet(cliOut.toString()),
        "prompt");
    Map<String, Row> actual = SparkTestSupport.byKey(MultirefSpark.solve(
        spark.read().parquet(input.toString()).repartition(2),
        SolveSpec.of(2).withDivergence("neyman-chi2")), "prompt");
    assertThat(actual.keySet()).isEqualTo(expected.keySet()).hasSize(60);
    for (String key : expected.keySet()) {
      SparkTestSupport.assertSameBits(expected.get(key), actual.get(key), new String[] {
          "policy_logprobs", "objective", "lambda"});
    }
  }

  @Test
  void anUnknownNameIsRefusedNamingTheRegisteredOnes() {
    Dataset<Row> in = SparkTestSupport.pairs(spark, 10, 2, 1);
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> MultirefSpark.scoreDpo(in,
        DpoSpec.of(0.2).withDivergence("no-such-divergence")).collectAsList()))
        .satisfies(e -> assertThat(Failures.message(e)).contains("no-such-divergence"));
  }
}

package io.github.multiref.spark;

import static org.assertj.core.api.Assertions.assertThat;

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
 * On the same Parquet input, Spark's output equals the single-machine command line's bit for bit,
 * for 1, 2 and 7 partitions: the command line (the built jar, run as a user runs it) gives the
 * expected rows, joined to Spark's by their keys.
 */
class SameAsOneMachineTest {

  private static SparkSession spark;

  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    spark = SparkTestSupport.session("local[2]");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static final String[] SOLVED = {"responses", "policy_logprobs", "reference_logprobs",
      "objective", "upper_bound", "lambda"};
  private static final String[] SCORED = {"loss", "logit", "grad_chosen", "grad_rejected",
      "chosen_reward", "rejected_reward"};

  @Test
  void solveGivesTheCommandLinesBitsForAnyPartitioning() throws Exception {
    for (String divergence : List.of("reverse-kl", "forward-kl", "squared-hellinger")) {
      Path input = SparkTestSupport.oneParquetFile(SparkTestSupport.prompts(spark, 300, 3, 5),
          dir.resolve(divergence));
      Path cliOut = dir.resolve(divergence + "-cli.parquet");
      SparkTestSupport.cli(dir, "solve", "--input", input.toString(), "--output",
          cliOut.toString(), "--beta", "0.7", "--divergence", divergence, "--weights",
          "0.5,0.3,0.2");
      Map<String, Row> expected = SparkTestSupport.byKey(spark.read().parquet(cliOut.toString()),
          "prompt");
      assertThat(expected).hasSize(300);
      for (int partitions : new int[] {1, 2, 7}) {
        Dataset<Row> in = spark.read().parquet(input.toString()).repartition(partitions);
        Dataset<Row> out = MultirefSpark.solve(in, SolveSpec.of(0.7).withDivergence(divergence)
            .withWeights(0.5, 0.3, 0.2));
        assertThat(out.rdd().getNumPartitions()).isEqualTo(partitions);
        Map<String, Row> actual = SparkTestSupport.byKey(out, "prompt");
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        for (String key : expected.keySet()) {
          SparkTestSupport.assertSameBits(expected.get(key), actual.get(key), SOLVED);
        }
      }
    }
  }

  @Test
  void dpoScoreGivesTheCommandLinesBitsForAnyPartitioning() throws Exception {
    Path input = SparkTestSupport.oneParquetFile(SparkTestSupport.pairs(spark, 5000, 4, 9),
        dir.resolve("pairs"));
    for (String options : List.of("reverse-kl sigmoid fixed", "forward-kl ipo fixed",
        "reverse-kl hinge adaptive")) {
      String[] o = options.split(" ");
      Path cliOut = dir.resolve(o[0] + o[1] + "-cli.parquet");
      List<String> args = new java.util.ArrayList<>(List.of("dpo-score", "--input",
          input.toString(), "--output", cliOut.toString(), "--beta", "0.1", "--divergence", o[0],
          "--loss", o[1]));
      if (o[2].equals("adaptive")) {
        args.add("--adaptive-weights");
      }
      SparkTestSupport.cli(dir, args.toArray(new String[0]));
      Map<String, Row> expected = SparkTestSupport.byKey(spark.read().parquet(cliOut.toString()),
          "prompt", "chosen", "rejected");
      assertThat(expected).hasSize(5000);
      for (int partitions : new int[] {1, 2, 7}) {
        Dataset<Row> in = spark.read().parquet(input.toString()).repartition(partitions);
        DpoSpec spec = new DpoSpec(o[0], o[1], 0.1, null, o[2].equals("adaptive"), 1000,
            List.of());
        Map<String, Row> actual = SparkTestSupport.byKey(MultirefSpark.scoreDpo(in, spec),
            "prompt", "chosen", "rejected");
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        for (String key : expected.keySet()) {
          SparkTestSupport.assertSameBits(expected.get(key), actual.get(key), SCORED);
        }
      }
    }
  }
}

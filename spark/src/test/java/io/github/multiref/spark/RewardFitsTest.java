package io.github.multiref.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.multiref.rewards.RewardLearning;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reward learning on Spark reaches the optimum fit-reward reaches in one JVM: the log-likelihoods
 * agree within 1e-9 relative (sums in another order), the rewards and theta within 1e-6.
 */
class RewardFitsTest {

  private static SparkSession spark;

  @TempDir static Path dir;

  private static Path pairs;
  private static Path features;

  @BeforeAll
  static void start() throws Exception {
    spark = SparkTestSupport.session("local[2]");
    // 80 prompts, 5 responses each, true rewards in [-2, 2]; 30 Bradley-Terry pairs per prompt
    SplittableRandom random = new SplittableRandom(13);
    List<Row> pairRows = new ArrayList<>();
    List<Row> featureRows = new ArrayList<>();
    double[] theta = {0.8, -0.5, 1.2, 0.3};
    for (int x = 0; x < 80; x++) {
      double[] r = new double[5];
      for (int y = 0; y < 5; y++) {
        List<Double> phi = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
          double v = random.nextDouble(-1, 1);
          phi.add(v);
          r[y] += theta[k] * v;
        }
        featureRows.add(RowFactory.create("prompt " + x, "response " + y, phi));
      }
      for (int i = 0; i < 30; i++) {
        int a = random.nextInt(5);
        int b = (a + 1 + random.nextInt(4)) % 5;
        boolean aWins = random.nextDouble() < 1 / (1 + Math.exp(r[b] - r[a]));
        pairRows.add(RowFactory.create("prompt " + x, "response " + (aWins ? a : b),
            "response " + (aWins ? b : a)));
      }
    }
    StructType pairSchema = new StructType().add("prompt", DataTypes.StringType)
        .add("chosen", DataTypes.StringType).add("rejected", DataTypes.StringType);
    StructType featureSchema = new StructType().add("prompt", DataTypes.StringType)
        .add("response", DataTypes.StringType)
        .add("features", DataTypes.createArrayType(DataTypes.DoubleType));
    pairs = SparkTestSupport.oneParquetFile(spark.createDataFrame(pairRows, pairSchema),
        dir.resolve("pairs"));
    features = SparkTestSupport.oneParquetFile(spark.createDataFrame(featureRows,
        featureSchema), dir.resolve("features"));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static JsonNode cliFit(String... options) throws Exception {
    Path out = dir.resolve("fit-" + System.nanoTime() + ".json");
    List<String> args = new ArrayList<>(List.of("fit-reward", "--pairs", pairs.toString(),
        "--output", out.toString()));
    args.addAll(List.of(options));
    SparkTestSupport.cli(dir, args.toArray(new String[0]));
    return new ObjectMapper().readTree(out.toFile());
  }

  @Test
  void tabularRewardsPerPromptReachTheOneMachineOptimum() throws Exception {
    for (String model : List.of("bt", "thurstone")) {
      // at fit-reward's default tolerance (relative to the whole data's likelihood) one JVM's
      // joint fit stops about 1e-6 from the optimum per reward; both sides go tighter here
      JsonNode expected = cliFit("--class", "tabular", "--model", model, "--tolerance",
          "1e-12");
      for (int partitions : new int[] {1, 3}) {
        Dataset<Row> in = spark.read().parquet(pairs.toString()).repartition(partitions);
        List<Row> fitted = RewardFits.fitTabular(in, new RewardSpec(model, 1e-3,
            Double.POSITIVE_INFINITY, 1e-12, 5000, List.of()))
            .collectAsList();
        assertThat(fitted).hasSize(80);
        double logLikelihood = 0;
        long count = 0;
        for (Row row : fitted) {
          logLikelihood += row.getDouble(4);
          count += row.getLong(3);
          JsonNode rewards = expected.get("rewards").get(row.getString(0));
          List<String> responses = row.getList(1);
          List<Double> values = row.getList(2);
          assertThat(responses).hasSize(rewards.size());
          for (int y = 0; y < responses.size(); y++) {
            assertThat(values.get(y)).as(row.getString(0) + " " + responses.get(y))
                .isCloseTo(rewards.get(responses.get(y)).asDouble(), within(1e-6));
          }
        }
        assertThat(count).isEqualTo(expected.get("pairs").asLong());
        double cli = expected.get("log_likelihood").asDouble();
        assertThat(Math.abs(logLikelihood - cli) / Math.abs(cli)).isLessThan(1e-9);
      }
    }
  }

  @Test
  void linearRewardsSummedOverPartitionsReachTheOneMachineOptimum() throws Exception {
    JsonNode expected = cliFit("--class", "linear", "--features", features.toString());
    for (int partitions : new int[] {1, 2, 7}) {
      RewardLearning.LinearFit fit = RewardFits.fitLinear(
          spark.read().parquet(pairs.toString()).repartition(partitions),
          spark.read().parquet(features.toString()), RewardSpec.defaults());
      double cli = expected.get("log_likelihood").asDouble();
      assertThat(Math.abs(fit.logLikelihood() - cli) / Math.abs(cli)).as("partitions "
          + partitions).isLessThan(1e-9);
      for (int k = 0; k < 4; k++) {
        assertThat(fit.theta()[k]).isCloseTo(expected.get("theta").get(k).asDouble(),
            within(1e-6));
      }
    }
  }

  @Test
  void theCommandLineEntryWritesTheFitsWholeAndRefusesMissingFeatures() throws Exception {
    Path out = dir.resolve("tabular[1]"); // glob characters in the name, taken literally
    StringWriter err = new StringWriter();
    int code = SparkMain.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
        "fit-reward", "--pairs", pairs.toString(), "--output", out.toString());
    assertThat(code).as(err.toString()).isZero();
    assertThat(err.toString()).contains("multiref spark fit-reward: 2400 pairs, model bt,"
        + " class tabular");
    assertThat(spark.read().parquet(out.toString().replace("[", "\\[").replace("]", "\\]"))
        .count()).isEqualTo(80);
    JsonNode summary = new ObjectMapper().readTree(out.resolve("_fit.json").toFile());
    assertThat(summary.get("prompts").asInt()).isEqualTo(80);

    Path linear = dir.resolve("linear.json");
    code = SparkMain.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true),
        "fit-reward", "--pairs", pairs.toString(), "--class", "linear", "--features",
        features.toString(), "--output", linear.toString());
    assertThat(code).as(err.toString()).isZero();
    assertThat(new ObjectMapper().readTree(linear.toFile()).get("theta").size()).isEqualTo(4);

    Path some = dir.resolve("some-features");
    spark.read().parquet(features.toString()).filter("response != 'response 3'").write()
        .parquet(some.toString());
    StringWriter refused = new StringWriter();
    code = SparkMain.run(new PrintWriter(new StringWriter()), new PrintWriter(refused, true),
        "fit-reward", "--pairs", pairs.toString(), "--class", "linear", "--features",
        some.toString(), "--output", dir.resolve("never.json").toString());
    assertThat(code).isEqualTo(1);
    assertThat(refused.toString()).containsPattern("prompt 'prompt \\d+': the features have no"
        + " row for response 'response 3'");
    assertThat(dir.resolve("never.json")).doesNotExist();
  }
}

package io.github.multiref.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A local Spark session per test class, test tables at real magnitudes, and the CLI's jar. */
final class SparkTestSupport {

  private SparkTestSupport() {}

  static SparkSession session(String master) {
    return SparkSession.builder().master(master).appName("multiref-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate();
  }

  /**
   * Prompts shaped like language-model output: 2 to 40 responses, sequence log-probabilities of
   * -50 to -400 and K references that disagree by up to hundreds of nats, one with zero mass on
   * some responses.
   */
  static Dataset<Row> prompts(SparkSession spark, int count, int k, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>();
    for (int p = 0; p < count; p++) {
      int n = 2 + random.nextInt(39);
      List<String> responses = new ArrayList<>();
      List<Double> reward = new ArrayList<>();
      List<List<Double>> refs = new ArrayList<>();
      for (int j = 0; j < k; j++) {
        refs.add(new ArrayList<>());
      }
      for (int i = 0; i < n; i++) {
        responses.add("response " + i + " of prompt " + p);
        reward.add(random.nextDouble(-3, 3));
        double base = random.nextDouble(-400, -50);
        for (int j = 0; j < k; j++) {
          double lp = base + j * random.nextDouble(-150, 150);
          refs.get(j).add(j == 1 && i % 7 == 3 ? Double.NEGATIVE_INFINITY : Math.min(lp, -1));
        }
      }
      rows.add(RowFactory.create("prompt " + p, responses, reward, refs));
    }
    StructType schema = new StructType()
        .add("prompt", DataTypes.StringType)
        .add("responses", DataTypes.createArrayType(DataTypes.StringType))
        .add("reward", DataTypes.createArrayType(DataTypes.DoubleType))
        .add("ref_logprobs", DataTypes.createArrayType(
            DataTypes.createArrayType(DataTypes.DoubleType)));
    return spark.createDataFrame(rows, schema);
  }

  /** Pairs in TRL's columns, K references as lists, log-probabilities at real magnitudes. */
  static Dataset<Row> pairs(SparkSession spark, int count, int k, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>();
    for (int p = 0; p < count; p++) {
      double chosen = random.nextDouble(-400, -50);
      double rejected = random.nextDouble(-400, -50);
      List<Double> rc = new ArrayList<>();
      List<Double> rr = new ArrayList<>();
      for (int j = 0; j < k; j++) {
        rc.add(Math.min(-1, chosen + random.nextDouble(-200, 200)));
        rr.add(Math.min(-1, rejected + random.nextDouble(-200, 200)));
      }
      rows.add(RowFactory.create("prompt " + p, "chosen " + p, "rejected " + p, chosen,
          rejected, rc, rr));
    }
    StructType schema = new StructType()
        .add("prompt", DataTypes.StringType)
        .add("chosen", DataTypes.StringType)
        .add("rejected", DataTypes.StringType)
        .add("chosen_logps", DataTypes.DoubleType)
        .add("rejected_logps", DataTypes.DoubleType)
        .add("ref_chosen_logps", DataTypes.createArrayType(DataTypes.DoubleType))
        .add("ref_rejected_logps", DataTypes.createArrayType(DataTypes.DoubleType));
    return spark.createDataFrame(rows, schema);
  }

  /** The table as one Parquet file (Spark's single part file), for the command line. */
  static Path oneParquetFile(Dataset<Row> table, Path dir) throws IOException {
    Path out = dir.resolve("table");
    table.coalesce(1).write().parquet(out.toString());
    try (Stream<Path> files = Files.list(out)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst()
          .orElseThrow();
    }
  }

  /** The CLI's jar run as a user runs it; returns its stderr, and fails on a non-zero exit. */
  static String cli(Path workDir, String... args) throws IOException, InterruptedException {
    Path jar = Path.of(System.getProperty("multiref.jar"));
    assertThat(jar).as("the CLI jar, built by the reactor before these tests").exists();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "-jar", jar.toString()));
    command.addAll(List.of(args));
    Path err = Files.createTempFile(workDir, "stderr", ".txt");
    Process process = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
    assertThat(process.waitFor(300, TimeUnit.SECONDS)).isTrue();
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(stderr).isZero();
    return stderr;
  }

  /** Rows by their key column(s), for comparisons that do not depend on row order. */
  static Map<String, Row> byKey(Dataset<Row> table, String... keys) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : table.collectAsList()) {
      StringBuilder key = new StringBuilder();
      for (String k : keys) {
        key.append(r.<String>getAs(k)).append('\u0000');
      }
      assertThat(out.put(key.toString(), r)).as("duplicate key " + key).isNull();
    }
    return out;
  }

  /** Two rows' values equal bit for bit (doubles by their bits, lists element by element). */
  static void assertSameBits(Row expected, Row actual, String[] columns) {
    for (String c : columns) {
      assertThat(bits(actual.getAs(c))).as(c + " of " + actual.get(0))
          .isEqualTo(bits(expected.getAs(c)));
    }
  }

  private static Object bits(Object v) {
    if (v instanceof Double d) {
      return Double.doubleToRawLongBits(d);
    }
    if (v instanceof scala.collection.Seq<?> s) {
      List<Object> out = new ArrayList<>();
      scala.jdk.javaapi.CollectionConverters.asJava(s).forEach(x -> out.add(bits(x)));
      return out;
    }
    return v;
  }
}

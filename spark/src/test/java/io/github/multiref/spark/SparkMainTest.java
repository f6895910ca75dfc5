package io.github.multiref.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command-line entry ({@code multiref spark ...}) on the class's session: bad rows fail the job
 * naming the prompt, or are quarantined with their reason and counted; outputs are written whole
 * or not at all.
 */
class SparkMainTest {

  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    spark = SparkTestSupport.session("local[2]");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  record Run(int code, String err) {}

  static Run run(String... args) {
    StringWriter err = new StringWriter();
    int code = SparkMain.run(new PrintWriter(new StringWriter(), true),
        new PrintWriter(err, true), args);
    return new Run(code, err.toString());
  }

  /** 40 good prompts and the given bad ones, as a Parquet directory of 3 parts. */
  private Path prompts(List<Row> bad) {
    Dataset<Row> good = SparkTestSupport.prompts(spark, 40, 2, 3);
    Dataset<Row> all = good.union(spark.createDataFrame(bad, good.schema()));
    Path in = dir.resolve("prompts");
    all.repartition(3).write().parquet(in.toString());
    return in;
  }

  private static Row prompt(String name, List<Double> reward, List<List<Double>> refs) {
    return RowFactory.create(name, null, reward, refs);
  }

  @Test
  void aBadRowFailsTheJobNamingItsPromptAndNothingIsWritten() {
    Path in = prompts(List.of(prompt("the bad one", List.of(1.0, Double.NaN),
        List.of(List.of(-60.0, -70.0), List.of(-80.0, -90.0)))));
    Path out = dir.resolve("out");
    Run r = run("solve", "--input", in.toString(), "--output", out.toString(), "--beta", "0.5");
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).contains("multiref spark: error: prompt 'the bad one': column 'reward':"
        + " element 1 is NaN; expected a finite number");
    assertThat(out).doesNotExist();
    assertThat(leftovers()).as(tree()).isEmpty();
  }

  private String tree() {
    try (Stream<Path> files = Files.walk(dir)) {
      return String.join("\n", files.map(Path::toString).filter(f -> f.contains(".multiref-"))
          .toList());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void badRowsAreQuarantinedWithTheirReasonAndTheCountsAddUp() throws Exception {
    Path in = prompts(List.of(
        prompt("nan reward", List.of(1.0, Double.NaN), List.of(List.of(-60.0, -70.0),
            List.of(-80.0, -90.0))),
        prompt("short reference", List.of(1.0, 2.0), List.of(List.of(-60.0),
            List.of(-80.0, -90.0))),
        prompt("positive log-probability", List.of(1.0, 2.0), List.of(List.of(-60.0, 0.5),
            List.of(-80.0, -90.0))),
        prompt("no mass anywhere", List.of(1.0, 2.0), List.of(
            List.of(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY),
            List.of(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY))),
        RowFactory.create(null, null, List.of(1.0), List.of(List.of(-1.0), List.of(-2.0)))));
    Path out = dir.resolve("out");
    Path bad = dir.resolve("bad");
    Run r = run("solve", "--input", in.toString(), "--output", out.toString(), "--bad-rows",
        bad.toString(), "--beta", "0.5");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("45 rows read, 40 written to " + out + ", 5 refused and"
        + " written to " + bad);
    assertThat(spark.read().parquet(out.toString()).count()).isEqualTo(40);
    Map<String, Row> refused = SparkTestSupport.byKey(spark.read().parquet(bad.toString())
        .na().fill("(null)", new String[] {"prompt"}), "prompt");
    assertThat(refused.keySet()).containsExactlyInAnyOrder("nan reward\u0000",
        "short reference\u0000", "positive log-probability\u0000", "no mass anywhere\u0000",
        "(null)\u0000");
    assertThat(refused.get("nan reward\u0000").<String>getAs(MultirefSpark.REASON))
        .isEqualTo("column 'reward': element 1 is NaN; expected a finite number");
    assertThat(refused.get("short reference\u0000").<String>getAs(MultirefSpark.REASON))
        .isEqualTo("column 'ref_logprobs': list 0 has 1 entries but 'reward' has 2");
    assertThat(refused.get("positive log-probability\u0000").<String>getAs(MultirefSpark.REASON))
        .startsWith("column 'ref_logprobs': list 0, element 1 is 0.5; expected a log-probability");
    assertThat(refused.get("no mass anywhere\u0000").<String>getAs(MultirefSpark.REASON))
        .isEqualTo("column 'ref_logprobs[0]': gives no response positive probability");
    assertThat(refused.get("(null)\u0000").<String>getAs(MultirefSpark.REASON))
        .isEqualTo("column 'prompt': null; expected a string");
    // the refused rows keep their input columns
    assertThat(spark.read().parquet(bad.toString()).columns()).containsExactly("prompt",
        "responses", "reward", "ref_logprobs", MultirefSpark.REASON);
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void dpoScoreQuarantinesBadPairsAndKeepsTheKeys() {
    Dataset<Row> good = SparkTestSupport.pairs(spark, 30, 3, 4);
    Dataset<Row> all = good.union(spark.createDataFrame(List.of(
        RowFactory.create("p", "c", "nan", Double.NaN, -50.0, List.of(-1.0, -2.0, -3.0),
            List.of(-1.0, -2.0, -3.0)),
        RowFactory.create("p", "c", "two refs", -60.0, -50.0, List.of(-1.0, -2.0),
            List.of(-1.0, -2.0))), good.schema()));
    Path in = dir.resolve("pairs");
    all.repartition(2).write().parquet(in.toString());
    Path out = dir.resolve("scored");
    Run failed = run("dpo-score", "--input", in.toString(), "--output", out.toString(),
        "--beta", "0.1", "--partitions", "1");
    assertThat(failed.code()).isEqualTo(1);
    assertThat(failed.err()).contains("prompt 'p': column '");
    assertThat(out).doesNotExist();
    Path bad = dir.resolve("bad-pairs");
    Run r = run("dpo-score", "--input", in.toString(), "--output", out.toString(), "--beta",
        "0.1", "--bad-rows", bad.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("32 rows read, 30 written");
    Dataset<Row> scored = spark.read().parquet(out.toString());
    assertThat(scored.columns()).containsExactly("prompt", "chosen", "rejected", "loss",
        "logit", "grad_chosen", "grad_rejected", "chosen_reward", "rejected_reward");
    Map<String, Row> refused = SparkTestSupport.byKey(spark.read().parquet(bad.toString()),
        "rejected");
    assertThat(refused.get("nan\u0000").<String>getAs(MultirefSpark.REASON))
        .startsWith("column 'chosen_logps': NaN; expected a finite log-probability <= 0");
    assertThat(refused.get("two refs\u0000").<String>getAs(MultirefSpark.REASON))
        .isEqualTo("column 'ref_chosen_logps': has 2 references but the first pair has 3");
  }

  @Test
  void anEarlierOutputIsReplacedWhole() throws Exception {
    Path in = prompts(List.of());
    Path out = dir.resolve("out");
    Files.createDirectories(out);
    Files.writeString(out.resolve("part-stale.parquet"), "not parquet");
    Run r = run("solve", "--input", in.toString(), "--output", out.toString(), "--beta", "1");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(out.resolve("part-stale.parquet")).doesNotExist();
    assertThat(spark.read().parquet(out.toString()).count()).isEqualTo(40);
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void outputNamesWithGlobCharactersAreTakenLiterally() {
    Path in = prompts(List.of(prompt("nan", List.of(Double.NaN), List.of(List.of(-1.0)))));
    Path out = dir.resolve("out[1]{a,b}*?");
    Path bad = dir.resolve("bad[2]");
    Run r = run("solve", "--input", in.toString(), "--output", out.toString(), "--beta", "1",
        "--bad-rows", bad.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("41 rows read, 40 written");
    assertThat(out.resolve("_SUCCESS")).exists();
    assertThat(bad.resolve("_SUCCESS")).exists();
  }

  @Test
  void missingColumnsAndBadOptionsAreRefusedAtOnce() {
    Path in = dir.resolve("keys-only");
    spark.sql("SELECT 'p' AS prompt, array(1.0D) AS reward").write().parquet(in.toString());
    Run r = run("solve", "--input", in.toString(), "--output", dir.resolve("o").toString(),
        "--beta", "1");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("the input has no column 'ref_logprobs'; expected a list of"
        + " lists of numbers");
    Run beta = run("solve", "--input", in.toString(), "--output", dir.resolve("o").toString(),
        "--beta", "-1");
    assertThat(beta.err()).contains("beta must be finite and > 0, got -1.0");
  }

  @Test
  void aPluginDirectoryIsLoadedOnTheExecutors() throws Exception {
    Path jar = Path.of(System.getProperty("multiref.pluginJar"));
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.copy(jar, plugins.resolve(jar.getFileName()));
    Path in = SparkTestSupport.oneParquetFile(SparkTestSupport.pairs(spark, 500, 3, 8),
        dir.resolve("pairs"));
    Path cli = dir.resolve("cli.parquet");
    SparkTestSupport.cli(dir, "dpo-score", "--plugin-dir", plugins.toString(), "--input",
        in.toString(), "--output", cli.toString(), "--beta", "0.3", "--divergence",
        "neyman-chi2");
    Path out = dir.resolve("scored");
    Run r = run("dpo-score", "--plugin-dir", plugins.toString(), "--input", in.toString(),
        "--output", out.toString(), "--beta", "0.3", "--divergence", "neyman-chi2",
        "--partitions", "4");
    assertThat(r.code()).as(r.err()).isZero();
    Map<String, Row> expected = SparkTestSupport.byKey(spark.read().parquet(cli.toString()),
        "prompt");
    Map<String, Row> actual = SparkTestSupport.byKey(spark.read().parquet(out.toString()),
        "prompt");
    assertThat(actual.keySet()).isEqualTo(expected.keySet()).hasSize(500);
    for (String key : expected.keySet()) {
      SparkTestSupport.assertSameBits(expected.get(key), actual.get(key), new String[] {"loss",
          "logit", "grad_chosen", "grad_rejected", "chosen_reward", "rejected_reward"});
    }
  }

  /** Temporary or set-aside directories left beside the outputs. */
  private List<Path> leftovers() {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().contains(".multiref-")).toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

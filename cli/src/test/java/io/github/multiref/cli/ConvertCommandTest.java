package io.github.multiref.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.multiref.referee.DuckDbTests;
import io.github.multiref.rewards.io.JsonLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code convert}: JSONL -> Parquet -> JSONL keeps every number's bits and gives the same bytes
 * every time round, the commands give the same bytes from either form, and DuckDB reads the
 * Parquet form.
 */
class ConvertCommandTest extends DuckDbTests {

  @TempDir Path tmp;

  private Path fixture(String name) throws IOException {
    return CliTests.fixture(tmp, "/" + name);
  }

  private static void run(String... args) {
    CliTests.ok(args);
  }

  private void convert(Path from, Path to) {
    run("convert", "--input", from.toString(), "--output", to.toString());
  }

  /** Every number of every line of b has the bits of a's, field by field. */
  private static void assertSameNumbers(Path a, Path b) throws IOException {
    List<String> x = Files.readAllLines(a);
    List<String> y = Files.readAllLines(b);
    assertThat(y).hasSameSizeAs(x);
    for (int i = 0; i < x.size(); i++) {
      assertSameNumbers(JsonLine.MAPPER.readTree(x.get(i)), JsonLine.MAPPER.readTree(y.get(i)));
    }
  }

  private static void assertSameNumbers(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isArray() && b.size() == 1) { // one reference becomes a list of one
      assertSameNumbers(a, b.get(0));
    } else if (a.isNumber()) {
      assertThat(Double.doubleToRawLongBits(b.doubleValue()))
          .isEqualTo(Double.doubleToRawLongBits(a.doubleValue()));
    } else if (a.isContainerNode()) {
      a.fieldNames().forEachRemaining(f -> assertSameNumbers(a.get(f), b.get(f)));
      for (int i = 0; a.isArray() && i < a.size(); i++) {
        assertSameNumbers(a.get(i), b.get(i));
      }
    } else {
      assertThat(b).isEqualTo(a);
    }
  }

  @Test
  void promptsRoundTripAndSolveTheSame() throws Exception {
    Path jsonl = fixture("solve/input.jsonl");
    Path table = tmp.resolve("prompts.parquet");
    Path back = tmp.resolve("back.jsonl");
    convert(jsonl, table);
    convert(table, back);
    assertSameNumbers(jsonl, back);
    Path again = tmp.resolve("again.parquet");
    Path twice = tmp.resolve("twice.jsonl");
    convert(back, again);
    convert(again, twice);
    assertThat(Files.readString(twice)).isEqualTo(Files.readString(back));
    assertThat(duck.strings("SELECT sum(len(ref_logprobs)) || ' ' || sum(len(reward)) FROM '"
        + table + "'")).containsExactly("36 65");
    Path a = tmp.resolve("a.jsonl");
    Path b = tmp.resolve("b.jsonl");
    run("solve", "--input", jsonl.toString(), "--beta", "0.3", "--output", a.toString());
    run("solve", "--input", table.toString(), "--beta", "0.3", "--output", b.toString());
    assertThat(Files.readString(b)).isEqualTo(Files.readString(a));
  }

  @Test
  void pairsRoundTripAndScoreTheSame() throws Exception {
    Path jsonl = fixture("dpo/pairs.jsonl");
    Path table = tmp.resolve("pairs.parquet");
    Path back = tmp.resolve("back.jsonl");
    convert(jsonl, table);
    convert(table, back);
    assertSameNumbers(jsonl, back);
    Path a = tmp.resolve("a.jsonl");
    Path b = tmp.resolve("b.jsonl");
    run("dpo-score", "--input", jsonl.toString(), "--beta", "0.2", "--output", a.toString());
    run("dpo-score", "--input", table.toString(), "--beta", "0.2", "--output", b.toString());
    assertThat(Files.readString(b)).isEqualTo(Files.readString(a));
    // a TRL table (one reference, no policy columns) keeps its rows; its references become lists
    Path trl = tmp.resolve("trl.jsonl");
    Files.writeString(trl, "{\"prompt\": \"p\", \"chosen\": \"c\", \"rejected\": \"r\","
        + " \"ref_chosen_logps\": -120.5, \"ref_rejected_logps\": -130.25}\n");
    Path trlTable = tmp.resolve("trl.parquet");
    convert(trl, trlTable);
    assertThat(duck.strings("SELECT ref_chosen_logps::VARCHAR || ' ' || (chosen_logps IS NULL)"
        + " FROM '" + trlTable + "'")).containsExactly("[-120.5] true");
  }

  /**
   * Prompts with a zero-mass response (a reference at -Infinity, so the policy is -Infinity
   * there), a prompt JSON spells with escapes, and one without responses.
   */
  private Path zeroMassPrompts() throws IOException {
    Path p = tmp.resolve("zero.jsonl");
    Files.writeString(p, "{\"prompt\": \"caf\\u00e9 \\\"q\\\"\", \"responses\": [\"a\", \"b\","
        + " \"c\"], \"reward\": [1.5, -0.25, 3.0], \"ref_logprobs\": [[-120.5, -Infinity,"
        + " -130.75], [-121.0, -Infinity, -300.0]]}\n"
        + "{\"prompt\": \"p2\", \"responses\": [\"x\", \"y\"], \"reward\": [0.1, 0.2],"
        + " \"ref_logprobs\": [[-50.0, -400.0], [-55.0, -380.0]]}\n");
    return p;
  }

  /**
   * A command's own Parquet output, converted, is its own JSONL output byte for byte, and so is
   * that JSONL converted to Parquet and back; returns the Parquet converted from the JSONL.
   */
  private Path assertRoundTrips(Path jsonl, Path parquet) throws IOException {
    assertConvertsTo(parquet, jsonl);
    Path again = tmp.resolve("again.parquet");
    Path twice = tmp.resolve("twice.jsonl");
    convert(jsonl, again);
    convert(again, twice);
    assertThat(Files.readString(twice)).isEqualTo(Files.readString(jsonl));
    return again;
  }

  /** {@code parquet}, converted to JSONL, is {@code jsonl} byte for byte; returns its text. */
  private String assertConvertsTo(Path parquet, Path jsonl) throws IOException {
    Path fromParquet = tmp.resolve("from-parquet.jsonl");
    convert(parquet, fromParquet);
    assertThat(Files.readString(fromParquet)).isEqualTo(Files.readString(jsonl));
    return Files.readString(fromParquet);
  }

  /**
   * Runs {@code command} with a Parquet and a JSONL output and checks that the Parquet, converted,
   * is the JSONL byte for byte; returns its text.
   */
  private String assertOutputsAgree(String name, String... command) throws IOException {
    Path parquet = tmp.resolve(name + ".parquet");
    Path jsonl = tmp.resolve(name + ".jsonl");
    run(CliTests.with(command, "--output", parquet.toString()));
    run(CliTests.with(command, "--output", jsonl.toString()));
    return assertConvertsTo(parquet, jsonl);
  }

  @Test
  void solveOutputsRoundTripToTheBytesSolveWrites() throws Exception {
    for (Path input : List.of(fixture("solve/input.jsonl"), zeroMassPrompts())) {
      // the general solver's output has a null upper_bound, the reverse-KL one a null lambda
      for (String divergence : List.of("reverse-kl", "forward-kl", "squared-hellinger")) {
        Path jsonl = tmp.resolve("solved.jsonl");
        Path parquet = tmp.resolve("solved.parquet");
        String[] solve = {"solve", "--input", input.toString(), "--beta", "0.3", "--divergence",
            divergence, "--weights", input.toString().endsWith("zero.jsonl") ? "0.3,0.7"
                : "0.5,0.3,0.2"};
        run(CliTests.with(solve, "--output", jsonl.toString()));
        run(CliTests.with(solve, "--output", parquet.toString()));
        Path again = assertRoundTrips(jsonl, parquet);
        // DuckDB reads the converted table as solve wrote it
        assertThat(duck.strings("SELECT string_agg(prompt || ':' || len(policy_logprobs) || ':'"
            + " || (\"lambda\" IS NULL) || ':' || (upper_bound IS NULL), '|' ORDER BY prompt) FROM '"
            + again + "'")).isEqualTo(duck.strings("SELECT string_agg(prompt || ':'"
                + " || len(policy_logprobs) || ':' || (\"lambda\" IS NULL) || ':'"
                + " || (upper_bound IS NULL), '|' ORDER BY prompt) FROM '" + parquet + "'"));
      }
    }
    assertThat(Files.readString(tmp.resolve("twice.jsonl"))).contains("-Infinity")
        .contains("\"upper_bound\":null");
  }

  @Test
  void solveOutputOfATableWithoutResponsesKeepsItsNullResponses() throws Exception {
    Path prompts = tmp.resolve("prompts.parquet");
    duck.sql("COPY (SELECT 'p' AS prompt, [0.5, 1.5] AS reward, [[-60.0, -70.0]] AS"
        + " ref_logprobs) TO '" + prompts + "' (FORMAT parquet)");
    assertThat(assertOutputsAgree("solved", "solve", "--input", prompts.toString(), "--beta",
        "0.5")).doesNotContain("responses");
  }

  @Test
  void dpoScoresRoundTripToTheBytesDpoScoreWrites() throws Exception {
    Path pairs = fixture("dpo/pairs.jsonl");
    Path jsonl = tmp.resolve("scores.jsonl");
    Path parquet = tmp.resolve("scores.parquet");
    String[] score = {"dpo-score", "--input", pairs.toString(), "--beta", "0.2"};
    run(CliTests.with(score, "--output", jsonl.toString()));
    run(CliTests.with(score, "--output", parquet.toString()));
    Path again = assertRoundTrips(jsonl, parquet);
    assertThat(duck.strings("SELECT count(*) || ' ' || sum(loss) FROM '" + again + "'"))
        .isEqualTo(duck.strings("SELECT count(*) || ' ' || sum(loss) FROM '" + parquet + "'"));
    // scores of a Parquet input without keys stay without keys
    Path keyless = tmp.resolve("keyless.parquet");
    duck.sql("COPY (SELECT -10.0 AS chosen_logps, -12.5 AS rejected_logps, [-11.0, -9.5]"
        + " AS ref_chosen_logps, [-12.0, -13.0] AS ref_rejected_logps) TO '" + keyless
        + "' (FORMAT parquet)");
    assertThat(assertOutputsAgree("keyless-scores", "dpo-score", "--input", keyless.toString(),
        "--beta", "0.2")).startsWith("{\"loss\":");
  }

  @Test
  void refusesResultTablesItCouldNotWriteBackWhole() throws Exception {
    Path out = tmp.resolve("out.parquet");
    Path extra = tmp.resolve("extra.jsonl");
    Files.writeString(extra, "{\"prompt\": \"p\", \"policy_logprobs\": [-0.5], \"objective\":"
        + " 1.0, \"note\": \"x\"}\n");
    CliTests.assertRefused("line 1: field 'note' is not a column of a solutions table (prompt,"
        + " responses, policy_logprobs, reference_logprobs, objective, upper_bound, lambda)",
        "convert", "--input", extra.toString(), "--output", out.toString());
    Path lengths = tmp.resolve("lengths.jsonl");
    Files.writeString(lengths, "{\"prompt\": \"p\", \"policy_logprobs\": [-0.5, -1.0],"
        + " \"objective\": 1.0}\n{\"prompt\": \"q\", \"policy_logprobs\": [-0.5, -1.0],"
        + " \"reference_logprobs\": [-0.25], \"objective\": 1.0}\n");
    CliTests.assertRefused("line 2: field 'reference_logprobs' has 1 entries but"
        + " 'policy_logprobs' has 2", "convert", "--input", lengths.toString(), "--output",
        out.toString());
    Path nan = tmp.resolve("nan.parquet");
    duck.sql("COPY (SELECT * FROM (VALUES ('p', [-0.5], 1.0, 2.0), ('q', [-0.5], 1.0,"
        + " 'NaN'::DOUBLE)) t(prompt, policy_logprobs, objective, upper_bound)) TO '" + nan
        + "' (FORMAT parquet)");
    CliTests.assertRefused("row 2, column 'upper_bound': NaN; expected a number or null",
        "convert", "--input", nan.toString(), "--output", tmp.resolve("out.jsonl").toString());
    Path inf = tmp.resolve("inf.parquet");
    duck.sql("COPY (SELECT 'p' AS prompt, [-0.5, 'inf'::DOUBLE] AS policy_logprobs, 1.0 AS"
        + " objective) TO '" + inf + "' (FORMAT parquet)");
    CliTests.assertRefused("row 1, column 'policy_logprobs': element 1 is Infinity; expected a"
        + " finite number or -Infinity", "convert", "--input", inf.toString(), "--output",
        tmp.resolve("out.jsonl").toString());
    Path stray = tmp.resolve("stray.parquet");
    duck.sql("COPY (SELECT 1.0 AS loss, 2.0 AS logit, 0.1 AS grad_chosen, 0.2 AS"
        + " grad_rejected, 0.3 AS chosen_reward, 0.4 AS rejected_reward, 7 AS extra) TO '" + stray
        + "' (FORMAT parquet)");
    CliTests.assertRefused(stray + " has column 'extra', which is not a column of a scores table"
        + " (prompt, chosen, rejected, loss, logit, grad_chosen, grad_rejected, chosen_reward,"
        + " rejected_reward)", "convert", "--input", stray.toString(), "--output",
        tmp.resolve("out.jsonl").toString());
  }

  @Test
  void refusesWhatItCannotTellOrRead() throws Exception {
    Path neither = tmp.resolve("x.jsonl");
    Files.writeString(neither, "{\"prompt\": \"p\"}\n");
    Path out = tmp.resolve("out.parquet");
    CliRunner.Result r = CliRunner.run("convert", "--input", neither.toString(), "--output",
        out.toString());
    assertThat(r.err()).isEqualTo("multiref: error: " + neither + " has none of ref_logprobs"
        + " (prompts), ref_chosen_logps (pairs), policy_logprobs (solutions), loss (scores),"
        + " features (features), nor chosen and rejected (preferences); say which with --table"
        + " prompts, pairs, solutions, scores, features or preferences" + System.lineSeparator());
    Path bad = tmp.resolve("bad.jsonl");
    Files.writeString(bad, "{\"prompt\": \"p\", \"responses\": [\"a\"], \"reward\": [1],"
        + " \"ref_logprobs\": [[-1]]}\n{\"prompt\": \"q\", \"responses\": [\"a\"], \"reward\":"
        + " [NaN], \"ref_logprobs\": [[-1]]}\n");
    r = CliRunner.run("convert", "--input", bad.toString(), "--output", out.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("multiref: error: line 2: field 'reward[0]' is NaN; expected a"
        + " finite number" + System.lineSeparator());
    assertThat(out).doesNotExist();
  }

  /**
   * fit-reward's two inputs, its preference pairs (prompt, chosen, rejected only) and its
   * features: converted both ways with every bit, and the fit is the same from either form.
   */
  @Test
  void fitRewardsInputsRoundTripAndFitTheSame() throws Exception {
    Path pairs = tmp.resolve("pairs.jsonl");
    Path features = tmp.resolve("features.jsonl");
    StringBuilder p = new StringBuilder();
    java.util.SplittableRandom random = new java.util.SplittableRandom(5);
    for (int i = 0; i < 400; i++) {
      int x = random.nextInt(3);
      int a = random.nextInt(4);
      int b = (a + 1 + random.nextInt(3)) % 4;
      p.append("{\"prompt\":\"q\\u00e9").append(x).append("\",\"chosen\":\"y").append(a)
          .append("\",\"rejected\":\"y").append(b).append("\"}\n");
    }
    Files.writeString(pairs, p);
    StringBuilder f = new StringBuilder();
    for (int x = 0; x < 3; x++) {
      for (int y = 0; y < 4; y++) {
        f.append("{\"prompt\":\"q\u00e9").append(x).append("\",\"response\":\"y").append(y)
            .append("\",\"features\":[").append(random.nextDouble() - 0.5).append(',')
            .append(-1e-300 * random.nextDouble()).append(',').append(y == x ? 1.0 : 0.0)
            .append("]}\n");
      }
    }
    Files.writeString(features, f);
    Path pairsTable = roundTrip(pairs, "pairs");
    Path featuresTable = roundTrip(features, "features");
    assertThat(Files.readAllLines(tmp.resolve("pairs-back.jsonl"))).hasSize(400);
    assertThat(duck.strings("SELECT count(*) || ' ' || sum(len(features)) FROM '" + featuresTable
        + "'")).containsExactly("12 36");
    for (String[] model : new String[][] {{"--class", "tabular"}, {"--class", "linear",
        "--features"}}) {
      Path a = tmp.resolve("a.json");
      Path b = tmp.resolve("b.json");
      List<String> common = List.of("fit-reward", "--output");
      run(args(common, a, pairs, model, features));
      run(args(common, b, pairsTable, model, featuresTable));
      assertThat(Files.readString(b)).isEqualTo(Files.readString(a));
    }
    Path bad = tmp.resolve("bad.parquet");
    duck.sql("COPY (SELECT 'q' AS prompt, 'y' AS response, [1.0, '-inf'::DOUBLE] AS features) TO '"
        + bad + "' (FORMAT parquet)");
    CliTests.assertRefused("row 1, column 'features': element 1 is -Infinity; expected a finite"
        + " number", "convert", "--input", bad.toString(), "--output",
        tmp.resolve("out.jsonl").toString());
    Path scored = tmp.resolve("scored.jsonl");
    Files.writeString(scored, "{\"prompt\":\"q\",\"chosen\":\"a\",\"rejected\":\"b\","
        + "\"chosen_logps\":-1.5}\n");
    CliTests.assertRefused("line 1: field 'chosen_logps' is not a column of a preferences table"
        + " (prompt, chosen, rejected)", "convert", "--input", scored.toString(), "--output",
        tmp.resolve("out.parquet").toString());
  }

  /** JSONL to NAME.parquet and back to NAME-back.jsonl, every number kept; the Parquet table. */
  private Path roundTrip(Path jsonl, String name) throws IOException {
    Path table = tmp.resolve(name + ".parquet");
    Path back = tmp.resolve(name + "-back.jsonl");
    convert(jsonl, table);
    convert(table, back);
    assertSameNumbers(jsonl, back);
    return table;
  }

  private static String[] args(List<String> common, Path out, Path pairs, String[] model,
      Path features) {
    List<String> a = new java.util.ArrayList<>(common);
    a.add(out.toString());
    a.add("--pairs");
    a.add(pairs.toString());
    a.addAll(List.of(model));
    if (model.length == 3) {
      a.add(features.toString());
    }
    return a.toArray(new String[0]);
  }
}

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
 * {@code dpo-score} on Parquet: the same bytes as from JSONL whatever the input's format, threads
 * and batch size; the Parquet output read back by DuckDB with the same bits as the JSONL output;
 * bad tables refused with the row and the column, and nothing written.
 */
class DpoScoreParquetTest extends DuckDbTests {

  @TempDir Path tmp;

  private Path fixture() throws IOException {
    return CliTests.fixture(tmp, "/dpo/pairs.jsonl");
  }

  private static CliRunner.Result score(Path in, Path out, String... more) {
    return CliTests.ok(CliTests.with(new String[] {"dpo-score", "--input", in.toString(),
        "--output", out.toString(), "--beta", "0.1"}, more));
  }

  @Test
  void parquetInputGivesTheSameBytesAsJsonlForAnyThreadsAndBatch() throws Exception {
    Path jsonl = fixture();
    Path parquet = tmp.resolve("pairs.parquet");
    // 40 pairs in row groups of DuckDB's minimum, so batches cross row groups
    duck.sql("COPY (SELECT * FROM read_json('" + jsonl + "')) TO '" + parquet
        + "' (FORMAT parquet, ROW_GROUP_SIZE 16)");
    Path fromJsonl = tmp.resolve("a.jsonl");
    score(jsonl, fromJsonl, "--weights", "0.2,0.3,0.5");
    for (String[] run : new String[][] {{"1", "65536"}, {"3", "7"}, {"2", "1"}}) {
      Path fromParquet = tmp.resolve("b" + run[0] + run[1] + ".jsonl");
      score(parquet, fromParquet, "--weights", "0.2,0.3,0.5", "--threads", run[0], "--batch",
          run[1]);
      assertThat(Files.readString(fromParquet)).isEqualTo(Files.readString(fromJsonl));
    }
    // Parquet out too: batches written while the next fills, columns encoded at once; same file
    Path whole = tmp.resolve("whole.parquet");
    score(parquet, whole, "--weights", "0.2,0.3,0.5");
    for (String[] run : new String[][] {{"3", "7"}, {"2", "1"}}) {
      Path batched = tmp.resolve("b" + run[0] + run[1] + ".parquet");
      score(parquet, batched, "--weights", "0.2,0.3,0.5", "--threads", run[0], "--batch",
          run[1]);
      assertThat(Files.mismatch(batched, whole)).isEqualTo(-1L);
    }
    assertThat(duck.strings("SELECT count(*) FROM '" + whole + "'")).containsExactly("40");
  }

  @Test
  void parquetOutputHoldsTheBitsOfTheJsonlOutput() throws Exception {
    Path jsonl = fixture();
    Path text = tmp.resolve("scores.jsonl");
    Path table = tmp.resolve("scores.parquet");
    score(jsonl, text, "--divergence", "forward-kl");
    score(jsonl, table, "--divergence", "forward-kl");
    List<String> lines = Files.readAllLines(text);
    List<String> prompts = duck.strings("SELECT prompt FROM '" + table + "'");
    assertThat(prompts).hasSize(40).startsWith("q0", "q1");
    for (String column : DpoScoreCommand.ParquetSink.SCORES) {
      List<Double> got = duck.doubles("SELECT " + column + " FROM '" + table + "'");
      for (int i = 0; i < lines.size(); i++) {
        JsonNode o = JsonLine.MAPPER.readTree(lines.get(i));
        assertThat(Double.doubleToRawLongBits(got.get(i))).as("%s row %d", column, i)
            .isEqualTo(Double.doubleToRawLongBits(o.get(column).doubleValue()));
      }
    }
    assertThat(duck.strings("SELECT count(*) FROM '" + table + "' WHERE chosen IS NULL"))
        .containsExactly("40"); // the fixture has no chosen column: null, not invented
  }

  @Test
  void keysWithNullsAndMultibyteTextAreCopiedAsTheyWere() throws Exception {
    // keys are copied from the input's pages undecoded: nulls stay null (absent in JSONL), every
    // string keeps its bytes, across row groups of DuckDB's minimum and any batch
    Path parquet = tmp.resolve("keys.parquet");
    duck.sql("COPY (SELECT CASE WHEN i % 7 = 3 THEN NULL ELSE 'Grüße, 世界 ' || i END AS prompt,"
        + " CASE WHEN i % 5 = 1 THEN NULL ELSE repeat('c', i % 40) END AS chosen,"
        + " 'r' || i AS rejected, -100.0 - i AS chosen_logps, -120.0 AS rejected_logps,"
        + " [-110.0, -90.0 - i] AS ref_chosen_logps, [-115.0, -130.0] AS ref_rejected_logps"
        + " FROM range(100) t(i)) TO '" + parquet + "' (FORMAT parquet, ROW_GROUP_SIZE 16)");
    Path table = tmp.resolve("scores.parquet");
    Path text = tmp.resolve("scores.jsonl");
    score(parquet, table, "--batch", "7", "--threads", "2");
    score(parquet, text, "--batch", "7", "--threads", "2");
    for (String key : new String[] {"prompt", "chosen", "rejected"}) {
      assertThat(duck.strings("SELECT count(*) FROM '" + table + "' s POSITIONAL JOIN '"
          + parquet + "' p WHERE s." + key + " IS NOT DISTINCT FROM p." + key))
          .as(key).containsExactly("100");
    }
    assertThat(duck.strings("SELECT count(*) FROM '" + table + "' WHERE prompt IS NULL"))
        .containsExactly("14");
    List<String> lines = Files.readAllLines(text);
    List<String> prompts = duck.strings("SELECT coalesce(prompt, '<null>') FROM '" + parquet
        + "'");
    for (int i = 0; i < 100; i++) {
      JsonNode o = JsonLine.MAPPER.readTree(lines.get(i));
      assertThat(o.has("prompt") ? o.get("prompt").asText() : "<null>").as("line %d", i)
          .isEqualTo(prompts.get(i));
      assertThat(o.has("chosen")).as("line %d", i).isEqualTo(i % 5 != 1);
    }
  }

  @Test
  void trlSingleReferenceTablesWithFloatColumnsAreWidened() throws Exception {
    Path parquet = tmp.resolve("trl.parquet");
    duck.sql("COPY (SELECT 'p' || i AS prompt, 'c' || i AS chosen, 'r' || i AS rejected,"
        + " (-100 - i * 0.5)::FLOAT AS chosen_logps, (-120 - i)::FLOAT AS rejected_logps,"
        + " (-110 + i * 0.25)::FLOAT AS ref_chosen_logps,"
        + " (-115 - i * 0.75)::FLOAT AS ref_rejected_logps FROM range(300) t(i)) TO '"
        + parquet + "' (FORMAT parquet)");
    Path jsonl = tmp.resolve("trl.jsonl");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 300; i++) { // the same values, exactly representable in float and text
      b.append("{\"prompt\":\"p").append(i).append("\",\"chosen\":\"c").append(i)
          .append("\",\"rejected\":\"r").append(i).append("\",\"chosen_logps\":")
          .append(-100 - i * 0.5).append(",\"rejected_logps\":").append(-120 - i)
          .append(",\"ref_chosen_logps\":").append(-110 + i * 0.25)
          .append(",\"ref_rejected_logps\":").append(-115 - i * 0.75).append("}\n");
    }
    Files.writeString(jsonl, b);
    Path a = tmp.resolve("a.jsonl");
    Path c = tmp.resolve("c.jsonl");
    score(jsonl, a);
    score(parquet, c);
    assertThat(Files.readString(c)).isEqualTo(Files.readString(a)).contains("\"chosen\":\"c7\"");
  }

  private void assertRefused(String message, String select) throws Exception {
    Path in = tmp.resolve("bad.parquet");
    Files.deleteIfExists(in);
    duck.sql("COPY (" + select + ") TO '" + in + "' (FORMAT parquet, ROW_GROUP_SIZE 16)");
    CliTests.assertRefused(message, "dpo-score", "--input", in.toString(), "--output",
        tmp.resolve("out.parquet").toString(), "--beta", "0.1", "--batch", "5");
  }

  private static String pairs(String chosen, String refChosen, String refRejected) {
    return "SELECT 'p' || i AS prompt, " + chosen + " AS chosen_logps, -2.0 AS rejected_logps, "
        + refChosen + " AS ref_chosen_logps, " + refRejected + " AS ref_rejected_logps"
        + " FROM range(40) t(i)";
  }

  @Test
  void refusesBadValuesWithTheRowTheColumnAndTheValue() throws Exception {
    assertRefused("row 34, column 'chosen_logps': NaN; expected a finite log-probability <= 0",
        pairs("CASE WHEN i = 33 THEN 'nan'::DOUBLE ELSE -1.0 END", "[-1.0, -2.0]",
            "[-1.5, -2.5]"));
    assertRefused("row 21, column 'ref_rejected_logps': Infinity; expected a finite"
        + " log-probability <= 0", pairs("-1.0", "[-1.0, -2.0]",
            "CASE WHEN i = 20 THEN [-1.0, 'inf'::DOUBLE] ELSE [-1.5, -2.5] END"));
    assertRefused("row 1, column 'ref_chosen_logps': 0.5; expected a finite log-probability <= 0"
        + " (up to 1.0E-12 above 0 is taken as rounding)", pairs("-1.0", "[0.5, -2.0]",
            "[-1.5, -2.5]"));
    assertRefused("row 17, column 'chosen_logps': null; expected a number",
        pairs("CASE WHEN i = 16 THEN NULL ELSE -1.0 END", "[-1.0, -2.0]", "[-1.5, -2.5]"));
    assertRefused("row 40, column 'ref_rejected_logps': has 1 references but 'ref_chosen_logps'"
        + " has 2", pairs("-1.0", "[-1.0, -2.0]",
            "CASE WHEN i = 39 THEN [-1.5] ELSE [-1.5, -2.5] END"));
    assertRefused("row 9, column 'ref_chosen_logps': has 3 references but earlier rows have 2",
        pairs("-1.0", "CASE WHEN i = 8 THEN [-1.0, -2.0, -3.0] ELSE [-1.0, -2.0] END",
            "CASE WHEN i = 8 THEN [-1.0, -2.0, -3.0] ELSE [-1.0, -2.0] END"));
    assertRefused("row 5, column 'ref_chosen_logps': an empty list; expected K >= 1 numbers",
        pairs("-1.0", "CASE WHEN i = 4 THEN []::DOUBLE[] ELSE [-1.0] END", "[-1.0]"));
    assertRefused("row 3, column 'ref_chosen_logps': element 0 is null; expected a number",
        pairs("-1.0", "CASE WHEN i = 2 THEN [NULL, -1.0] ELSE [-1.0, -1.0] END",
            "[-1.0, -1.0]"));
    Path bad = tmp.resolve("bad.parquet");
    assertRefused(bad + " has no column 'rejected_logps'; a pairs table needs chosen_logps,"
        + " rejected_logps, ref_chosen_logps, ref_rejected_logps",
        "SELECT -1.0 AS chosen_logps, [-1.0] AS ref_chosen_logps, [-1.0] AS ref_rejected_logps");
  }

  @Test
  void refusesFormatsItCannotUse() throws Exception {
    Path jsonl = fixture();
    CliRunner.Result r = CliRunner.run("dpo-score", "--input", jsonl.toString(), "--beta", "0.1",
        "--format", "parquet");
    assertThat(r.err()).contains("Parquet output needs --output FILE");
    r = CliRunner.run("dpo-score", "--input", jsonl.toString(), "--beta", "0.1", "--format",
        "xml");
    assertThat(r.err()).contains("--format xml: expected jsonl, parquet or csv");
    r = CliRunner.run("dpo-score", "--input", jsonl.toString(), "--beta", "0.1",
        "--input-format", "parquet");
    assertThat(r.err()).contains(jsonl + " is not a readable Parquet file");
    assertThat(r.exitCode()).isEqualTo(1);
  }
}

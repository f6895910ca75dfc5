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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code solve} on Parquet: the same bytes from a Parquet input as from the JSONL it was made of
 * (by DuckDB), the Parquet output holding the JSONL output's bits, and bad tables refused with the
 * row and the column, nothing written.
 */
class SolveParquetTest extends DuckDbTests {

  @TempDir Path tmp;

  private Path fixture() throws IOException {
    return CliTests.fixture(tmp, "/solve/input.jsonl");
  }

  private static void solve(Path in, Path out, String... more) {
    CliTests.ok(CliTests.with(new String[] {"solve", "--input", in.toString(), "--output",
        out.toString(), "--beta", "0.25"}, more));
  }

  @ParameterizedTest
  @ValueSource(strings = {"reverse-kl", "forward-kl", "alpha:a=0.5"})
  void parquetInputGivesTheSameBytesAsJsonl(String divergence) throws Exception {
    Path jsonl = fixture();
    Path parquet = tmp.resolve("input.parquet");
    duck.sql("COPY (SELECT * FROM read_json('" + jsonl + "')) TO '" + parquet
        + "' (FORMAT parquet, ROW_GROUP_SIZE 2)");
    Path a = tmp.resolve("a.jsonl");
    Path b = tmp.resolve("b.jsonl");
    solve(jsonl, a, "--weights", "0.2,0.3,0.5", "--divergence", divergence);
    solve(parquet, b, "--weights", "0.2,0.3,0.5", "--divergence", divergence, "--batch", "5", "--threads", "2");
    assertThat(Files.readString(b)).isEqualTo(Files.readString(a)).hasLineCount(12);
    Path c = tmp.resolve("c.csv");
    Path d = tmp.resolve("d.csv");
    solve(jsonl, c, "--weights", "0.2,0.3,0.5", "--divergence", divergence);
    solve(parquet, d, "--weights", "0.2,0.3,0.5", "--divergence", divergence);
    assertThat(Files.readString(d)).isEqualTo(Files.readString(c)).startsWith("prompt,");
  }

  @ParameterizedTest
  @ValueSource(strings = {"reverse-kl", "forward-kl"})
  void parquetOutputHoldsTheBitsOfTheJsonlOutput(String divergence) throws Exception {
    Path jsonl = fixture();
    Path text = tmp.resolve("out.jsonl");
    Path table = tmp.resolve("out.parquet");
    solve(jsonl, text, "--weights", "0.2,0.3,0.5", "--divergence", divergence);
    solve(jsonl, table, "--weights", "0.2,0.3,0.5", "--divergence", divergence);
    List<String> lines = Files.readAllLines(text);
    String from = " FROM '" + table + "'";
    List<double[]> policy = duck.lists("SELECT policy_logprobs" + from);
    List<double[]> reference = duck.lists("SELECT reference_logprobs" + from);
    List<String> prompts = duck.strings("SELECT prompt" + from);
    List<String> responses = duck.strings("SELECT responses[2]" + from);
    assertThat(policy).hasSize(12);
    for (int i = 0; i < lines.size(); i++) {
      JsonNode o = JsonLine.MAPPER.readTree(lines.get(i));
      assertThat(prompts.get(i)).isEqualTo(o.get("prompt").textValue());
      assertThat(responses.get(i)).isEqualTo(o.get("responses").get(1).textValue());
      assertBits(policy.get(i), o.get("policy_logprobs"));
      assertBits(reference.get(i), o.get("reference_logprobs"));
      for (String column : List.of("objective", "upper_bound", "lambda")) {
        Double got = duck.doubles("SELECT \"" + column + "\"" + from + " LIMIT 1 OFFSET " + i)
            .get(0);
        if (o.get(column).isNull()) {
          assertThat(got).as(column).isNull();
        } else {
          assertThat(Double.doubleToRawLongBits(got)).as(column)
              .isEqualTo(Double.doubleToRawLongBits(o.get(column).doubleValue()));
        }
      }
    }
  }

  private static void assertBits(double[] got, JsonNode want) {
    assertThat(got).hasSize(want.size());
    for (int y = 0; y < got.length; y++) {
      assertThat(Double.doubleToRawLongBits(got[y]))
          .isEqualTo(Double.doubleToRawLongBits(want.get(y).doubleValue()));
    }
  }

  @Test
  void readsFloatColumnsZeroMassAndTablesWithoutResponses() throws Exception {
    Path parquet = tmp.resolve("f.parquet");
    duck.sql("COPY (SELECT 'q' || i AS prompt, [1.0, 0.5, 0.25]::FLOAT[] AS reward,"
        + " [[-120.5, -130.25, '-inf'::DOUBLE], [-300.0, -150.5, -140.0]]::FLOAT[][]"
        + " AS ref_logprobs"
        + " FROM range(3) t(i)) TO '" + parquet + "' (FORMAT parquet)");
    Path jsonl = tmp.resolve("f.jsonl");
    String line = "{\"prompt\": \"q%d\", \"responses\": [\"0\", \"1\", \"2\"], \"reward\": [1.0,"
        + " 0.5, 0.25], \"ref_logprobs\": [[-120.5, -130.25, -Infinity], [-300.0, -150.5,"
        + " -140.0]]}\n";
    Files.writeString(jsonl, String.format(line, 0) + String.format(line, 1)
        + String.format(line, 2));
    Path a = tmp.resolve("a.jsonl");
    Path b = tmp.resolve("b.jsonl");
    solve(jsonl, a, "--weights", "0.5,0.5");
    solve(parquet, b, "--weights", "0.5,0.5");
    // the same numbers; the table without responses gives none
    assertThat(Files.readString(b)).isEqualTo(Files.readString(a)
        .replace("\"responses\":[\"0\",\"1\",\"2\"],", ""));
  }

  private void assertRefused(String message, String select) throws Exception {
    Path in = tmp.resolve("bad.parquet");
    Files.deleteIfExists(in);
    duck.sql("COPY (" + select + ") TO '" + in + "' (FORMAT parquet, ROW_GROUP_SIZE 16)");
    CliTests.assertRefused(message, "solve", "--input", in.toString(), "--output",
        tmp.resolve("out.parquet").toString(), "--beta", "0.1", "--batch", "4");
  }

  private static String prompts(String reward, String refs) {
    return "SELECT 'q' || i AS prompt, " + reward + " AS reward, " + refs + " AS ref_logprobs"
        + " FROM range(40) t(i)";
  }

  @Test
  void refusesBadTablesWithTheRowAndTheColumn() throws Exception {
    String refs = "[[-1.0, -2.0], [-3.0, -1.5]]";
    assertRefused("row 30, column 'reward': element 1 is NaN; expected a finite number",
        prompts("CASE WHEN i = 29 THEN [1.0, 'nan'::DOUBLE] ELSE [1.0, 2.0] END", refs));
    assertRefused("row 7, column 'ref_logprobs': list 1, element 0 is Infinity; expected a"
        + " log-probability <= 0 (-Infinity for zero mass)", prompts("[1.0, 2.0]",
            "CASE WHEN i = 6 THEN [[-1.0, -2.0], ['inf'::DOUBLE, -1.0]] ELSE " + refs + " END"));
    assertRefused("row 12, column 'ref_logprobs': list 0 has 3 entries but 'reward' has 2",
        prompts("[1.0, 2.0]", "CASE WHEN i = 11 THEN [[-1.0, -2.0, -3.0], [-1.0, -1.0]] ELSE "
            + refs + " END"));
    assertRefused("row 20, column 'ref_logprobs': has 1 references but earlier rows have 2",
        prompts("[1.0, 2.0]", "CASE WHEN i = 19 THEN [[-1.0, -2.0]] ELSE " + refs + " END"));
    assertRefused("row 2, column 'reward': element 0 is null; expected a number",
        prompts("CASE WHEN i = 1 THEN [NULL, 2.0] ELSE [1.0, 2.0] END", refs));
    assertRefused("row 1, column 'ref_logprobs[0]': gives no response positive probability",
        prompts("[1.0, 2.0]", "[['-inf', '-inf'::DOUBLE], [-1.0, -1.0]]"));
    assertRefused("row 5, column 'reward': has 2 entries but 'responses' has 1",
        "SELECT 'q' || i AS prompt, CASE WHEN i = 4 THEN ['a'] ELSE ['a', 'b'] END AS responses,"
            + " [1.0, 2.0] AS reward, " + refs + " AS ref_logprobs FROM range(8) t(i)");
    Path bad = tmp.resolve("bad.parquet");
    assertRefused(bad + " has no column 'ref_logprobs'; a prompts table needs prompt, reward and"
        + " ref_logprobs (responses is optional)", "SELECT 'q' AS prompt, [1.0] AS reward");
  }
}

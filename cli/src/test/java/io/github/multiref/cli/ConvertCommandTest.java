package io.github.multiref.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.multiref.io.DuckDbTests;
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

  @Test
  void refusesWhatItCannotTellOrRead() throws Exception {
    Path neither = tmp.resolve("x.jsonl");
    Files.writeString(neither, "{\"prompt\": \"p\"}\n");
    Path out = tmp.resolve("out.parquet");
    CliRunner.Result r = CliRunner.run("convert", "--input", neither.toString(), "--output",
        out.toString());
    assertThat(r.err()).isEqualTo("multiref: error: " + neither + " has neither ref_logprobs"
        + " (prompts) nor ref_chosen_logps (pairs); say which with --table prompts or --table"
        + " pairs" + System.lineSeparator());
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
}

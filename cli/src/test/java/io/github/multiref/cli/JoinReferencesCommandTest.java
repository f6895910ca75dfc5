package io.github.multiref.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiref.referee.DuckDbTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code join-references}: three single-reference tables, as TRL precomputes them (scalar float
 * columns, each file in its own order), against the K = 3 table built by hand; round trips through
 * Parquet; and every way the files can fail to match, refused with the first offending row.
 */
class JoinReferencesCommandTest extends DuckDbTests {

  @TempDir Path tmp;

  /** Reference k's log-probabilities of pair i, exact in float. */
  private static double refChosen(int k, long i) {
    return -100 - 0.5 * i - 8 * k;
  }

  private static double refRejected(int k, long i) {
    return -150 - 0.25 * i - 16 * k;
  }

  /** Reference k's table of n pairs in an order of its own, as DuckDB writes it. */
  private Path trlTable(int k, int n, String extra) throws SQLException {
    Path f = tmp.resolve("ref" + k + ".parquet");
    duck.sql("COPY (SELECT 'prompt ' || i AS prompt, 'chosen, ' || i AS chosen,"
        + " 'rejected \"' || i || '\"' AS rejected,"
        + " (-100 - 0.5 * i - 8 * " + k + ")::FLOAT AS ref_chosen_logps,"
        + " (-150 - 0.25 * i - 16 * " + k + ")::FLOAT AS ref_rejected_logps" + extra
        + " FROM range(" + n + ") t(i) ORDER BY hash(i + " + k + "))"
        + " TO '" + f + "' (FORMAT parquet, ROW_GROUP_SIZE 256)");
    return f;
  }

  private static CliRunner.Result join(String... args) {
    return CliRunner.run(CliTests.with(new String[] {"join-references"}, args));
  }

  @Test
  void threeTrlTablesEqualTheHandBuiltK3Table() throws Exception {
    int n = 1000;
    String policy = ", (-90 - i)::DOUBLE AS chosen_logps, (-140 - i)::DOUBLE AS rejected_logps";
    Path a = trlTable(0, n, policy);
    Path b = trlTable(1, n, "");
    Path c = trlTable(2, n, policy);
    Path out = tmp.resolve("joined.parquet");
    CliRunner.Result r = join(a.toString(), b.toString(), c.toString(), "--output",
        out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).contains("1000 pairs, 3 files, K = 3 references");
    String sorted = "FROM '" + out + "' ORDER BY CAST(split_part(prompt, ' ', 2) AS INTEGER)";
    List<double[]> rc = duck.lists("SELECT ref_chosen_logps " + sorted);
    List<double[]> rr = duck.lists("SELECT ref_rejected_logps " + sorted);
    List<Double> chosen = duck.doubles("SELECT chosen_logps " + sorted);
    List<String> rejected = duck.strings("SELECT rejected " + sorted);
    for (int i = 0; i < n; i++) {
      assertThat(rc.get(i)).containsExactly(refChosen(0, i), refChosen(1, i), refChosen(2, i));
      assertThat(rr.get(i)).containsExactly(refRejected(0, i), refRejected(1, i),
          refRejected(2, i));
      assertThat(chosen.get(i)).isEqualTo(-90.0 - i);
      assertThat(rejected.get(i)).isEqualTo("rejected \"" + i + "\"");
    }
    // the output keeps the first file's order
    assertThat(duck.strings("SELECT prompt FROM '" + out + "'"))
        .isEqualTo(duck.strings("SELECT prompt FROM '" + a + "'"));
  }

  @Test
  void jsonlAndParquetRoundTripToTheSameBytes() throws Exception {
    int n = 300;
    Path a = trlTable(0, n, ", -90.0 - i AS chosen_logps, -140.0 - i AS rejected_logps");
    Path b = trlTable(1, n, "");
    Path text = tmp.resolve("joined.jsonl");
    assertThat(join(a.toString(), b.toString(), "--output", text.toString()).exitCode())
        .isZero();
    Path table = tmp.resolve("again.parquet");
    Path back = tmp.resolve("back.jsonl");
    assertThat(join(text.toString(), "--output", table.toString()).exitCode()).isZero();
    assertThat(join(table.toString(), "--output", back.toString()).exitCode()).isZero();
    assertThat(Files.readString(back)).isEqualTo(Files.readString(text));
    // and the mixed join gives the same table as the all-Parquet one
    Path bText = tmp.resolve("b.jsonl");
    assertThat(join(b.toString(), "--output", bText.toString()).exitCode()).isZero();
    Path mixed = tmp.resolve("mixed.jsonl");
    assertThat(join(a.toString(), bText.toString(), "--output", mixed.toString()).exitCode())
        .isZero();
    assertThat(Files.readString(mixed)).isEqualTo(Files.readString(text));
    // dpo-score gives the same bytes from either
    Path s1 = tmp.resolve("s1.jsonl");
    Path s2 = tmp.resolve("s2.jsonl");
    CliRunner.run("dpo-score", "--input", text.toString(), "--beta", "0.1", "--output",
        s1.toString());
    CliRunner.run("dpo-score", "--input", table.toString(), "--beta", "0.1", "--output",
        s2.toString());
    assertThat(Files.readString(s2)).isEqualTo(Files.readString(s1)).hasLineCount(n);
  }

  private void assertRefused(String message, Path... inputs) throws Exception {
    String[] args = new String[inputs.length + 3];
    args[0] = "join-references";
    for (int i = 0; i < inputs.length; i++) {
      args[i + 1] = inputs[i].toString();
    }
    args[inputs.length + 1] = "--output";
    args[inputs.length + 2] = tmp.resolve("out.parquet").toString();
    CliTests.assertRefused(message, args);
  }

  private Path jsonl(String name, String... lines) throws Exception {
    Path p = tmp.resolve(name);
    Files.writeString(p, String.join("\n", lines) + "\n");
    return p;
  }

  private static String pair(String prompt, double chosen, double ref) {
    return "{\"prompt\":\"" + prompt + "\",\"chosen\":\"c\",\"rejected\":\"r\",\"chosen_logps\":"
        + chosen + ",\"rejected_logps\":-9.0,\"ref_chosen_logps\":" + ref
        + ",\"ref_rejected_logps\":-8.0}";
  }

  @Test
  void refusesTablesThatDoNotMatchOneToOne() throws Exception {
    Path a = jsonl("a.jsonl", pair("x", -1, -2), pair("y", -1, -2), pair("z", -1, -2));
    assertRefused(tmp.resolve("b.jsonl") + " line 2: the pair (prompt \"w\", chosen \"c\","
        + " rejected \"r\") is not in " + a,
        a, jsonl("b.jsonl", pair("y", -1, -3), pair("w", -1, -3)));
    assertRefused(tmp.resolve("b.jsonl") + " has no row for the pair (prompt \"z\", chosen \"c\","
        + " rejected \"r\") of " + a + " (line 3); the files must hold the same pairs",
        a, jsonl("b.jsonl", pair("y", -1, -3), pair("x", -1, -3)));
    assertRefused(tmp.resolve("b.jsonl") + " line 3: the pair (prompt \"y\", chosen \"c\","
        + " rejected \"r\") appears twice in " + tmp.resolve("b.jsonl"),
        a, jsonl("b.jsonl", pair("y", -1, -3), pair("x", -1, -3), pair("y", -1, -3)));
    assertRefused(tmp.resolve("d.jsonl") + " line 2: the pair (prompt \"x\", chosen \"c\","
        + " rejected \"r\") repeats line 1",
        jsonl("d.jsonl", pair("x", -1, -2), pair("x", -1, -2)));
    assertRefused(tmp.resolve("b.jsonl") + " line 1: 'chosen_logps' is -1.5 but " + a
        + " has -1.0 for the same pair",
        a, jsonl("b.jsonl", pair("z", -1.5, -3), pair("y", -1, -3), pair("x", -1, -3)));
    assertRefused(tmp.resolve("b.jsonl") + " line 2: 'ref_chosen_logps' has 2 references but"
        + " earlier lines have 1", a, jsonl("b.jsonl", pair("z", -1, -3),
            pair("y", -1, -3).replace("\"ref_chosen_logps\":-3.0", "\"ref_chosen_logps\":[-3,-4]")
                .replace("\"ref_rejected_logps\":-8.0", "\"ref_rejected_logps\":[-3,-4]")));
    assertRefused(tmp.resolve("b.jsonl") + " line 1: missing 'chosen'; join-references matches"
        + " pairs by (prompt, chosen, rejected)",
        a, jsonl("b.jsonl", pair("z", -1, -3).replace("\"chosen\":\"c\",", "")));
    Path noKeys = tmp.resolve("k.parquet");
    duck.sql("COPY (SELECT 'p' AS prompt, -1.0 AS ref_chosen_logps, -1.0 AS ref_rejected_logps)"
        + " TO '" + noKeys + "' (FORMAT parquet)");
    assertRefused(noKeys + " has no string column 'chosen'; join-references matches pairs by"
        + " (prompt, chosen, rejected)", noKeys);
  }
}

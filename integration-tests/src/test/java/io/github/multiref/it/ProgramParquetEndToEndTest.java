package io.github.multiref.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parquet through the program as users run it: the self-contained jar keeps only part of Hadoop's
 * API jar, so every Parquet path (write, read, each codec, the join) runs here in a process of its
 * own, with DuckDB on the other side of the file.
 */
class ProgramParquetEndToEndTest {

  @TempDir Path tmp;

  private static Path fixture(String name) {
    return Path.of(System.getProperty("multiref.cliFixtures"), name);
  }

  private Program.Result ok(String... args) throws Exception {
    Program.Result r = Program.run(tmp, args);
    assertThat(r.exitCode()).as(r.err()).isZero();
    return r;
  }

  private static String query(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      StringBuilder b = new StringBuilder();
      while (r.next()) {
        b.append(r.getString(1)).append('\n');
      }
      return b.toString();
    }
  }

  private static void sql(String statement) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  @Test
  void everyParquetPathOfTheJarGivesWhatJsonlGives() throws Exception {
    Path pairs = tmp.resolve("pairs.jsonl"); // the numpy twin's pairs, with the keys a join needs
    StringBuilder keyed = new StringBuilder();
    int i = 0;
    for (String line : Files.readAllLines(fixture("dpo/pairs.jsonl"))) {
      keyed.append("{\"chosen\": \"c").append(i).append("\", \"rejected\": \"r").append(i++)
          .append("\", ").append(line.substring(1)).append('\n');
    }
    Files.writeString(pairs, keyed);
    Path text = tmp.resolve("scores.jsonl");
    ok("dpo-score", "--input", pairs.toString(), "--beta", "0.1", "--output", text.toString());
    // JSONL to Parquet through join-references (one table), then scored from Parquet
    Path table = tmp.resolve("pairs.parquet");
    ok("join-references", pairs.toString(), "--output", table.toString());
    Path again = tmp.resolve("again.jsonl");
    ok("dpo-score", "--input", table.toString(), "--beta", "0.1", "--output", again.toString());
    assertThat(Files.readString(again)).isEqualTo(Files.readString(text));
    // each codec another writer uses, read by the jar
    for (String codec : new String[] {"snappy", "zstd", "gzip", "uncompressed"}) {
      Path c = tmp.resolve(codec + ".parquet");
      sql("COPY (SELECT * FROM '" + table + "') TO '" + c + "' (FORMAT parquet, COMPRESSION "
          + codec + ")");
      Path out = tmp.resolve(codec + ".jsonl");
      ok("dpo-score", "--input", c.toString(), "--beta", "0.1", "--output", out.toString());
      assertThat(Files.readString(out)).as(codec).isEqualTo(Files.readString(text));
    }
    // Parquet written by the jar, read by DuckDB
    Path scores = tmp.resolve("scores.parquet");
    ok("dpo-score", "--input", table.toString(), "--beta", "0.1", "--output", scores.toString());
    assertThat(query("SELECT count(*) FROM '" + scores + "' WHERE loss > 0")).isEqualTo("40\n");
    Path solved = tmp.resolve("solved.parquet");
    ok("solve", "--input", fixture("solve/input.jsonl").toString(), "--beta", "0.25",
        "--output", solved.toString());
    assertThat(query("SELECT count(*) || ' ' || sum(len(policy_logprobs)) FROM '" + solved
        + "' WHERE upper_bound IS NOT NULL AND \"lambda\" IS NULL")).isEqualTo("12 65\n");
  }

  @Test
  void aBadTableIsOneLineOfErrorAndNoFile() throws Exception {
    Path bad = tmp.resolve("bad.parquet");
    Files.write(bad, new byte[] {'P', 'A', 'R', '1', 0, 0, 0, 0, 'P', 'A', 'R', '1'});
    Path out = tmp.resolve("out.parquet");
    Program.Result r = Program.run(tmp, "dpo-score", "--input", bad.toString(), "--beta", "0.1",
        "--output", out.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err().lines()).singleElement().asString()
        .startsWith("multiref: error: " + bad + " is not a readable Parquet file");
    assertThat(out).doesNotExist();
  }
}

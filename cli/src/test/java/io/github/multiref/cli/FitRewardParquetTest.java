package io.github.multiref.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiref.referee.DuckDbTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fit-reward} from Parquet pairs and features: the same model, byte for byte, as JSONL. */
class FitRewardParquetTest extends DuckDbTests {

  @TempDir Path tmp;

  /** n pairs over 3 prompts and 4 responses, as JSONL, and the same rows as Parquet. */
  private Path[] pairs(int n) throws Exception {
    SplittableRandom rng = new SplittableRandom(11);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int x = rng.nextInt(3);
      int w = rng.nextInt(4);
      int l = (w + 1 + rng.nextInt(3)) % 4;
      b.append("{\"prompt\": \"q").append(x).append("\", \"chosen\": \"y").append(w)
          .append("\", \"rejected\": \"y").append(l).append("\"}\n");
    }
    Path jsonl = tmp.resolve("pairs.jsonl");
    Files.writeString(jsonl, b);
    Path parquet = tmp.resolve("pairs.parquet");
    duck.sql("COPY (SELECT * FROM read_json('" + jsonl + "')) TO '" + parquet
        + "' (FORMAT parquet, ROW_GROUP_SIZE 1024)");
    return new Path[] {jsonl, parquet};
  }

  private static String fit(String... args) {
    return CliTests.ok(CliTests.with(new String[] {"fit-reward"}, args)).out();
  }

  @Test
  void tabularAndLinearFitsAreTheSameFromParquet() throws Exception {
    Path[] p = pairs(5000);
    assertThat(fit("--pairs", p[1].toString())).isEqualTo(fit("--pairs", p[0].toString()))
        .contains("\"pairs\" : 5000");
    StringBuilder f = new StringBuilder();
    for (int x = 0; x < 3; x++) {
      for (int y = 0; y < 4; y++) {
        f.append("{\"prompt\": \"q").append(x).append("\", \"response\": \"y").append(y)
            .append("\", \"features\": [").append(x * 0.5).append(", ").append(y * 0.25)
            .append(", ").append((x + 1) * (y + 1) * 0.125).append("]}\n");
      }
    }
    Path features = tmp.resolve("features.jsonl");
    Files.writeString(features, f);
    Path table = tmp.resolve("features.parquet");
    duck.sql("COPY (SELECT prompt, response, features::DOUBLE[] AS features FROM read_json('"
        + features + "')) TO '" + table + "' (FORMAT parquet)");
    String fromJsonl = fit("--pairs", p[0].toString(), "--class", "linear", "--features",
        features.toString());
    assertThat(fit("--pairs", p[1].toString(), "--class", "linear", "--features",
        table.toString())).isEqualTo(fromJsonl).contains("theta");
  }

  @Test
  void refusesNullsAndMissingColumnsWithTheRow() throws Exception {
    Path bad = tmp.resolve("bad.parquet");
    duck.sql("COPY (SELECT 'q' AS prompt, CASE WHEN i = 6 THEN NULL ELSE 'a' END AS chosen,"
        + " 'b' AS rejected FROM range(9) t(i)) TO '" + bad + "' (FORMAT parquet)");
    CliRunner.Result r = CliRunner.run("fit-reward", "--pairs", bad.toString());
    assertThat(r.err()).isEqualTo("multiref: error: row 7, column 'chosen': null; expected a"
        + " string" + System.lineSeparator());
    duck.sql("COPY (SELECT 'q' AS prompt, 1 AS chosen, 'b' AS rejected) TO '" + bad
        + "' (FORMAT parquet)");
    r = CliRunner.run("fit-reward", "--pairs", bad.toString());
    assertThat(r.err()).isEqualTo("multiref: error: " + bad + "'s column 'chosen' does not hold"
        + " strings; fit-reward needs prompt, chosen and rejected" + System.lineSeparator());
    assertThat(r.exitCode()).isEqualTo(1);
  }
}

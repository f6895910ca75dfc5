package io.github.multiref.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentCommandsTest {

  @TempDir Path tmp;

  @Test
  void boundsFollowTheFormulasOfMathMd() {
    CliRunner.Result r = CliRunner.run("bounds", "--n", "400", "--beta", "0.5", "--coverage",
        "3", "--class-size", "64");
    assertThat(r.exitCode()).as(r.err()).isZero();
    double kappa = 2 + Math.E + 1 / Math.E;
    double eps = 2 * kappa * kappa * Math.log(64 / 0.05) / 400;
    assertThat(value(r.out(), "rkl-suboptimality")).isCloseTo(3 * eps / 2, within(1e-5));
    assertThat(value(r.out(), "log\\(\\|R\\|/delta\\) / n =")).isCloseTo(eps, within(1e-5));
    assertThat(value(r.out(), "fkl-suboptimality")).isCloseTo(Math.sqrt(6 * eps),
        within(1e-5));
    CliRunner.Result inverse = CliRunner.run("bounds", "--beta", "0.5", "--coverage", "3",
        "--bound", "rkl-suboptimality", "--epsilon", "0.1");
    // the smallest n with 3 eps_n / 2 <= 0.1
    long n = (long) Math.ceil(3 * 2 * kappa * kappa * Math.log(64 / 0.05) / (2 * 0.1));
    assertThat(inverse.out()).contains("rkl-suboptimality    n >= " + n + " for bound <= 0.1");
    CliRunner.Result bad = CliRunner.run("bounds", "--beta", "0.5", "--delta", "2");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).isEqualTo("multiref: error: --delta must be in (0, 1), got 2.0"
        + System.lineSeparator());
    CliRunner.Result badRange = CliRunner.run("bounds", "--beta", "0.5", "--r-max", "-1");
    assertThat(badRange.err()).isEqualTo("multiref: error: --r-max must be finite and > 0, got"
        + " -1.0" + System.lineSeparator());
  }

  /**
   * At beta = 0.01 and R_max = 10 the worst-case coverage exp(1000) is beyond the double range:
   * the bounds are still evaluated (in log space), the n they need is printed as a power of ten,
   * and forward KL, which has no worst case without data for R_max >= beta, asks for --coverage.
   */
  @Test
  void boundsAtCoveragesBeyondTheDoubleRangeAreComputedInLogSpace() {
    CliRunner.Result r = CliRunner.run("bounds", "--beta", "0.01", "--r-max", "10", "--epsilon",
        "0.01");
    assertThat(r.exitCode()).as(r.err()).isZero();
    double kappa = 2 + Math.exp(10) + Math.exp(-10);
    // n = C * 2 kappa^2 log(|R|/delta) / (4 beta epsilon) with C = e^1000, in log10
    double log10N = (1000 + Math.log(2 * kappa * kappa * Math.log(64 / 0.05))
        - Math.log(4 * 0.01 * 0.01)) / Math.log(10);
    assertThat(r.out()).contains(String.format(java.util.Locale.ROOT,
        "rkl-suboptimality    n >= 10^%.2f for bound <= 0.01", log10N))
        .contains("(vacuous: more pairs than any data set has)")
        .containsPattern("fkl-suboptimality +needs --coverage")
        .containsPattern("fkl-optimality-gap +needs --coverage");
    CliRunner.Result at = CliRunner.run("bounds", "--beta", "0.01", "--r-max", "10", "--bound",
        "rkl-suboptimality");
    double log10Bound = (1000 + Math.log(2 * kappa * kappa * Math.log(64 / 0.05) / 1000)
        - Math.log(4 * 0.01)) / Math.log(10);
    assertThat(at.out()).contains(String.format(java.util.Locale.ROOT,
        "rkl-suboptimality    10^%.2f (beyond the double range: vacuous)", log10Bound));
  }

  private static double value(String out, String name) {
    Matcher m = Pattern.compile(name + "\\s+([0-9.eE+-]+)").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void simulateRunsAConfigAndNamesBadFields() throws Exception {
    Path config = tmp.resolve("experiment.json");
    Files.writeString(config, "{\"bandit\": {\"prompts\": 3, \"responses\": 4, \"temperature\":"
        + " 1.0, \"alpha\": [0.5, 0.5], \"beta\": 0.5, \"r_max\": 1.0}, \"reward_class\":"
        + " {\"kind\": \"tabular\"}, \"sampling\": \"mixture\", \"model\": \"thurstone\","
        + " \"methods\": [\"rkl\", \"fkl\"], \"n\": [200, 800], \"trials\": 4, \"delta\": 0.05,"
        + " \"seed\": 1}");
    Path out = tmp.resolve("out");
    CliRunner.Result r = CliRunner.run("simulate", "--config", config.toString(), "--out",
        out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("| rkl | sub-optimality |", "| fkl | |optimality gap| |");
    assertThat(out.resolve("report.md")).exists();
    assertThat(Files.readAllLines(out.resolve("results.csv"))).hasSize(1 + 2 * 4 * 2);
    // results.parquet holds results.csv's rows, as DuckDB reads both (empty CSV fields as NULL)
    try (io.github.multiref.referee.DuckDb duck = new io.github.multiref.referee.DuckDb()) {
      String csv = "read_csv('" + out.resolve("results.csv") + "', header = true)";
      String parquet = "'" + out.resolve("results.parquet") + "'";
      assertThat(duck.strings("SELECT count(*) FROM " + parquet)).containsExactly("16");
      assertThat(duck.strings("SELECT count(*) FROM (SELECT * FROM " + csv + " EXCEPT SELECT *"
          + " FROM " + parquet + ")")).containsExactly("0");
      assertThat(duck.strings("SELECT count(*) FROM (SELECT * FROM " + parquet + " EXCEPT"
          + " SELECT * FROM " + csv + ")")).containsExactly("0");
    }
    Files.writeString(config, Files.readString(config).replace("\"thurstone\"", "\"probit\""));
    CliRunner.Result bad = CliRunner.run("simulate", "--config", config.toString(), "--out",
        out.toString());
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).isEqualTo("multiref: error: unknown preference-model 'probit';"
        + " registered: bt, thurstone" + System.lineSeparator());
    Files.writeString(config, "{\"bandit\": 3}");
    assertThat(CliRunner.run("simulate", "--config", config.toString(), "--out",
        out.toString()).err()).isEqualTo("multiref: error: " + config
            + ": bandit must be an object" + System.lineSeparator());
  }

  /** The README's main command: bound validity and rates, as the paper claims. */
  @Test
  void demoReproducesThePaper() throws Exception {
    Path out = tmp.resolve("demo");
    CliRunner.Result r = CliRunner.run("demo", "--out", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    int rows = 0;
    for (String line : lines) {
      // | method | n | MLE = truth | sub-optimality | bound | held | optimality gap | bound | held |
      String[] cells = line.split("\\|", -1);
      if (cells.length == 11 && cells[6].trim().endsWith("%")) {
        assertThat(percent(cells[3])).as("the MLE erred in most trials: %s", line)
            .isLessThan(50);
        assertThat(percent(cells[6])).as(line).isGreaterThanOrEqualTo(95);
        assertThat(percent(cells[9])).as(line).isGreaterThanOrEqualTo(95);
        rows++;
      }
    }
    assertThat(rows).isEqualTo(9);
    assertThat(r.out()).contains("Lemma A.1: the MLE's reward error against its bound eps_n");
    assertThat(slope(r.out(), "rkl", "sub-optimality")).isBetween(-1.3, -0.7);
    assertThat(slope(r.out(), "rkl", "\\|optimality gap\\|")).isBetween(-0.8, -0.3);
    assertThat(out.resolve("finite-class/report.md")).exists();
    assertThat(out.resolve("tabular-class/gaps-vs-n.png")).exists();
    assertThat(r.out()).as("Section 7 with one reference")
        .containsPattern("\\| Zhao et al\\. \\(2024\\).* \\| at the rate \\|")
        .containsPattern("\\| Song et al\\. \\(2024\\).* \\| faster: the rate is loose"
            + " here \\|");
    assertThat(out.resolve("single-reference/report.md")).content()
        .contains("## Section 7: against single-reference results");
    // per-token mixing: exact with identical references, strictly worse when they disagree
    assertThat(r.out()).contains("| disagreement | geometric-tilted | arithmetic-tilted | mrpo |")
        .contains("| 0 | 0 | 0 | 0 |");
    Matcher slope = Pattern.compile("slope of log RMSE against log N: ([0-9.-]+)")
        .matcher(r.out());
    assertThat(slope.find()).isTrue();
    assertThat(Double.parseDouble(slope.group(1))).isBetween(-0.6, -0.4);
    assertThat(out.resolve("per-token/gap-vs-disagreement.png")).exists();
    assertThat(out.resolve("per-token/report.md")).content()
        .contains("# Per-token mixing against the exact multi-reference optimum");
    // both regimes of the weights question
    assertThat(r.out()).contains("similar coverage, well-specified reward (n = 6400): best single"
        + " reference vertex:1").contains("the single reference wins")
        .contains("the multi-reference target wins");
    assertThat(out.resolve("dpo-weights/reward-vs-alpha-regime-2.png")).exists();
    try (io.github.multiref.referee.DuckDb duck = new io.github.multiref.referee.DuckDb()) {
      Path table = out.resolve("per-token/results.parquet");
      assertThat(duck.doubles("SELECT max(abs(reverse_gap)) FROM '" + table + "' WHERE policy ="
          + " 'exact'").get(0)).isLessThan(1e-12);
      assertThat(duck.doubles("SELECT count(*) FROM '" + table + "'").get(0))
          .isEqualTo((double) Files.readAllLines(out.resolve("per-token/results.csv")).size() - 1);
    }
  }

  private static int percent(String cell) {
    return Integer.parseInt(cell.trim().replace("%", ""));
  }

  private static double slope(String out, String method, String gap) {
    Matcher m = Pattern.compile("\\| " + method + " \\| " + gap + " \\| ([0-9.-]+) ")
        .matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return Double.parseDouble(m.group(1));
  }
}

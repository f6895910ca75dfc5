package io.github.multiref.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code multiref bounds --coverage-condition}: the coverage constant measured on a references
 * table, against values computed independently by {@code /bounds/coverage.py} (mpmath, 50
 * digits, each condition from its definition) on {@code /bounds/references.jsonl}: three prompts
 * at sequence log-probs -50 to -400, references up to 190 nats apart, weights (0.3, 0.7), beta =
 * 0.5, R_max = 1, ball radius 0.1.
 */
class BoundsCoverageTest {

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      // condition,   log C for reverse KL (escort), line, for forward KL (mixture), line
      "global,          2.0,                2, 6.6983450373850471, 1",
      "reverse-kl-ball, 134.30731461001486, 3, 3.9831178212180201, 1",
      "forward-kl-ball, 139.15039115522733, 3, 5.0736361718162383, 1"})
  void theConstantIsTheLargestOverThePromptsAndSaysWhere(String condition, double rkl,
      int rklLine, double fkl, int fklLine) throws Exception {
    Path refs = CliTests.fixture(tmp, "/bounds/references.jsonl");
    String[] args = {"bounds", "--n", "1000", "--beta", "0.5", "--weights", "0.3,0.7",
        "--coverage-condition", condition, "--references", refs.toString()};
    if (!condition.equals("global")) {
      args = CliTests.with(args, "--coverage-epsilon", "0.1");
    }
    CliRunner.Result r = CliTests.ok(args);
    assertThat(r.out()).contains("C = " + condition + (condition.equals("global") ? ""
        : " (epsilon = 0.1)") + ", the largest over the prompts of " + refs);
    double kappa = 2 + Math.E + 1 / Math.E;
    double eps = 2 * kappa * kappa * Math.log(64 / 0.05) / 1000;
    for (String bound : new String[] {"rkl-suboptimality", "fkl-suboptimality"}) {
      boolean reverse = bound.startsWith("rkl");
      Matcher m = Pattern.compile(bound + " +([0-9.eE+-]+) +\\[.*C = ([0-9.eE+-]+) \\(largest at"
          + " line (\\d)\\)\\]").matcher(r.out());
      assertThat(m.find()).as(r.out()).isTrue();
      double logC = reverse ? rkl : fkl;
      // "global" with R_max / beta = 2: the escorts' smallest masses (about 1e-52 on line 2,
      // 1e-62 on line 3) give 2 - 1e-52 and 2 - 1e-62, which tie in double precision: the first
      // is reported (mpmath's largest is line 3)
      assertThat(Math.log(Double.parseDouble(m.group(2)))).isCloseTo(logC, within(1e-5));
      assertThat(Integer.parseInt(m.group(3))).isEqualTo(reverse ? rklLine : fklLine);
      double expected = reverse ? Math.exp(logC) * eps / 2 : Math.sqrt(2 * Math.exp(logC) * eps);
      assertThat(Double.parseDouble(m.group(1)) / expected).isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void aForwardKlBallAroundAReferenceWithoutMassSomewhereIsVacuous() throws Exception {
    Path refs = tmp.resolve("refs.jsonl");
    Files.writeString(refs, "{\"prompt\": \"p\", \"responses\": [\"a\", \"b\"], \"reward\": [0,"
        + " 0], \"ref_logprobs\": [[-60.0, -Infinity], [-61.0, -Infinity]]}\n");
    CliRunner.Result r = CliTests.ok("bounds", "--beta", "0.5", "--coverage-condition",
        "forward-kl-ball", "--coverage-epsilon", "0.1", "--references", refs.toString(),
        "--bound", "fkl-suboptimality");
    assertThat(r.out()).contains("fkl-suboptimality    vacuous: C = +inf under forward-kl-ball"
        + " (epsilon = 0.1) (at line 1:");
  }

  @Test
  void withoutReferencesGlobalCoverageIsTheWorstCaseAndSaysSo() {
    CliRunner.Result r = CliTests.ok("bounds", "--beta", "0.5", "--coverage-condition",
        "global", "--bound", "rkl-suboptimality");
    assertThat(r.out()).contains("C = each bound's worst case without data")
        .contains("C = 7.38906");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "--coverage-condition reverse-kl-ball --references R|--coverage-condition reverse-kl-ball"
          + " needs --coverage-epsilon, the ball's radius",
      "--coverage-condition forward-kl-ball --coverage-epsilon 0.1|--coverage-condition"
          + " forward-kl-ball needs --references: a KL ball's coverage depends on the references",
      "--coverage-condition global --coverage-epsilon 0.1|--coverage-epsilon is the radius of a"
          + " KL ball; global coverage has none",
      "--coverage-condition ball --references R|--coverage-condition: no coverage condition"
          + " 'ball'; expected one of global, reverse-kl-ball, forward-kl-ball",
      "--coverage 3 --coverage-condition global|--coverage and --coverage-condition both give C;"
          + " choose one",
      "--references R|--references is used with --coverage-condition",
      "--coverage-condition reverse-kl-ball --coverage-epsilon -1 --references R|"
          + "--coverage-epsilon must be finite and >= 0, got -1.0",
      "--coverage-condition global --references R --weights 0.5,0.25,0.25|line 1: field"
          + " 'ref_logprobs' has 2 references but --weights has 3"})
  void badCoverageOptionsAreRefusedByName(String options, String message) throws Exception {
    Path refs = CliTests.fixture(tmp, "/bounds/references.jsonl");
    String[] args = {"bounds", "--beta", "0.5"};
    for (String o : options.split(" ")) {
      args = CliTests.with(args, o.equals("R") ? refs.toString() : o);
    }
    CliRunner.Result r = CliRunner.run(args);
    assertThat(r.exitCode()).as(r.out()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("multiref: error: " + message + System.lineSeparator());
  }
}

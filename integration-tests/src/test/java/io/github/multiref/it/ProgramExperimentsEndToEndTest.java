package io.github.multiref.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fit-reward}, {@code bounds}, {@code simulate} and {@code demo} run as separate processes.
 * Expected values are closed forms evaluated here: the Bradley-Terry MLE of one pair of responses,
 * and the bound formulas of docs/bounds.md.
 */
class ProgramExperimentsEndToEndTest {

  private static final JsonMapper JSON = new JsonMapper();

  @TempDir Path tmp;

  @Test
  void fitRewardFindsTheClosedFormMaximumLikelihood() throws Exception {
    // a beats b 7 times, b beats a 3 times: r_a - r_b = log(7/3), log-likelihood 7 log .7 + 3 log .3
    StringBuilder pairs = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      String winner = i < 7 ? "a" : "b";
      String loser = i < 7 ? "b" : "a";
      pairs.append("{\"prompt\": \"x\", \"chosen\": \"").append(winner)
          .append("\", \"rejected\": \"").append(loser).append("\"}\n");
    }
    Path input = Files.writeString(tmp.resolve("pairs.jsonl"), pairs);
    Path out = tmp.resolve("reward.json");
    Program.Result r = Program.run(tmp, "fit-reward", "--pairs", input.toString(), "--model", "bt",
        "--class", "tabular", "--l2", "0", "--output", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode fit = JSON.readTree(out.toFile());
    double gap = fit.get("rewards").get("x").get("a").asDouble()
        - fit.get("rewards").get("x").get("b").asDouble();
    assertThat(gap).isCloseTo(Math.log(7.0 / 3.0), within(1e-7));
    assertThat(fit.get("log_likelihood").asDouble())
        .isCloseTo(7 * Math.log(0.7) + 3 * Math.log(0.3), within(1e-10));
  }

  @Test
  void boundsFollowTheirFormulas() throws Exception {
    Program.Result r = Program.run(tmp, "bounds", "--n", "1000", "--beta", "0.5",
        "--class-size", "64", "--model", "bt");
    assertThat(r.exitCode()).as(r.err()).isZero();
    double sigma = 1 / (1 + Math.exp(-1.0));
    double kappa = 1 / (sigma * (1 - sigma)); // 1 / min slope of the logistic on [-1, 1]
    double eps = 2 * kappa * kappa * Math.log(64 / 0.05) / 1000;
    double c = Math.exp(1.0 / 0.5); // worst-case coverage exp(R_max / beta)
    assertThat(value(r.out(), "rkl-suboptimality")).isCloseTo(c * eps / (4 * 0.5), within(1e-5));
    assertThat(value(r.out(), "rkl-optimality-gap"))
        .isCloseTo(c * eps / (4 * 0.5) + Math.sqrt(c * eps / 2), within(1e-5));
    // forward KL with R_max >= beta has no coverage without data: it must be given
    assertThat(r.out()).containsPattern("(?m)^fkl-suboptimality +needs --coverage")
        .containsPattern("(?m)^fkl-optimality-gap +needs --coverage");
    // below R_max < beta its worst case is beta / (beta - R_max)
    Program.Result wide = Program.run(tmp, "bounds", "--n", "1000", "--beta", "2",
        "--class-size", "64", "--model", "bt");
    double cf = 2 / (2 - 1.0);
    assertThat(value(wide.out(), "fkl-suboptimality")).isCloseTo(Math.sqrt(2 * cf * eps),
        within(1e-5));
    assertThat(value(wide.out(), "fkl-optimality-gap"))
        .isCloseTo(Math.sqrt(2 * cf * eps) + Math.sqrt(cf * eps / 2), within(1e-5));
  }

  private static double value(String out, String bound) {
    Matcher m = Pattern.compile("(?m)^" + bound + "\\s+(\\S+)").matcher(out);
    assertThat(m.find()).as("a line for %s in%n%s", bound, out).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void simulateIsReproducibleAndItsBoundsFollowTheirFormulas() throws Exception {
    Path config = Files.writeString(tmp.resolve("tiny.json"), """
        {
          "bandit": {"prompts": 3, "responses": 4, "temperature": 1.0, "alpha": [0.5, 0.5],
                     "beta": 0.5, "r_max": 1.0},
          "reward_class": {"kind": "finite", "size": 16},
          "sampling": "escort",
          "model": "bt",
          "methods": ["rkl", "fkl"],
          "n": [100, 400],
          "trials": 5,
          "delta": 0.05,
          "seed": 7
        }
        """);
    // the second run sees one processor, so it runs its trials on one thread
    Program.Result first = Program.run(tmp, "simulate", "--config", config.toString(), "--out",
        tmp.resolve("a").toString());
    assertThat(first.exitCode()).as(first.err()).isZero();
    Program.Result second = Program.run(tmp,
        java.util.Map.of("JAVA_TOOL_OPTIONS", "-XX:ActiveProcessorCount=1"), "simulate",
        "--config", config.toString(), "--out", tmp.resolve("b").toString());
    assertThat(second.exitCode()).as(second.err()).isZero();
    List<String> rows = Files.readAllLines(tmp.resolve("a/results.csv"));
    assertThat(Files.readAllLines(tmp.resolve("b/results.csv")))
        .as("the same seed with another thread count").isEqualTo(rows);
    assertThat(rows.get(0)).isEqualTo("n,trial,method,sub_optimality,optimality_gap,"
        + "sub_optimality_bound,optimality_gap_bound,coverage,reward_error,reward_error_bound,"
        + "learned_the_truth");
    assertThat(rows).hasSize(1 + 2 * 5 * 2);
    double sigma = 1 / (1 + Math.exp(-1.0));
    double kappa = 1 / (sigma * (1 - sigma));
    for (String row : rows.subList(1, rows.size())) {
      String[] f = row.split(",");
      double n = Double.parseDouble(f[0]);
      double sub = Double.parseDouble(f[3]);
      double coverage = Double.parseDouble(f[7]);
      double eps = 2 * kappa * kappa * Math.log(16 / 0.05) / n;
      double bound = f[2].equals("rkl") ? coverage * eps / (4 * 0.5)
          : Math.sqrt(2 * coverage * eps);
      assertThat(Double.parseDouble(f[5])).as("sub-optimality bound in %s", row)
          .isCloseTo(bound, within(1e-9 * bound));
      assertThat(sub).as("sub-optimality in %s", row).isBetween(0.0, bound);
      // Lemma A.1's bound is eps_n; a trial that learned the truth has no reward error
      assertThat(Double.parseDouble(f[9])).isCloseTo(eps, within(1e-9 * eps));
      assertThat(f[10]).isIn("0", "1");
      if (f[10].equals("1")) {
        assertThat(Double.parseDouble(f[8])).isEqualTo(0.0);
        assertThat(sub).isEqualTo(0.0);
      } else {
        assertThat(Double.parseDouble(f[8])).isGreaterThan(0.0);
      }
    }
    for (String file : List.of("gaps-vs-n.png", "reward-error-vs-n.png",
        "combined-references.png", "objective-vs-alpha.png")) {
      byte[] png = Files.readAllBytes(tmp.resolve("a").resolve(file));
      assertThat(png).as(file).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    }
    assertThat(tmp.resolve("a/report.md")).content().contains("| method |");
  }

  @Test
  void demoRunsWithItsEmbeddedDefaults() throws Exception {
    Program.Result r = Program.run(tmp, "demo", "--out", tmp.resolve("demo").toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("# multiref demo").contains("## Do the bounds hold?");
    for (String part : List.of("finite-class", "tabular-class")) {
      for (String file : List.of("results.csv", "summary.json", "report.md", "gaps-vs-n.png")) {
        assertThat(tmp.resolve("demo").resolve(part).resolve(file)).as(part + "/" + file)
            .isNotEmptyFile();
      }
    }
  }
}

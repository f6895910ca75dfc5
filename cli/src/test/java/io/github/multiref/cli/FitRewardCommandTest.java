package io.github.multiref.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.multiref.rewards.BradleyTerry;
import io.github.multiref.rewards.io.JsonLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FitRewardCommandTest {

  @TempDir Path tmp;

  private static final double[][] TRUTH = {{0.1, 0.9, 0.5}, {0.7, 0.0, 0.3}};

  /** Pairs labelled by Bradley-Terry from TRUTH; returns [prompt, chosen, rejected] indices. */
  private List<int[]> writePairs(Path file, int n) throws IOException {
    SplittableRandom rng = new SplittableRandom(5);
    List<int[]> pairs = new ArrayList<>();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int x = rng.nextInt(2);
      int a = rng.nextInt(3);
      int c = (a + 1 + rng.nextInt(2)) % 3;
      boolean aWins = BradleyTerry.INSTANCE.sample(TRUTH[x][a] - TRUTH[x][c], rng);
      int w = aWins ? a : c;
      int l = aWins ? c : a;
      pairs.add(new int[] {x, w, l});
      b.append("{\"prompt\": \"q").append(x).append("\", \"chosen\": \"y").append(w)
          .append("\", \"rejected\": \"y").append(l).append("\"}\n");
    }
    Files.writeString(file, b.toString());
    return pairs;
  }

  @Test
  void tabularRewardsAreTheMaximumLikelihoodEstimate() throws IOException {
    Path in = tmp.resolve("pairs.jsonl");
    List<int[]> pairs = writePairs(in, 30000);
    Path out = tmp.resolve("reward.json");
    CliRunner.Result r = CliRunner.run("fit-reward", "--pairs", in.toString(), "--output",
        out.toString(), "--l2", "0.001");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).startsWith("multiref fit-reward: 30000 pairs over 2 prompts, model bt,"
        + " class tabular: log-likelihood");
    JsonNode json = JsonLine.MAPPER.readTree(out.toFile());
    assertThat(json.get("class").asText()).isEqualTo("tabular");
    assertThat(json.get("pairs").asInt()).isEqualTo(30000);
    double[][] fit = new double[2][3];
    for (int x = 0; x < 2; x++) {
      for (int y = 0; y < 3; y++) {
        fit[x][y] = json.get("rewards").get("q" + x).get("y" + y).asDouble();
      }
    }
    // first-order optimality, from the Bradley-Terry formula here: for every reward,
    // sum over pairs of d log sigmoid(r_w - r_l) / d r = l2 * r (the ridge acts before centering,
    // so compare the per-prompt differences, which the shift leaves unchanged)
    double[][] grad = new double[2][3];
    double loglik = 0;
    for (int[] p : pairs) {
      double t = fit[p[0]][p[1]] - fit[p[0]][p[2]];
      loglik += -Math.log1p(Math.exp(-t));
      double s = 1 / (1 + Math.exp(t));
      grad[p[0]][p[1]] += s;
      grad[p[0]][p[2]] -= s;
    }
    for (int x = 0; x < 2; x++) {
      for (int y = 0; y < 3; y++) {
        // the gradient is (nearly) zero: |grad| tiny next to the 15000 pairs per prompt
        assertThat(Math.abs(grad[x][y])).isLessThan(0.05);
        // and the estimate is close to the truth (differences, 30000 pairs)
        assertThat(fit[x][y] - fit[x][0]).isCloseTo(TRUTH[x][y] - TRUTH[x][0], within(0.06));
      }
    }
    assertThat(json.get("log_likelihood").asDouble()).isCloseTo(loglik, within(1e-6 * 30000));
  }

  @Test
  void linearRewardsWithFeatures() throws IOException {
    Path in = tmp.resolve("pairs.jsonl");
    writePairs(in, 20000);
    // features: one-hot of the response, per prompt (so linear = tabular here), plus a constant
    StringBuilder f = new StringBuilder();
    for (int x = 0; x < 2; x++) {
      for (int y = 0; y < 3; y++) {
        double[] v = new double[6];
        v[3 * x + y] = 1;
        f.append("{\"prompt\": \"q").append(x).append("\", \"response\": \"y").append(y)
            .append("\", \"features\": ").append(java.util.Arrays.toString(v)).append("}\n");
      }
    }
    Path features = tmp.resolve("features.jsonl");
    Files.writeString(features, f.toString());
    CliRunner.Result r = CliRunner.run("fit-reward", "--pairs", in.toString(), "--class",
        "linear", "--features", features.toString(), "--model", "thurstone:s=1.7");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode json = JsonLine.MAPPER.readTree(r.out());
    assertThat(json.get("theta")).hasSize(6);
    assertThat(json.get("model").asText()).isEqualTo("thurstone:s=1.7");
    // Thurstone with s = 1.7 is close to Bradley-Terry: the learned differences keep the order
    double[] theta = new double[6];
    for (int k = 0; k < 6; k++) {
      theta[k] = json.get("theta").get(k).asDouble();
    }
    assertThat(theta[1]).isGreaterThan(theta[2]).isGreaterThan(theta[0]);
    assertThat(theta[3]).isGreaterThan(theta[5]).isGreaterThan(theta[4]);
  }

  private void assertRefused(String message, String... args) {
    CliRunner.Result r = CliRunner.run(args);
    assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("multiref: error: " + message + System.lineSeparator());
  }

  @Test
  void badInputIsNamed() throws IOException {
    Path bad = tmp.resolve("bad.jsonl");
    Files.writeString(bad, "{\"prompt\": \"q\", \"chosen\": \"a\", \"rejected\": \"b\"}\n"
        + "{\"prompt\": \"q\", \"chosen\": \"a\"}\n");
    assertRefused("line 2: missing field 'rejected'", "fit-reward", "--pairs", bad.toString());
    Files.writeString(bad, "{\"prompt\": \"q\", \"chosen\": \"a\", \"rejected\": \"a\"}\n");
    assertRefused("pair 1: chosen and rejected are the same response 'a'", "fit-reward",
        "--pairs", bad.toString());
    Path ok = tmp.resolve("ok.jsonl");
    writePairs(ok, 10);
    assertRefused("--class linear needs --features FILE", "fit-reward", "--pairs",
        ok.toString(), "--class", "linear");
    assertRefused("unknown preference-model 'logit'; registered: bt, thurstone", "fit-reward",
        "--pairs", ok.toString(), "--model", "logit");
    Path one = tmp.resolve("one.jsonl");
    Files.writeString(one, "{\"prompt\": \"q0\", \"chosen\": \"y0\", \"rejected\": \"y1\"}\n");
    Path features = tmp.resolve("f.jsonl");
    Files.writeString(features, "{\"prompt\": \"q0\", \"response\": \"y0\", \"features\": [1]}\n");
    assertRefused(features + " has no features for prompt 'q0', response 'y1'", "fit-reward",
        "--pairs", one.toString(), "--class", "linear", "--features", features.toString());
  }

  @Test
  void separablePairsWithoutARidgeAreRefusedAndTheRidgeIsSuggested() throws IOException {
    // in prompt q1, a and b beat c and c beats nobody: the MLE sends c to -infinity
    Path in = tmp.resolve("separable.jsonl");
    Files.writeString(in, String.join("\n",
        "{\"prompt\": \"q0\", \"chosen\": \"a\", \"rejected\": \"b\"}",
        "{\"prompt\": \"q0\", \"chosen\": \"b\", \"rejected\": \"a\"}",
        "{\"prompt\": \"q1\", \"chosen\": \"a\", \"rejected\": \"b\"}",
        "{\"prompt\": \"q1\", \"chosen\": \"b\", \"rejected\": \"a\"}",
        "{\"prompt\": \"q1\", \"chosen\": \"a\", \"rejected\": \"c\"}",
        "{\"prompt\": \"q1\", \"chosen\": \"b\", \"rejected\": \"c\"}") + "\n");
    CliRunner.Result r = CliRunner.run("fit-reward", "--pairs", in.toString(), "--l2", "0");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("multiref: error: the pairs are separable, so with --l2 0 the"
        + " maximum-likelihood rewards are infinite: prompt 'q1': responses 'a', 'b' win every"
        + " comparison against 'c'; give a ridge, e.g. --l2 1e-3" + System.lineSeparator());
    assertThat(CliRunner.run("fit-reward", "--pairs", in.toString(), "--l2", "1e-3").exitCode())
        .isZero();
    // with c beating a once, every response beats every other through a chain: a finite MLE
    Files.writeString(in, Files.readString(in)
        + "{\"prompt\": \"q1\", \"chosen\": \"c\", \"rejected\": \"a\"}\n");
    CliRunner.Result ok = CliRunner.run("fit-reward", "--pairs", in.toString(), "--l2", "0");
    assertThat(ok.exitCode()).as(ok.err()).isZero();
  }
}

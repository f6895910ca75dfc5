package io.github.multiref.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.multiref.rewards.io.JsonLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code weights}: every scheme in the report, seeded, and bad input refused. */
class WeightsCommandTest {

  @TempDir Path tmp;

  private Path[] files() throws IOException {
    SplittableRandom rng = new SplittableRandom(1);
    StringBuilder c = new StringBuilder();
    StringBuilder p = new StringBuilder();
    for (int x = 0; x < 8; x++) {
      c.append("{\"prompt\": \"p").append(x).append("\", \"responses\": [\"a\", \"b\", \"c\","
          + " \"d\"], \"ref_logprobs\": [[");
      for (int i = 0; i < 2; i++) {
        for (int y = 0; y < 4; y++) {
          c.append(y == 0 ? "" : ", ").append(-50 - 100 * rng.nextDouble());
        }
        c.append(i == 0 ? "], [" : "]]}\n");
      }
      double[] truth = {0, 1, 2, 0.5};
      String[] names = {"a", "b", "c", "d"};
      for (int n = 0; n < 50; n++) {
        int a = rng.nextInt(4);
        int b = (a + 1 + rng.nextInt(3)) % 4;
        boolean aWins = rng.nextDouble() < 1 / (1 + Math.exp(truth[b] - truth[a]));
        p.append("{\"prompt\": \"p").append(x).append("\", \"chosen\": \"")
            .append(names[aWins ? a : b]).append("\", \"rejected\": \"")
            .append(names[aWins ? b : a]).append("\"}\n");
      }
    }
    Path cands = tmp.resolve("candidates.jsonl");
    Path pairs = tmp.resolve("pairs.jsonl");
    Files.writeString(cands, c);
    Files.writeString(pairs, p);
    return new Path[] {cands, pairs};
  }

  @Test
  void theReportNamesEverySchemeAndTheBestAndRepeatsItselfForASeed() throws Exception {
    Path[] f = files();
    Path a = tmp.resolve("a.json");
    Path b = tmp.resolve("b.json");
    for (Path out : new Path[] {a, b}) {
      CliRunner.Result r = CliTests.ok("weights", "--pairs", f[1].toString(), "--candidates",
          f[0].toString(), "--beta", "0.5", "--split", "pair", "--seed", "3", "--output",
          out.toString());
      assertThat(r.err()).contains("multiref weights: ").contains("split by pair");
    }
    assertThat(Files.readString(a)).isEqualTo(Files.readString(b));
    JsonNode report = JsonLine.MAPPER.readTree(a.toFile());
    List<String> schemes = new ArrayList<>();
    report.get("schemes").forEach(s -> schemes.add(s.get("scheme").asText()));
    assertThat(schemes).contains("vertex:1", "vertex:2", "grid", "mrpo-adaptive",
        "validation-accuracy", "validation-margin", "thompson", "bound");
    assertThat(report.get("train_pairs").asInt() + report.get("validation_pairs").asInt())
        .isEqualTo(400);
    double best = Double.NEGATIVE_INFINITY;
    for (JsonNode s : report.get("schemes")) {
      best = Math.max(best, s.get("held_out_log_likelihood").asDouble());
    }
    String bestName = report.get("best").asText();
    double finalBest = best;
    assertThat(report.get("schemes")).anySatisfy(s -> {
      assertThat(s.get("scheme").asText()).isEqualTo(bestName);
      assertThat(s.get("held_out_log_likelihood").asDouble()).isEqualTo(finalBest);
    });
    // by prompt (the default), the held-out pairs are of prompts no fit has seen
    CliTests.ok("weights", "--pairs", f[1].toString(), "--candidates", f[0].toString(),
        "--beta", "0.5", "--output", a.toString());
    assertThat(JsonLine.MAPPER.readTree(a.toFile()).get("split").asText()).isEqualTo("prompt");
  }

  @Test
  void badOptionsAreRefusedAndNothingIsWritten() throws IOException {
    Path[] f = files();
    Path out = tmp.resolve("out.json");
    CliTests.assertRefused("the validation fraction must be in (0, 1), got 1.5", "weights",
        "--pairs", f[1].toString(), "--candidates", f[0].toString(), "--beta", "0.5",
        "--validation", "1.5", "--output", out.toString());
    CliTests.assertRefused("--policy linear needs --features FILE", "weights", "--pairs",
        f[1].toString(), "--candidates", f[0].toString(), "--beta", "0.5", "--policy", "linear",
        "--output", out.toString());
  }
}

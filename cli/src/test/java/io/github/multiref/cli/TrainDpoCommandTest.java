package io.github.multiref.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.referee.DuckDbTests;
import io.github.multiref.rewards.BradleyTerry;
import io.github.multiref.rewards.Lbfgs;
import io.github.multiref.rewards.PreferenceData;
import io.github.multiref.rewards.RewardLearning;
import io.github.multiref.rewards.io.JsonLine;
import io.github.multiref.solvers.ReverseKlSolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train-dpo} end to end: pairs and candidates files in, the trained policy out, equal to
 * the reverse-KL solution for the tabular Bradley-Terry MLE reward of the same pairs.
 */
class TrainDpoCommandTest extends DuckDbTests {

  @TempDir Path tmp;

  private static final String[] NAMES = {"a", "b", "c", "d"};

  /** Reverse KL as the command line finds it, by name. */
  private static final io.github.multiref.api.Divergence REVERSE_KL =
      com.google.inject.Guice.createInjector(new io.github.multiref.runtime.MultirefModule(
          io.github.multiref.runtime.PluginSettings.none()))
          .getInstance(io.github.multiref.runtime.Registries.class).divergences()
          .create("reverse-kl");

  /** Writes candidates.jsonl and pairs.jsonl; returns the references and the data. */
  private record Files2(Path candidates, Path pairs, double[][][] refs, PreferenceData data) {}

  private Files2 write(long seed) throws IOException {
    SplittableRandom rng = new SplittableRandom(seed);
    StringBuilder cands = new StringBuilder();
    StringBuilder pairs = new StringBuilder();
    double[][][] refs = new double[2][2][4];
    List<String> prompts = List.of("p0", "p1");
    List<List<String>> responses = List.of(List.of(NAMES), List.of(NAMES));
    PreferenceData.Builder b = new PreferenceData.Builder(prompts, responses);
    for (int x = 0; x < 2; x++) {
      for (int i = 0; i < 2; i++) {
        for (int y = 0; y < 4; y++) {
          refs[x][i][y] = -50 - 100 * rng.nextDouble(); // sequence log-probs of real magnitude
        }
      }
      cands.append("{\"prompt\": \"p").append(x).append("\", \"responses\": [\"a\", \"b\","
          + " \"c\", \"d\"], \"ref_logprobs\": [").append(array(refs[x][0])).append(", ")
          .append(array(refs[x][1])).append("]}\n");
      double[] truth = {0, 1, 0.5, 1.5};
      for (int a = 0; a < 4; a++) {
        for (int c = a + 1; c < 4; c++) {
          for (int rep = 0; rep < 30; rep++) {
            boolean aWins = rng.nextDouble() < 1 / (1 + Math.exp(truth[c] - truth[a]));
            int w = aWins ? a : c;
            int l = aWins ? c : a;
            b.add(x, w, l);
            pairs.append("{\"prompt\": \"p").append(x).append("\", \"chosen\": \"")
                .append(NAMES[w]).append("\", \"rejected\": \"").append(NAMES[l])
                .append("\"}\n");
          }
        }
      }
    }
    Path c = tmp.resolve("candidates.jsonl");
    Path p = tmp.resolve("pairs.jsonl");
    Files.writeString(c, cands);
    Files.writeString(p, pairs);
    return new Files2(c, p, refs, b.build());
  }

  private static String array(double[] v) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      s.append(i == 0 ? "" : ", ").append(v[i]);
    }
    return s.append(']').toString();
  }

  @Test
  void theTrainedPolicyIsTheRlhfSolutionForTheMleRewardOfTheSamePairs() throws Exception {
    Files2 f = write(1);
    Path out = tmp.resolve("policy.jsonl");
    CliRunner.Result r = CliTests.ok("train-dpo", "--pairs", f.pairs().toString(),
        "--candidates", f.candidates().toString(), "--beta", "0.3", "--weights", "0.7,0.3",
        "--output", out.toString());
    assertThat(r.err()).contains("multiref train-dpo: 360 pairs, 2 prompts, policy tabular (8"
        + " parameters), divergence reverse-kl");
    double[][] reward = RewardLearning.fitTabular(f.data(), BradleyTerry.INSTANCE, null, 0,
        Lbfgs.of(1e-12, 10_000, 20)).rewards();
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(2);
    for (int x = 0; x < 2; x++) {
      JsonNode line = JsonLine.MAPPER.readTree(lines.get(x));
      assertThat(line.get("prompt").asText()).isEqualTo("p" + x);
      double[] exact = ReverseKlSolver.INSTANCE.solve(RegularizedProblem.of(ReferenceSet.of(
          List.of(LogDistribution.normalize(f.refs()[x][0]),
              LogDistribution.normalize(f.refs()[x][1])), 0.7, 0.3), reward[x], 0.3,
          REVERSE_KL)).policy().probs();
      for (int y = 0; y < 4; y++) {
        assertThat(Math.exp(line.get("policy_logprobs").get(y).asDouble()))
            .isCloseTo(exact[y], within(1e-6));
      }
    }
    Path table = tmp.resolve("policy.parquet");
    CliTests.ok("train-dpo", "--pairs", f.pairs().toString(), "--candidates",
        f.candidates().toString(), "--beta", "0.3", "--weights", "0.7,0.3", "--output",
        table.toString());
    List<double[]> lp = duck.lists("SELECT policy_logprobs FROM '" + table + "'");
    for (int x = 0; x < 2; x++) {
      JsonNode line = JsonLine.MAPPER.readTree(lines.get(x));
      for (int y = 0; y < 4; y++) {
        assertThat(lp.get(x)[y]).isEqualTo(line.get("policy_logprobs").get(y).asDouble());
      }
    }
  }

  @Test
  void parquetPairsAndCandidatesTrainTheSamePolicyAsJsonl() throws Exception {
    Files2 f = write(5);
    Path pairs = tmp.resolve("pairs.parquet");
    Path cands = tmp.resolve("candidates.parquet");
    duck.sql("COPY (SELECT * FROM read_json('" + f.pairs() + "')) TO '" + pairs
        + "' (FORMAT parquet, ROW_GROUP_SIZE 100)");
    duck.sql("COPY (SELECT * FROM read_json('" + f.candidates() + "')) TO '" + cands
        + "' (FORMAT parquet)");
    Path a = tmp.resolve("a.jsonl");
    Path b = tmp.resolve("b.jsonl");
    CliTests.ok("train-dpo", "--pairs", f.pairs().toString(), "--candidates",
        f.candidates().toString(), "--beta", "0.3", "--divergence", "forward-kl", "--output",
        a.toString());
    CliTests.ok("train-dpo", "--pairs", pairs.toString(), "--candidates", cands.toString(),
        "--beta", "0.3", "--divergence", "forward-kl", "--output", b.toString());
    assertThat(Files.readString(b)).isEqualTo(Files.readString(a)).hasLineCount(2);
  }

  @Test
  void adamIsSeededAndReportsItsEpochs() throws Exception {
    Files2 f = write(2);
    Path a = tmp.resolve("a.jsonl");
    Path b = tmp.resolve("b.jsonl");
    for (Path out : new Path[] {a, b}) {
      CliTests.ok("train-dpo", "--pairs", f.pairs().toString(), "--candidates",
          f.candidates().toString(), "--beta", "0.3", "--optimizer", "adam", "--epochs", "20",
          "--seed", "4", "--output", out.toString());
    }
    assertThat(Files.readString(a)).isEqualTo(Files.readString(b));
  }

  @Test
  void badInputIsRefusedByName() throws IOException {
    Files2 f = write(3);
    Path out = tmp.resolve("out.jsonl");
    Path pairs = tmp.resolve("bad-pairs.jsonl");
    Files.writeString(pairs, "{\"prompt\": \"p0\", \"chosen\": \"a\", \"rejected\": \"z\"}\n");
    CliTests.assertRefused("pair 1: rejected response 'z' is not among the candidates of prompt"
        + " 'p0' in " + f.candidates(), "train-dpo", "--pairs", pairs.toString(), "--candidates",
        f.candidates().toString(), "--beta", "1", "--output", out.toString());
    Files.writeString(pairs, "{\"prompt\": \"p0\", \"chosen\": \"a\", \"rejected\": \"b\"}\n"
        + "{\"prompt\": \"p1\", \"chosen\": \"a\", \"rejected\": \"b\"}\n");
    CliTests.assertRefused("candidate 'c' of prompt 'p0' is in no pair, so an unregularized"
        + " tabular policy leaves its probability undetermined; give a ridge (--l2) or drop it",
        "train-dpo", "--pairs", pairs.toString(), "--candidates", f.candidates().toString(),
        "--beta", "1", "--output", out.toString());
    Path broken = tmp.resolve("broken.jsonl");
    Files.writeString(broken, "{\"prompt\": \"p0\", \"chosen\": \"a\"}\n");
    CliTests.assertRefused(broken + ", line 1: missing field 'rejected'", "train-dpo", "--pairs",
        broken.toString(), "--candidates", f.candidates().toString(), "--beta", "1",
        "--output", out.toString());
    CliTests.assertRefused("--policy linear needs --features FILE", "train-dpo", "--pairs",
        pairs.toString(), "--candidates", f.candidates().toString(), "--beta", "1", "--policy",
        "linear", "--output", out.toString());
    // with a ridge the same pairs train
    CliTests.ok("train-dpo", "--pairs", pairs.toString(), "--candidates",
        f.candidates().toString(), "--beta", "1", "--l2", "0.01", "--output", out.toString());
    List<String> lines = new ArrayList<>(Files.readAllLines(out));
    assertThat(lines).hasSize(2);
  }
}

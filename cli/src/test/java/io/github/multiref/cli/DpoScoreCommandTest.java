package io.github.multiref.cli;

import io.github.multiref.rewards.io.JsonLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code multiref dpo-score} end to end (in-process); expected values from the numpy twin
 * ({@code benchmarks/python/numpy_dpo_twin.py fixture}).
 */
class DpoScoreCommandTest {

  @TempDir Path tmp;

  private Path resource(String name) throws IOException {
    Path p = tmp.resolve(name);
    try (InputStream in = getClass().getResourceAsStream("/dpo/" + name)) {
      Files.copy(in, p);
    }
    return p;
  }

  /**
   * The bounded-implicit-reward assumption (D.1, D.2) checked on the scored pairs: the range of
   * the implicit rewards is the numpy twin's, and a bound at half the largest |reward| fails first
   * at the line the twin's rewards first exceed it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"reverse-kl", "forward-kl"})
  void theImplicitRewardAssumptionIsCheckedOnTheScoredPairs(String divergence)
      throws IOException {
    List<String> want = Files.readAllLines(resource("expected-" + divergence + ".jsonl"));
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (String line : want) {
      JsonNode w = JsonLine.MAPPER.readTree(line);
      for (String field : List.of("chosen_reward", "rejected_reward")) {
        min = Math.min(min, w.get(field).asDouble());
        max = Math.max(max, w.get(field).asDouble());
      }
    }
    double bound = 0.5 * Math.max(Math.abs(min), Math.abs(max));
    int firstLine = 0;
    long beyond = 0;
    String field = null;
    for (int i = 0; i < want.size(); i++) {
      JsonNode w = JsonLine.MAPPER.readTree(want.get(i));
      boolean c = Math.abs(w.get("chosen_reward").asDouble()) > bound;
      boolean r = Math.abs(w.get("rejected_reward").asDouble()) > bound;
      if ((c || r) && firstLine == 0) {
        firstLine = i + 1;
        field = c ? "chosen_reward" : "rejected_reward";
      }
      beyond += c || r ? 1 : 0;
    }
    String[] args = {"dpo-score", "--input", resource("pairs.jsonl").toString(), "--output",
        tmp.resolve("scores.jsonl").toString(), "--beta", "0.1", "--weights", "0.2,0.3,0.5",
        "--divergence", divergence};
    CliRunner.Result fails = CliTests.ok(CliTests.with(args, "--implicit-reward-bound",
        Double.toString(bound)));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("implicit rewards in \\[([^,]+),"
        + " ([^\\]]+)\\]").matcher(fails.err());
    assertThat(m.find()).as(fails.err()).isTrue();
    assertThat(Double.parseDouble(m.group(1))).isCloseTo(min, within(1e-5 * Math.abs(min)));
    assertThat(Double.parseDouble(m.group(2))).isCloseTo(max, within(1e-5 * Math.abs(max)));
    String name = divergence.equals("reverse-kl") ? "D.1" : "D.2";
    assertThat(fails.err()).contains("bounded implicit reward (Assumption " + name + ", |r| <= "
        + bound + "): fails for " + beyond + " pairs, first at line " + firstLine + ", " + field);
    CliRunner.Result holds = CliTests.ok(CliTests.with(args, "--implicit-reward-bound",
        Double.toString(3 * bound)));
    assertThat(holds.err()).contains("(Assumption " + name + ", |r| <= " + 3 * bound
        + "): holds for every pair");
    assertThat(CliRunner.run(CliTests.with(args, "--implicit-reward-bound", "0")).err())
        .contains("--implicit-reward-bound must be finite and > 0, got 0.0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"reverse-kl", "forward-kl"})
  void matchesTheNumpyTwin(String divergence) throws IOException {
    Path out = tmp.resolve("scores.jsonl");
    CliRunner.Result r = CliRunner.run("dpo-score", "--input",
        resource("pairs.jsonl").toString(), "--output", out.toString(), "--beta", "0.1",
        "--weights", "0.2,0.3,0.5", "--divergence", divergence, "--batch", "7", "--threads",
        "3");
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> got = Files.readAllLines(out);
    List<String> want = Files.readAllLines(resource("expected-" + divergence + ".jsonl"));
    assertThat(got).hasSameSizeAs(want);
    int correct = 0;
    double lossSum = 0;
    for (int i = 0; i < want.size(); i++) {
      JsonNode g = JsonLine.MAPPER.readTree(got.get(i));
      JsonNode w = JsonLine.MAPPER.readTree(want.get(i));
      for (String field : List.of("loss", "logit", "grad_chosen", "grad_rejected",
          "chosen_reward", "rejected_reward")) {
        assertThat(g.get(field).asDouble()).as("%s line %d %s", divergence, i, field)
            .isCloseTo(w.get(field).asDouble(), within(1e-12 * (1 + Math.abs(
                w.get(field).asDouble()))));
      }
      correct += w.get("logit").asDouble() > 0 ? 1 : 0;
      lossSum += w.get("loss").asDouble();
    }
    assertThat(r.err()).startsWith(String.format(java.util.Locale.ROOT,
        "multiref dpo-score: 40 pairs, divergence %s, loss sigmoid, fixed weights, beta 0.1:"
            + " mean loss %.6g, reward accuracy %.4f", divergence, lossSum / 40, correct / 40.0));
  }

  @Test
  void resultsDoNotDependOnThreadsOrBatches() throws IOException {
    Path in = resource("pairs.jsonl");
    String a = CliRunner.run("dpo-score", "--input", in.toString(), "--beta", "0.3",
        "--divergence", "alpha:a=0.5", "--adaptive-weights", "--threads", "1").out();
    String b = CliRunner.run("dpo-score", "--input", in.toString(), "--beta", "0.3",
        "--divergence", "alpha:a=0.5", "--adaptive-weights", "--threads", "4", "--batch", "3")
        .out();
    assertThat(b).isEqualTo(a).hasLineCount(40);
  }

  private static final String GOOD = "{\"chosen_logps\": -1.0, \"rejected_logps\": -2.0,"
      + " \"ref_chosen_logps\": [-1.5, -1.2], \"ref_rejected_logps\": [-1.8, -2.5]}";

  private void assertRefused(String message, String second, String... options)
      throws IOException {
    Path in = tmp.resolve("in.jsonl");
    Files.writeString(in, GOOD + "\n" + second + "\n");
    Path out = tmp.resolve("existing.jsonl");
    Files.writeString(out, "keep me\n");
    String[] args = new String[7 + options.length];
    System.arraycopy(new String[] {"dpo-score", "--input", in.toString(), "--output",
        out.toString(), "--beta", "0.1"}, 0, args, 0, 7);
    System.arraycopy(options, 0, args, 7, options.length);
    CliRunner.Result r = CliRunner.run(args);
    assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("multiref: error: " + message + System.lineSeparator());
    assertThat(Files.readString(out)).isEqualTo("keep me\n");
    try (var files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
    }
  }

  @Test
  void badLinesAreNamed() throws IOException {
    assertRefused("line 2, column 19: malformed JSON: Unexpected end-of-input: expected close"
        + " marker for Object", "{\"chosen_logps\": 1");
    assertRefused("line 2: field 'rejected_logps' is NaN; expected a finite number",
        "{\"chosen_logps\": -1, \"rejected_logps\": NaN, \"ref_chosen_logps\": [-1, -1],"
            + " \"ref_rejected_logps\": [-1, -1]}");
    assertRefused("line 2: field 'ref_rejected_logps' has 1 entries but 'ref_chosen_logps' has 2",
        "{\"chosen_logps\": -1, \"rejected_logps\": -1, \"ref_chosen_logps\": [-1, -1],"
            + " \"ref_rejected_logps\": [-1]}");
    assertRefused("line 2: field 'ref_chosen_logps' has 3 references but earlier lines have 2",
        "{\"chosen_logps\": -1, \"rejected_logps\": -1, \"ref_chosen_logps\": [-1, -1, -1],"
            + " \"ref_rejected_logps\": [-1, -1, -1]}");
    assertRefused("line 2: missing field 'ref_chosen_logps'",
        "{\"chosen_logps\": -1, \"rejected_logps\": -1}");
  }

  /**
   * Lines are parsed in parallel chunks: with bad lines in several chunks of several batches, the
   * error is still the first bad line of the file, and nothing is written.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void theFirstBadLineIsNamedWhateverTheChunkThatFindsIt(int threads) throws IOException {
    StringBuilder text = new StringBuilder();
    for (int line = 1; line <= 500; line++) {
      text.append(line == 120 ? "{\"chosen_logps\": 1" : line == 77 || line == 300
          ? GOOD.replace("-2.0", "NaN") : GOOD).append('\n');
    }
    Path in = tmp.resolve("many.jsonl");
    Files.writeString(in, text);
    Path out = tmp.resolve("many-out.jsonl");
    CliRunner.Result r = CliRunner.run("dpo-score", "--input", in.toString(), "--output",
        out.toString(), "--beta", "0.1", "--batch", "64", "--threads", String.valueOf(threads));
    assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("multiref: error: line 77: field 'rejected_logps' is NaN;"
        + " expected a finite number" + System.lineSeparator());
    assertThat(out).doesNotExist();
  }

  @Test
  void badOptionsAreNamed() throws IOException {
    assertRefused("line 1: field 'ref_chosen_logps' has 2 references but --weights has 3", GOOD,
        "--weights", "0.2,0.3,0.5");
    assertRefused("--loss: unknown loss 'kto'; known: sigmoid, hinge, ipo", GOOD, "--loss",
        "kto");
    assertRefused("--weights and --adaptive-weights exclude each other", GOOD, "--weights",
        "0.5,0.5", "--adaptive-weights");
    assertRefused("unknown divergence 'tv'; registered: alpha, forward-kl, jensen-shannon,"
        + " pearson-chi2, reverse-kl, squared-hellinger", GOOD, "--divergence", "tv");
  }

  private static final String TRL_PAIR = "{\"prompt\": \"Why?\", \"chosen\": \"Because.\","
      + " \"rejected\": \"No.\", \"chosen_logps\": -55.5, \"rejected_logps\": -61.25,"
      + " \"ref_chosen_logps\": -57.0, \"ref_rejected_logps\": -60.0}";

  @Test
  void aScalarReferenceIsOneReferenceAndTheKeysAreCopied() throws IOException {
    Path scalar = tmp.resolve("trl.jsonl");
    Files.writeString(scalar, TRL_PAIR + "\n");
    Path array = tmp.resolve("array.jsonl");
    Files.writeString(array, TRL_PAIR.replace("-57.0", "[-57.0]").replace("-60.0", "[-60.0]")
        + "\n");
    CliRunner.Result a = CliRunner.run("dpo-score", "--input", scalar.toString(), "--beta", "0.1");
    CliRunner.Result b = CliRunner.run("dpo-score", "--input", array.toString(), "--beta", "0.1");
    assertThat(a.exitCode()).as(a.err()).isZero();
    assertThat(a.out()).isEqualTo(b.out())
        .startsWith("{\"prompt\":\"Why?\",\"chosen\":\"Because.\",\"rejected\":\"No.\","
            + "\"loss\":");
    // standard DPO: z = beta ((l_w - ref_w) - (l_l - ref_l)) = 0.1 (1.5 + 1.25)
    JsonNode line = JsonLine.MAPPER.readTree(a.out());
    assertThat(line.get("logit").asDouble()).isCloseTo(0.275, within(1e-15));
  }

  @Test
  void positiveLogProbabilitiesAreRefused() throws IOException {
    Path in = tmp.resolve("positive.jsonl");
    Files.writeString(in, TRL_PAIR.replace("-55.5", "5.0") + "\n");
    CliRunner.Result r = CliRunner.run("dpo-score", "--input", in.toString(), "--beta", "0.1");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("multiref: error: line 1: field 'chosen_logps' is 5.0; a"
        + " log-probability must be <= 0 (up to 1.0E-12 above 0 is taken as rounding)"
        + System.lineSeparator());
  }
}

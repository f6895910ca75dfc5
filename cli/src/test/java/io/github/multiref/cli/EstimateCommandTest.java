package io.github.multiref.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.multiref.referee.DuckDbTests;
import io.github.multiref.rewards.io.JsonLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code estimate} against a numpy/scipy twin: {@code /estimate/samples.jsonl} and every output
 * field in {@code /estimate/exact.json} were made by {@code python3
 * benchmarks/python/sampled_twin.py cli/src/test/resources/estimate 12 50 24 3 2 1} (12 prompts, 24
 * samples each from the references' mixture over 50 responses), which computes them from the
 * definitions with its own code (lambda by scipy's Brent method).
 */
class EstimateCommandTest extends DuckDbTests {

  @TempDir Path tmp;

  private static JsonNode twin() throws IOException {
    try (var in = EstimateCommandTest.class.getResourceAsStream("/estimate/exact.json")) {
      return JsonLine.MAPPER.readTree(in);
    }
  }

  private static List<JsonNode> lines(Path file) throws IOException {
    return Files.readAllLines(file).stream().map(l -> {
      try {
        return JsonLine.MAPPER.readTree(l);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"reverse-kl", "forward-kl"})
  void everyFieldMatchesTheTwin(String divergence) throws Exception {
    Path in = CliTests.fixture(tmp, "/estimate/samples.jsonl");
    Path out = tmp.resolve("out.jsonl");
    CliRunner.Result r = CliTests.ok("estimate", "--input", in.toString(), "--output",
        out.toString(), "--beta", "1", "--divergence", divergence);
    assertThat(r.err()).contains("multiref estimate: 12 prompts, 288 samples, divergence "
        + divergence);
    List<JsonNode> got = lines(out);
    JsonNode fields = twin().get("fields");
    assertThat(got).hasSize(12);
    for (int p = 0; p < 12; p++) {
      JsonNode want = fields.get(p).get(divergence);
      JsonNode line = got.get(p);
      assertThat(line.get("prompt").asText()).isEqualTo("p" + p);
      for (int j = 0; j < 24; j++) {
        assertThat(line.get("log_weights").get(j).asDouble())
            .isCloseTo(want.get("log_weights").get(j).asDouble(), within(1e-11));
      }
      for (String scalar : new String[] {"value", "expected_reward", "ess"}) {
        assertThat(line.get(scalar).asDouble()).as(scalar)
            .isCloseTo(want.get(scalar).asDouble(), within(1e-10));
      }
      for (int i = 0; i < 2; i++) {
        assertThat(line.get("value_ci").get(i).asDouble())
            .isCloseTo(want.get("value_ci").get(i).asDouble(), within(1e-10));
        assertThat(line.get("kl_to_references").get(i).asDouble())
            .isCloseTo(want.get("kl_to_references").get(i).asDouble(), within(1e-10));
      }
      if (divergence.equals("reverse-kl")) {
        assertThat(line.get("log_normalizer").asDouble())
            .isCloseTo(want.get("log_normalizer").asDouble(), within(1e-11));
        assertThat(line.get("lambda").isNull()).isTrue();
      } else {
        assertThat(line.get("lambda").asDouble())
            .isCloseTo(want.get("lambda").asDouble(), within(1e-11));
        assertThat(line.get("log_normalizer").isNull()).isTrue();
      }
      assertThat(line.get("ess_warning").asBoolean())
          .isEqualTo(want.get("ess").asDouble() < 2.4);
    }
  }

  @Test
  void parquetInAndOutHoldTheBitsOfJsonl() throws Exception {
    Path jsonl = CliTests.fixture(tmp, "/estimate/samples.jsonl");
    Path parquet = tmp.resolve("samples.parquet");
    duck.sql("COPY (SELECT * FROM read_json('" + jsonl + "')) TO '" + parquet
        + "' (FORMAT parquet, ROW_GROUP_SIZE 5)");
    Path a = tmp.resolve("a.jsonl");
    Path b = tmp.resolve("b.jsonl");
    CliTests.ok("estimate", "--input", jsonl.toString(), "--output", a.toString(), "--beta", "1",
        "--resample", "5", "--seed", "9");
    CliTests.ok("estimate", "--input", parquet.toString(), "--output", b.toString(), "--beta",
        "1", "--resample", "5", "--seed", "9", "--batch", "3", "--threads", "2");
    assertThat(Files.readString(b)).isEqualTo(Files.readString(a)).hasLineCount(12);
    Path table = tmp.resolve("out.parquet");
    CliTests.ok("estimate", "--input", jsonl.toString(), "--output", table.toString(), "--beta",
        "1", "--resample", "5", "--seed", "9");
    List<JsonNode> text = lines(a);
    List<double[]> weights = duck.lists("SELECT log_weights FROM '" + table + "'");
    List<Double> values = duck.doubles("SELECT value FROM '" + table + "'");
    List<String> warnings = duck.strings("SELECT ess_warning::VARCHAR FROM '" + table + "'");
    List<String> drawn = duck.strings("SELECT resampled::VARCHAR FROM '" + table + "'");
    for (int p = 0; p < 12; p++) {
      JsonNode line = text.get(p);
      assertThat(values.get(p)).isEqualTo(line.get("value").asDouble());
      for (int j = 0; j < 24; j++) {
        assertThat(weights.get(p)[j]).isEqualTo(line.get("log_weights").get(j).asDouble());
      }
      assertThat(warnings.get(p)).isEqualTo(line.get("ess_warning").asText());
      assertThat(drawn.get(p)).isEqualTo(line.get("resampled").toString().replace("\"", "")
          .replace(",", ", "));
    }
  }

  @Test
  void resamplingIsReproducibleAndDrawsOnlyTheSamples() throws Exception {
    Path in = CliTests.fixture(tmp, "/estimate/samples.jsonl");
    Path a = tmp.resolve("a.jsonl");
    Path b = tmp.resolve("b.jsonl");
    Path c = tmp.resolve("c.jsonl");
    CliTests.ok("estimate", "--input", in.toString(), "--output", a.toString(), "--beta", "1",
        "--resample", "50", "--seed", "1", "--threads", "1");
    CliTests.ok("estimate", "--input", in.toString(), "--output", b.toString(), "--beta", "1",
        "--resample", "50", "--seed", "1", "--threads", "2");
    CliTests.ok("estimate", "--input", in.toString(), "--output", c.toString(), "--beta", "1",
        "--resample", "50", "--seed", "2");
    assertThat(Files.readString(b)).isEqualTo(Files.readString(a));
    assertThat(Files.readString(c)).isNotEqualTo(Files.readString(a));
    for (JsonNode line : lines(a)) {
      assertThat(line.get("resampled")).hasSize(50);
      List<String> responses = JsonLine.MAPPER.convertValue(line.get("responses"),
          JsonLine.MAPPER.getTypeFactory().constructCollectionType(List.class, String.class));
      line.get("resampled").forEach(d -> assertThat(responses).contains(d.asText()));
    }
  }

  @Test
  void badInputIsRefusedByLineAndFieldAndNothingIsWritten() throws IOException {
    Path in = tmp.resolve("in.jsonl");
    Path out = tmp.resolve("out.jsonl");
    String good = "{\"prompt\": \"a\", \"responses\": [\"x\", \"y\"], \"reward\": [1, 2],"
        + " \"ref_logprobs\": [[-50, -60]], \"proposal_logprobs\": [-55, -58]}\n";
    Files.writeString(in, good + "{\"prompt\": \"b\", \"responses\": [\"x\", \"y\"], \"reward\":"
        + " [1, 2], \"ref_logprobs\": [[-50, -60]], \"proposal_logprobs\": [-55, 0.5]}\n");
    CliTests.assertRefused("line 2: field 'proposal_logprobs[1]' is 0.5; expected the finite"
        + " log-probability <= 0 of a response drawn from the proposal", "estimate", "--input",
        in.toString(), "--output", out.toString(), "--beta", "1");
    Files.writeString(in, good + "{\"prompt\": \"b\", \"responses\": [\"x\", \"y\"], \"reward\":"
        + " [1, 2], \"ref_logprobs\": [[-50, -60]], \"proposal_logprobs\": [-55]}\n");
    CliTests.assertRefused("line 2: field 'proposal_logprobs' has 1 entries but 'responses' has"
        + " 2", "estimate", "--input", in.toString(), "--output", out.toString(), "--beta", "1");
    Files.writeString(in, good + "{\"prompt\": \"b\", \"responses\": [\"x\"], \"reward\": [1],"
        + " \"ref_logprobs\": [[-Infinity]], \"proposal_logprobs\": [-5]}\n");
    CliTests.assertRefused("line 2: no sample has positive weight under the optimum: every"
        + " sample has zero mass under a reference of positive weight", "estimate", "--input",
        in.toString(), "--output", out.toString(), "--beta", "1");
    Files.writeString(in, good + "{\"prompt\": \"b\", \"responses\": [\"x\"], \"reward\": [1],"
        + " \"ref_logprobs\": [[-1], [-2]], \"proposal_logprobs\": [-5]}\n");
    CliTests.assertRefused("line 2: field 'ref_logprobs' has 2 references but earlier lines"
        + " have 1", "estimate", "--input", in.toString(), "--output", out.toString(), "--beta",
        "1");
    CliTests.assertRefused("--divergence must be reverse-kl or forward-kl for estimate, got"
        + " 'alpha:a=0.5'", "estimate", "--input", in.toString(), "--output", out.toString(),
        "--beta", "1", "--divergence", "alpha:a=0.5");
  }

  @Test
  void aPoorProposalIsFlaggedOnStderrAndInTheOutput() throws IOException {
    Path in = tmp.resolve("in.jsonl");
    Path out = tmp.resolve("out.jsonl");
    // the proposal puts almost all its mass where the optimum has almost none
    StringBuilder line = new StringBuilder("{\"prompt\": \"poor\", \"responses\": [");
    StringBuilder reward = new StringBuilder();
    StringBuilder ref = new StringBuilder();
    StringBuilder q = new StringBuilder();
    for (int j = 0; j < 20; j++) {
      String sep = j == 0 ? "" : ", ";
      line.append(sep).append("\"y").append(j).append('"');
      reward.append(sep).append(j == 0 ? 10 : 0);
      ref.append(sep).append(-100 - j);
      q.append(sep).append(j == 0 ? -300 : -100);
    }
    Files.writeString(in, line + "], \"reward\": [" + reward + "], \"ref_logprobs\": [[" + ref
        + "]], \"proposal_logprobs\": [" + q + "]}\n");
    CliRunner.Result r = CliTests.ok("estimate", "--input", in.toString(), "--output",
        out.toString(), "--beta", "1");
    assertThat(r.err()).contains("multiref estimate: warning: line 1 (prompt 'poor'): effective"
        + " sample size 1.000 of 20 samples, below 0.1 N; the estimate is not to be trusted");
    JsonNode o = lines(out).get(0);
    assertThat(o.get("ess_warning").asBoolean()).isTrue();
    assertThat(o.get("ess").asDouble()).isCloseTo(1, within(1e-9));
  }
}

package io.github.multiref.cli;

import io.github.multiref.rewards.io.JsonLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code multiref solve} end to end (in-process). Expected values come from the numpy twin
 * ({@code benchmarks/python/numpy_twin.py fixture}), written independently from docs/math.md.
 */
class SolveCommandTest {

  @TempDir Path tmp;

  /** The numpy twin and the solvers agree to a few ulps: 1e-14 relative, for values of size 1. */
  private static org.assertj.core.data.Offset<Double> twin(double want) {
    return within(1e-14 * Math.max(1, Math.abs(want)));
  }

  private Path resource(String name) throws IOException {
    Path p = tmp.resolve(name);
    try (InputStream in = getClass().getResourceAsStream("/solve/" + name)) {
      Files.copy(in, p);
    }
    return p;
  }

  private Path write(String name, String... lines) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, String.join("\n", lines) + "\n");
    return p;
  }

  @ParameterizedTest
  @ValueSource(strings = {"reverse-kl", "forward-kl"})
  void matchesTheNumpyTwin(String divergence) throws IOException {
    Path input = resource("input.jsonl");
    Path expected = resource("expected-" + divergence + ".jsonl");
    Path output = tmp.resolve("out.jsonl");
    CliRunner.Result r = CliRunner.run("solve", "--input", input.toString(), "--output",
        output.toString(), "--beta", "0.25", "--weights", "0.2,0.3,0.5", "--divergence",
        divergence);
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("multiref solve: 12 prompts").contains(divergence);
    List<String> got = Files.readAllLines(output);
    List<String> want = Files.readAllLines(expected);
    assertThat(got).hasSameSizeAs(want);
    for (int i = 0; i < want.size(); i++) {
      JsonNode g = JsonLine.MAPPER.readTree(got.get(i));
      JsonNode w = JsonLine.MAPPER.readTree(want.get(i));
      assertThat(g.get("prompt").asText()).isEqualTo(w.get("prompt").asText());
      for (String field : List.of("policy_logprobs", "reference_logprobs")) {
        for (int y = 0; y < w.get(field).size(); y++) {
          double want1 = w.get(field).get(y).asDouble();
          assertThat(g.get(field).get(y).asDouble()).as("%s line %d %s[%d]", divergence, i,
              field, y).isCloseTo(want1, twin(want1));
        }
      }
      double objective = w.get("objective").asDouble();
      assertThat(g.get("objective").asDouble()).isCloseTo(objective, twin(objective));
      double upper = w.get("upper_bound").asDouble(); // Hoelder's, or Corollary C.1's
      assertThat(g.get("upper_bound").asDouble()).as("%s line %d upper_bound", divergence, i)
          .isCloseTo(upper, twin(upper));
      if (divergence.equals("reverse-kl")) {
        assertThat(g.get("lambda").isNull()).isTrue();
      } else {
        assertThat(g.get("lambda").asDouble()).isCloseTo(w.get("lambda").asDouble(),
            within(1e-12 * w.get("lambda").asDouble()));
      }
    }
  }

  @Test
  void writesCsvWithQuotedPrompts() throws IOException {
    CliRunner.Result r = CliRunner.run("solve", "--input", resource("input.jsonl").toString(),
        "--beta", "0.25", "--format", "csv");
    assertThat(r.exitCode()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0))
        .isEqualTo("prompt,objective,upper_bound,lambda,policy_logprobs,reference_logprobs");
    assertThat(lines).hasSize(13);
    assertThat(lines.get(1)).startsWith("\"prompt 0, with a comma\",");
    assertThat(SolveCommand.csvQuote("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
  }

  @Test
  void noNormalizeAcceptsDistributionsAndRefusesOthers() throws IOException {
    Path ok = write("ok.jsonl", "{\"prompt\": \"p\", \"responses\": [\"a\", \"b\"], \"reward\":"
        + " [0, 1], \"ref_logprobs\": [[-0.6931471805599453, -0.6931471805599453]]}");
    assertThat(CliRunner.run("solve", "--input", ok.toString(), "--beta", "1",
        "--no-normalize").exitCode()).isZero();
    Path bad = write("bad.jsonl", "{\"prompt\": \"p\", \"responses\": [\"a\", \"b\"],"
        + " \"reward\": [0, 1], \"ref_logprobs\": [[-1, -1]]}");
    CliRunner.Result r = CliRunner.run("solve", "--input", bad.toString(), "--beta", "1",
        "--no-normalize");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("multiref: error: line 1: field 'ref_logprobs[0]' sums to"
        + " 0.7357588823428847 in probability; expected 1 within 1.0E-6 (without --no-normalize"
        + " each reference is renormalized over the candidates)" + System.lineSeparator());
  }

  private static final String GOOD = "{\"prompt\": \"p\", \"responses\": [\"a\", \"b\", \"c\"],"
      + " \"reward\": [0, 1, 0.5], \"ref_logprobs\": [[-1, -2, -3], [-2, -1, -1]]}";

  /**
   * Runs a second, bad line after a good one into an existing output file, with {@code options}
   * following {@code --beta}, and checks the message and that the file is untouched.
   */
  private void assertRefused(String expectedMessage, String input, String... options)
      throws IOException {
    Path in = write("in.jsonl", GOOD, input);
    Path out = write("existing.jsonl", "previous contents");
    String[] args = new String[6 + options.length];
    System.arraycopy(new String[] {"solve", "--input", in.toString(), "--output",
        out.toString(), "--beta"}, 0, args, 0, 6);
    System.arraycopy(options, 0, args, 6, options.length);
    CliRunner.Result r = CliRunner.run(args);
    assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("multiref: error: " + expectedMessage
        + System.lineSeparator());
    assertThat(r.out()).isEmpty();
    assertThat(Files.readString(out)).isEqualTo("previous contents\n");
    try (var files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
    }
  }

  @Test
  void malformedJson() throws IOException {
    assertRefused("line 2, column 12: malformed JSON: Unexpected character (',' (code 44)):"
        + " expected a valid value (JSON String, Number (or 'NaN'/'+INF'/'-INF'), Array, Object"
        + " or token 'null', 'true' or 'false')", "{\"prompt\": ,}", "1");
    assertRefused("line 2: expected a JSON object, got array", "[1, 2]", "1");
  }

  @Test
  void wrongArrayLengths() throws IOException {
    assertRefused("line 2: field 'ref_logprobs[1]' has 2 entries but 'responses' has 3",
        "{\"prompt\": \"q\", \"responses\": [\"a\", \"b\", \"c\"], \"reward\": [0, 1, 0.5],"
            + " \"ref_logprobs\": [[-1, -2, -3], [-2, -1]]}", "1");
    assertRefused("line 2: field 'reward' has 2 entries but 'responses' has 3",
        "{\"prompt\": \"q\", \"responses\": [\"a\", \"b\", \"c\"], \"reward\": [0, 1],"
            + " \"ref_logprobs\": [[-1, -2, -3]]}", "1");
  }

  @Test
  void nanAndMissingFields() throws IOException {
    assertRefused("line 2: field 'reward[1]' is NaN; expected a finite number",
        "{\"prompt\": \"q\", \"responses\": [\"a\", \"b\"], \"reward\": [0, NaN],"
            + " \"ref_logprobs\": [[-1, -2]]}", "1");
    assertRefused("line 2: field 'ref_logprobs[0][0]' is Infinity; expected a finite number or"
        + " -Infinity", "{\"prompt\": \"q\", \"responses\": [\"a\", \"b\"], \"reward\": [0, 1],"
            + " \"ref_logprobs\": [[Infinity, -2]]}", "1");
    assertRefused("line 2: missing field 'reward'",
        "{\"prompt\": \"q\", \"responses\": [\"a\"], \"ref_logprobs\": [[-1]]}", "1");
  }

  @Test
  void badOptions() throws IOException {
    assertRefused("--beta must be finite and > 0, got 0.0", GOOD, "0");
    assertRefused("--weights: weight 2 is -0.5; weights must be finite and non-negative", GOOD,
        "1", "--weights", "1.5,-0.5");
    assertRefused("--weights must sum to 1 within 1e-6, got 0.9", GOOD, "1", "--weights",
        "0.4,0.5");
    assertRefused("line 1: field 'ref_logprobs' has 2 references but --weights has 3", GOOD, "1",
        "--weights", "0.2,0.3,0.5");
    assertRefused("unknown divergence 'kl'; registered: alpha, forward-kl, jensen-shannon,"
        + " pearson-chi2, reverse-kl, squared-hellinger", GOOD, "1", "--divergence", "kl");
    assertRefused("solver 'mrpo' does not solve divergence 'forward-kl'", GOOD, "1",
        "--divergence", "forward-kl", "--solver", "mrpo");
  }

  @Test
  void emptyEscortSupportNamesLineAndPrompt() throws IOException {
    assertRefused("line 2: prompt 'disjoint': the escort combination of the references has"
        + " empty support: no response has positive probability under every reference with"
        + " positive weight", "{\"prompt\": \"disjoint\", \"responses\": [\"a\", \"b\"],"
        + " \"reward\": [0, 1], \"ref_logprobs\": [[0, -Infinity], [-Infinity, 0]]}", "1");
  }

  @Test
  void aMissingInputFileIsNamed() {
    CliRunner.Result r = CliRunner.run("solve", "--input", tmp.resolve("nope.jsonl").toString(),
        "--beta", "1");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("multiref: error: input file " + tmp.resolve("nope.jsonl")
        + " does not exist" + System.lineSeparator());
  }

  @Test
  void resultsDoNotDependOnThreadsOrBatchSize() throws IOException {
    Path input = resource("input.jsonl");
    String one = CliRunner.run("solve", "--input", input.toString(), "--beta", "0.1",
        "--divergence", "jensen-shannon", "--threads", "1", "--batch", "1").out();
    String many = CliRunner.run("solve", "--input", input.toString(), "--beta", "0.1",
        "--divergence", "jensen-shannon", "--threads", "3", "--batch", "5").out();
    assertThat(many).isEqualTo(one).hasLineCount(12);
    assertThat(new String(one.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .contains("\"reference_logprobs\":null");
  }

  @Test
  void everyLineMustHaveTheReferenceCountOfTheFirstWithOrWithoutWeights() throws IOException {
    String three = "{\"prompt\": \"q\", \"responses\": [\"a\", \"b\", \"c\"], \"reward\":"
        + " [0, 1, 0.5], \"ref_logprobs\": [[-1, -2, -3], [-2, -1, -1], [-1, -1, -1]]}";
    assertRefused("line 2: field 'ref_logprobs' has 3 references but earlier lines have 2",
        three, "1");
    assertRefused("line 2: field 'ref_logprobs' has 3 references but earlier lines have 2",
        three, "1", "--weights", "0.5,0.5");
  }

  @Test
  void positiveLogProbabilitiesAreRefusedBeyondRounding() throws IOException {
    assertRefused("line 2: field 'ref_logprobs[0][1]' is 5.0; a log-probability must be <= 0"
        + " (up to 1.0E-12 above 0 is taken as rounding)", GOOD.replace("[-1, -2, -3]",
            "[-1, 5.0, -3]"), "1");
    Path in = write("rounding.jsonl", GOOD.replace("[-1, -2, -3]", "[1e-15, -2, -3]"));
    assertThat(CliRunner.run("solve", "--input", in.toString(), "--beta", "1").exitCode())
        .isZero();
  }

  @Test
  void aReferenceWithWeightZeroNeverMattersEvenWithoutMass() throws IOException {
    Path with = write("with.jsonl", GOOD.replace("[[-1, -2, -3], [-2, -1, -1]]",
        "[[-1, -2, -3], [-Infinity, -Infinity, -Infinity], [-2, -1, -1]]"));
    Path without = write("without.jsonl", GOOD);
    CliRunner.Result a = CliRunner.run("solve", "--input", with.toString(), "--beta", "0.5",
        "--weights", "0.3,0,0.7");
    CliRunner.Result b = CliRunner.run("solve", "--input", without.toString(), "--beta", "0.5",
        "--weights", "0.3,0.7");
    assertThat(a.exitCode()).as(a.err()).isZero();
    assertThat(a.out()).isEqualTo(b.out());
  }

  @Test
  void theOutputCarriesTheResponsesOfItsInput() throws IOException {
    CliRunner.Result r = CliRunner.run("solve", "--input", write("in.jsonl", GOOD).toString(),
        "--beta", "1");
    assertThat(r.out()).startsWith("{\"prompt\":\"p\",\"responses\":[\"a\",\"b\",\"c\"],"
        + "\"policy_logprobs\":[");
  }

  @Test
  void anOutputPathThatCannotBeWrittenSaysWhy() throws IOException {
    Path in = write("in.jsonl", GOOD);
    CliRunner.Result missing = CliRunner.run("solve", "--input", in.toString(), "--beta", "1",
        "--output", tmp.resolve("no/such/dir/o.jsonl").toString());
    assertThat(missing.err()).isEqualTo("multiref: error: --output "
        + tmp.resolve("no/such/dir/o.jsonl") + ": the directory " + tmp.resolve("no/such/dir")
        + " does not exist" + System.lineSeparator());
    CliRunner.Result directory = CliRunner.run("solve", "--input", in.toString(), "--beta", "1",
        "--output", tmp.toString());
    assertThat(directory.err()).isEqualTo("multiref: error: --output " + tmp
        + " is a directory; give the name of a file to write" + System.lineSeparator());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(directory.exitCode()).isEqualTo(1);
  }

  /**
   * References 100 nats apart, where f'(inf) is finite: the general solver returned 0.5 for
   * squared Hellinger (policy on the first response) and a NaN for Jensen-Shannon. The optima, by
   * the mpmath solver of the contract kit's general-f/generate.py at 400 digits: 0.82 with policy
   * (0.04, 0.96, e^-204.605), and 0.86204663883295978643 with log policy (-4.9932392505505111627,
   * -0.0068067684822358300732, -109.99995459903962896).
   */
  @Test
  void referencesHundredsOfNatsApartAreSolvedExactly() throws IOException {
    Path h = write("h.jsonl", "{\"prompt\":\"d=100\",\"responses\":[\"a\",\"b\",\"c\"],"
        + "\"reward\":[0.5,1.0,0.0],\"ref_logprobs\":[[0.0,-100.0,-200.0]]}");
    CliRunner.Result hellinger = CliRunner.run("solve", "--input", h.toString(), "--beta", "0.1",
        "--divergence", "squared-hellinger");
    assertThat(hellinger.exitCode()).as(hellinger.err()).isZero();
    var line = io.github.multiref.rewards.io.JsonLine.MAPPER.readTree(hellinger.out());
    assertThat(line.get("objective").asDouble()).isCloseTo(0.82, within(1e-12));
    double[] want = {-3.2188758248682006382, -0.040821994520255134181, -204.60517018598809126};
    for (int y = 0; y < 3; y++) {
      assertThat(line.get("policy_logprobs").get(y).asDouble()).as("log pi(%s)", y)
          .isCloseTo(want[y], within(1e-12 * Math.abs(want[y])));
    }
    Path js = write("js.jsonl", "{\"prompt\":\"x\",\"responses\":[\"a\",\"b\",\"c\"],"
        + "\"reward\":[0.5,1.0,0.0],\"ref_logprobs\":[[-50.0,-100.0,-150.0]]}");
    CliRunner.Result jensen = CliRunner.run("solve", "--input", js.toString(), "--beta", "0.1",
        "--divergence", "jensen-shannon");
    assertThat(jensen.exitCode()).as(jensen.err()).isZero();
    line = io.github.multiref.rewards.io.JsonLine.MAPPER.readTree(jensen.out());
    assertThat(line.get("objective").asDouble()).isCloseTo(0.86204663883295978643,
        within(1e-12));
    double[] wantJs = {-4.9932392505505111627, -0.0068067684822358300732, -109.99995459903962896};
    for (int y = 0; y < 3; y++) {
      assertThat(line.get("policy_logprobs").get(y).asDouble()).as("log pi(%s)", y)
          .isCloseTo(wantJs[y], within(1e-10 * Math.abs(wantJs[y])));
    }
  }
}

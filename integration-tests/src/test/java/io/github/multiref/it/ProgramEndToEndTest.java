package io.github.multiref.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The built program, run as a separate process on files, as a user runs it. Expected values come
 * from the numpy twin's fixtures ({@code benchmarks/python/numpy_twin.py} and {@code
 * numpy_dpo_twin.py}, shared with the cli module's tests) or, for the plugin divergence, from its
 * definition evaluated here; none is produced by the code under test.
 */
class ProgramEndToEndTest {

  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  @TempDir Path tmp;

  /** The numpy twin and the solvers agree to a few ulps: 1e-14 relative, for values of size 1. */
  private static org.assertj.core.data.Offset<Double> twin(double want) {
    return within(1e-14 * Math.max(1, Math.abs(want)));
  }

  private static Path fixture(String name) {
    return Path.of(System.getProperty("multiref.cliFixtures"), name);
  }

  private static Path pluginDir() {
    return Path.of(System.getProperty("multiref.pluginDir"));
  }

  private static List<JsonNode> readJsonLines(Path file) throws IOException {
    return Files.readAllLines(file).stream().map(line -> {
      try {
        return JSON.readTree(line);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + line, e);
      }
    }).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"reverse-kl", "forward-kl"})
  void solveMatchesTheNumpyTwin(String divergence) throws Exception {
    Path out = tmp.resolve("solved.jsonl");
    Program.Result r = Program.run(tmp, "solve", "--input",
        fixture("solve/input.jsonl").toString(), "--output", out.toString(), "--beta", "0.25",
        "--weights", "0.2,0.3,0.5", "--divergence", divergence);
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.errLines()).singleElement().asString().startsWith("multiref solve: 12 prompts");
    List<JsonNode> got = readJsonLines(out);
    List<JsonNode> want = readJsonLines(fixture("solve/expected-" + divergence + ".jsonl"));
    assertThat(got).hasSameSizeAs(want);
    for (int i = 0; i < want.size(); i++) {
      JsonNode g = got.get(i);
      JsonNode w = want.get(i);
      assertThat(g.get("prompt").asText()).isEqualTo(w.get("prompt").asText());
      for (int y = 0; y < w.get("policy_logprobs").size(); y++) {
        double lp = w.get("policy_logprobs").get(y).asDouble();
        assertThat(g.get("policy_logprobs").get(y).asDouble())
            .as("line %s policy_logprobs[%s]", i, y).isCloseTo(lp, twin(lp));
      }
      double objective = w.get("objective").asDouble();
      assertThat(g.get("objective").asDouble()).as("line %s objective", i)
          .isCloseTo(objective, twin(objective));
      for (String bracket : divergence.equals("reverse-kl") ? List.of("upper_bound")
          : List.of("upper_bound", "lambda")) {
        double bound = w.get(bracket).asDouble();
        assertThat(g.get(bracket).asDouble()).as("line %s %s", i, bracket)
            .isCloseTo(bound, twin(bound));
      }
    }
  }

  @Test
  void dpoScoreMatchesTheNumpyTwin() throws Exception {
    Path out = tmp.resolve("scores.jsonl");
    Program.Result r = Program.run(tmp, "dpo-score", "--input",
        fixture("dpo/pairs.jsonl").toString(), "--output", out.toString(), "--beta", "0.1",
        "--weights", "0.2,0.3,0.5", "--divergence", "forward-kl");
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<JsonNode> got = readJsonLines(out);
    List<JsonNode> want = readJsonLines(fixture("dpo/expected-forward-kl.jsonl"));
    assertThat(got).hasSameSizeAs(want);
    for (int i = 0; i < want.size(); i++) {
      for (String field : List.of("loss", "logit", "grad_chosen", "grad_rejected")) {
        double w = want.get(i).get(field).asDouble();
        assertThat(got.get(i).get(field).asDouble()).as("line %s %s", i, field)
            .isCloseTo(w, within(1e-12 * (1 + Math.abs(w))));
      }
    }
  }

  @Test
  void aPluginJarIsListedAndUsableByNameInSolveAndDpoScore() throws Exception {
    Program.Result listed = Program.run(tmp, "plugins", "--plugin-dir", pluginDir().toString());
    assertThat(listed.exitCode()).as(listed.err()).isZero();
    assertThat(listed.out()).containsPattern("neyman-chi2.*neyman-chi2\\.jar");
    Program.Result fromEnvironment = Program.run(tmp,
        Map.of("MULTIREF_PLUGINS", pluginDir().toString()), "plugins");
    assertThat(fromEnvironment.out()).contains("neyman-chi2.jar");
    Program.Result without = Program.run(tmp, "plugins");
    assertThat(without.out()).doesNotContain("neyman-chi2");

    // solve: the objective of the returned policy, from Neyman's definition sum (pi - q)^2 / pi
    Path solved = tmp.resolve("neyman.jsonl");
    double beta = 0.25;
    double[] alpha = {0.2, 0.3, 0.5};
    Program.Result r = Program.run(tmp, "solve", "--plugin-dir", pluginDir().toString(),
        "--input", fixture("solve/input.jsonl").toString(), "--output", solved.toString(),
        "--beta", "0.25", "--weights", "0.2,0.3,0.5", "--divergence", "neyman-chi2");
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<JsonNode> inputs = readJsonLines(fixture("solve/input.jsonl"));
    List<JsonNode> outputs = readJsonLines(solved);
    assertThat(outputs).hasSameSizeAs(inputs);
    for (int x = 0; x < inputs.size(); x++) {
      JsonNode in = inputs.get(x);
      JsonNode policy = outputs.get(x).get("policy_logprobs");
      int n = policy.size();
      double mass = 0;
      double objective = 0;
      for (int y = 0; y < n; y++) {
        double p = Math.exp(policy.get(y).asDouble());
        mass += p;
        objective += p * in.get("reward").get(y).asDouble();
      }
      for (int i = 0; i < alpha.length; i++) {
        double[] q = normalized(in.get("ref_logprobs").get(i));
        for (int y = 0; y < n; y++) {
          double p = Math.exp(policy.get(y).asDouble());
          objective -= beta * alpha[i] * (p - q[y]) * (p - q[y]) / p;
        }
      }
      assertThat(mass).as("prompt %s: policy mass", x).isCloseTo(1.0, within(1e-12));
      assertThat(outputs.get(x).get("objective").asDouble()).as("prompt %s: objective", x)
          .isCloseTo(objective, within(1e-9 * (1 + Math.abs(objective))));
    }

    // dpo-score: sigmoid loss of z = beta sum_i alpha_i (f'(t_iw) - f'(t_il)), f'(t) = 1 - 1/t^2
    Path scored = tmp.resolve("neyman-scores.jsonl");
    r = Program.run(tmp, "dpo-score", "--plugin-dir", pluginDir().toString(), "--input",
        fixture("dpo/pairs.jsonl").toString(), "--output", scored.toString(), "--beta", "0.1",
        "--weights", "0.2,0.3,0.5", "--divergence", "neyman-chi2");
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<JsonNode> pairs = readJsonLines(fixture("dpo/pairs.jsonl"));
    List<JsonNode> scores = readJsonLines(scored);
    assertThat(scores).hasSameSizeAs(pairs);
    for (int k = 0; k < pairs.size(); k++) {
      JsonNode pair = pairs.get(k);
      double z = 0;
      for (int i = 0; i < alpha.length; i++) {
        double tw = Math.exp(pair.get("chosen_logps").asDouble()
            - pair.get("ref_chosen_logps").get(i).asDouble());
        double tl = Math.exp(pair.get("rejected_logps").asDouble()
            - pair.get("ref_rejected_logps").get(i).asDouble());
        z += alpha[i] * ((1 - 1 / (tw * tw)) - (1 - 1 / (tl * tl)));
      }
      z *= 0.1;
      double loss = Math.log1p(Math.exp(-z));
      assertThat(scores.get(k).get("logit").asDouble()).as("pair %s logit", k)
          .isCloseTo(z, within(1e-9 * (1 + Math.abs(z))));
      assertThat(scores.get(k).get("loss").asDouble()).as("pair %s loss", k)
          .isCloseTo(loss, within(1e-9 * (1 + loss)));
    }
  }

  private static double[] normalized(JsonNode logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (JsonNode v : logits) {
      max = Math.max(max, v.asDouble());
    }
    double sum = 0;
    for (JsonNode v : logits) {
      sum += Math.exp(v.asDouble() - max);
    }
    double[] q = new double[logits.size()];
    for (int y = 0; y < q.length; y++) {
      q[y] = Math.exp(logits.get(y).asDouble() - max) / sum;
    }
    return q;
  }

  private static final String SOLVE_LINE = "{\"prompt\": \"p\", \"responses\": [\"a\", \"b\"],"
      + " \"reward\": [0, 1], \"ref_logprobs\": [[-1, -2]]}";
  private static final String PAIR_LINE = "{\"prompt\": \"q\", \"chosen_logps\": -1,"
      + " \"rejected_logps\": -2, \"ref_chosen_logps\": [-1.5], \"ref_rejected_logps\": [-1.5]}";

  private static final List<String> SOLVE = List.of("solve", "--input", "{in}", "--output",
      "{out}/result.jsonl", "--beta", "0.5");
  private static final List<String> DPO = List.of("dpo-score", "--input", "{in}", "--output",
      "{out}/result.jsonl", "--beta", "0.5");
  private static final List<String> FIT_ANY_MODEL = List.of("fit-reward", "--pairs", "{in}",
      "--class", "tabular", "--output", "{out}/reward.json");
  private static final List<String> FIT = with(FIT_ANY_MODEL, "--model", "bt");
  private static final List<String> SIMULATE = List.of("simulate", "--config", "{in}", "--out",
      "{out}/results");
  private static final String CONFIG = "{\"bandit\": {\"prompts\": 2, \"responses\": 3,"
      + " \"temperature\": 1.0, \"alpha\": [0.5, 0.5], \"beta\": 0.5, \"r_max\": 1.0},"
      + " \"reward_class\": {\"kind\": \"finite\", \"size\": 4}, \"sampling\": \"escort\","
      + " \"model\": \"bt\", \"methods\": [\"rkl\"], \"n\": [100], \"trials\": 2,"
      + " \"delta\": 0.05, \"seed\": 1}";

  private static List<String> with(List<String> base, String... more) {
    List<String> args = new java.util.ArrayList<>(base);
    args.addAll(List.of(more));
    return args;
  }

  static Stream<Arguments> badInputs() {
    return Stream.of(
        Arguments.of(SOLVE, SOLVE_LINE + "\n{\"prompt\": \"p\", \"responses\": [\"a\"",
            "line 2"),
        Arguments.of(SOLVE, SOLVE_LINE.replace("[0, 1]", "[0, 1, 2]"), "reward"),
        Arguments.of(SOLVE, SOLVE_LINE.replace("[0, 1]", "[NaN, 1]"), "NaN"),
        Arguments.of(with(SOLVE, "--divergence", "no-such-divergence"), SOLVE_LINE,
            "no-such-divergence"),
        Arguments.of(SOLVE, null, "does-not-exist"),
        Arguments.of(DPO, PAIR_LINE + "\n{\"prompt\": ", "line 2"),
        Arguments.of(DPO, PAIR_LINE.replace("[-1.5]}", "[-1.5, -2]}"), "ref_rejected_logps"),
        Arguments.of(DPO, PAIR_LINE.replace("-2,", "NaN,"), "NaN"),
        Arguments.of(with(DPO, "--divergence", "no-such-divergence"), PAIR_LINE,
            "no-such-divergence"),
        Arguments.of(DPO, null, "does-not-exist"),
        Arguments.of(FIT, "{\"prompt\": \"x\", \"chosen\": \"a\"", "line 1"),
        Arguments.of(FIT, "{\"prompt\": \"x\", \"chosen\": \"a\", \"rejected\": 3}",
            "rejected"),
        Arguments.of(with(FIT_ANY_MODEL, "--model", "no-such-model"),
            "{\"prompt\": \"x\", \"chosen\": \"a\", \"rejected\": \"b\"}", "no-such-model"),
        Arguments.of(FIT, null, "does-not-exist"),
        Arguments.of(SIMULATE, CONFIG.substring(0, 40), "not valid JSON at line 2"),
        Arguments.of(SIMULATE, CONFIG.replace("\"beta\": 0.5", "\"beta\": -1"), "beta"),
        Arguments.of(SIMULATE, CONFIG.replace("[\"rkl\"]", "[\"no-such-method\"]"),
            "no-such-method"),
        Arguments.of(SIMULATE, null, "does-not-exist"),
        Arguments.of(List.of("bounds", "--n", "100", "--beta", "NaN", "--class-size", "4"), "",
            "NaN"),
        Arguments.of(List.of("bounds", "--n", "100", "--beta", "0.5", "--class-size", "4",
            "--model", "no-such-model"), "", "no-such-model"));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("badInputs")
  void badInputStopsWithOneLineAndNoOutputFile(List<String> template, String content,
      String named) throws Exception {
    Path input = tmp.resolve("does-not-exist.jsonl");
    if (content != null) {
      input = Files.writeString(tmp.resolve("input.jsonl"), content + "\n");
    }
    Path outDir = Files.createDirectory(tmp.resolve("out"));
    List<String> args = new java.util.ArrayList<>();
    for (String arg : template) {
      args.add(arg.replace("{in}", input.toString()).replace("{out}", outDir.toString()));
    }
    Program.Result r = Program.run(tmp, args.toArray(String[]::new));
    assertThat(r.exitCode()).as("exit code").isNotZero();
    assertThat(r.errLines()).as("stderr").singleElement().asString()
        .startsWith("multiref").contains(named);
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    try (Stream<Path> left = Files.list(outDir)) {
      assertThat(left).as("files left in the output directory").isEmpty();
    }

    args.add("--verbose");
    Program.Result verbose = Program.run(tmp, args.toArray(String[]::new));
    assertThat(verbose.exitCode()).isEqualTo(r.exitCode());
    assertThat(verbose.err()).as("--verbose adds the stack trace").contains("\tat ");
  }

  @Test
  void aStoppedRunLeavesNoPartialFile() throws Exception {
    Path in = tmp.resolve("many.jsonl");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 400_000; i++) {
      b.append("{\"chosen_logps\": -").append(50 + i % 7).append(".5, \"rejected_logps\": -")
          .append(60 + i % 11).append(".25, \"ref_chosen_logps\": [-55.0, -52.5],")
          .append(" \"ref_rejected_logps\": [-58.0, -61.0]}\n");
    }
    Files.writeString(in, b);
    Path outDir = Files.createDirectory(tmp.resolve("stopped"));
    Path out = outDir.resolve("scores.jsonl");
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-jar", Program.jar().toString(), "dpo-score", "--input", in.toString(),
        "--output", out.toString(), "--beta", "0.1", "--batch", "1000", "--threads", "1");
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("log.txt").toFile()).start();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (partials(outDir) == 0 && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(partials(outDir)).as("a partial file while the run is under way").isOne();
    p.destroy(); // SIGTERM
    assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    try (Stream<Path> left = Files.list(outDir)) {
      assertThat(left).as("files left after SIGTERM").isEmpty();
    }
  }

  private static long partials(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".partial")).count();
    }
  }

  @Test
  void versionNamesTheReleaseAndTheCommit() throws Exception {
    Program.Result r = Program.run(tmp, "--version");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).matches("(?s)multiref \\d+\\.\\d+\\.\\d+\\S* \\(commit [0-9a-f]{7,}.*\\)\n"
        + "Java .*, SIMD kernels on \\(Vector API\\)\n");
  }

  @Test
  void everyCommandSummaryIsAWholeSentence() throws Exception {
    Program.Result r = Program.run(tmp, "--help");
    String commands = r.out().substring(r.out().indexOf("Commands:"));
    // each summary, its continuation lines joined, ends with a full stop
    for (String entry : commands.split("\n  (?=[a-z])")) {
      if (!entry.startsWith("Commands:")) {
        assertThat(entry.replaceAll("\\s+", " ").trim()).as("summary of %s", entry)
            .endsWith(".");
      }
    }
  }
}

package io.github.multiref.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.multiref.api.PreferenceModel;
import io.github.multiref.io.DoubleLists;
import io.github.multiref.io.ParquetTableReader;
import io.github.multiref.io.TableFormat;
import io.github.multiref.rewards.Lbfgs;
import io.github.multiref.rewards.PreferenceData;
import io.github.multiref.rewards.RewardLearning;
import io.github.multiref.rewards.Separation;
import io.github.multiref.rewards.io.JsonLine;
import io.github.multiref.rewards.io.PreferencePair;
import io.github.multiref.rewards.io.PreferencePairs;
import io.github.multiref.runtime.Registries;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code multiref fit-reward}: a reward model by maximum likelihood from preference pairs. */
@Command(
    name = "fit-reward",
    header = "Fit a reward by maximum likelihood from preference pairs.",
    mixinStandardHelpOptions = true,
    description = {
        "Fit a reward by maximum likelihood from preference pairs (JSONL or Parquet with prompt,",
        "chosen, rejected), for any registered preference model.",
        "tabular: one reward per prompt and response, centered per prompt under the responses'",
        "  frequency in the data; linear: r = theta . phi(prompt, response), with --features."})
final class FitRewardCommand implements Callable<Integer>, MultirefCommand.Subcommand {

  enum RewardClass { tabular, linear }

  @ParentCommand MultirefCommand parent;

  @Mixin CommonOptions common;

  @Option(names = "--pairs", paramLabel = "FILE", required = true,
      description = "Preference pairs, JSONL {\"prompt\": ..., \"chosen\": ..., \"rejected\": ...}"
          + " or a Parquet table with those string columns (by the file's name).")
  String pairs;

  @Option(names = "--model", paramLabel = "NAME", defaultValue = "bt",
      description = "Any registered preference model: bt, thurstone[:s=S], or a plugin's"
          + " (default: ${DEFAULT-VALUE}).")
  String modelName;

  @Option(names = "--class", paramLabel = "CLASS", defaultValue = "tabular",
      description = "Reward class: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  RewardClass rewardClass;

  @Option(names = "--features", paramLabel = "FILE",
      description = "For --class linear: JSONL {\"prompt\": ..., \"response\": ..., \"features\":"
          + " [...]} (or Parquet with those columns) for every response in the pairs.")
  String features;

  @Option(names = "--output", paramLabel = "FILE",
      description = "Output JSON file (default: standard output). Written whole or not at all.")
  Path output;

  @Option(names = "--l2", defaultValue = "1e-3",
      description = "Ridge on the rewards (tabular) or theta (linear), >= 0 (default:"
          + " ${DEFAULT-VALUE}); keeps separable data finite.")
  double l2;

  @Option(names = "--bound", defaultValue = "Infinity",
      description = "For --class linear: largest allowed ||theta|| (default: none).")
  double bound;

  @Option(names = "--tolerance", defaultValue = "1e-8",
      description = "L-BFGS stops when the largest gradient component is below TOL * max(1,"
          + " |negative log-likelihood|) (default: ${DEFAULT-VALUE}).")
  double tolerance;

  @Option(names = "--max-iterations", defaultValue = "5000",
      description = "L-BFGS iteration budget (default: ${DEFAULT-VALUE}).")
  int maxIterations;

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public Integer call() throws IOException {
    long start = System.nanoTime();
    if (rewardClass == RewardClass.linear && features == null) {
      throw new InputException("--class linear needs --features FILE");
    }
    if (rewardClass == RewardClass.tabular && features != null) {
      throw new InputException("--features goes with --class linear");
    }
    Lbfgs optimizer;
    try {
      optimizer = Lbfgs.of(tolerance, maxIterations, 10);
    } catch (IllegalArgumentException e) {
      throw new InputException("--tolerance/--max-iterations: " + e.getMessage(), e);
    }
    Registries registries = parent.registries(parent.effectiveOptions(this));
    PreferenceModel model = registries.preferenceModels().create(modelName);
    String summary;
    try (Progress progress = Progress.start(parent.main().err(), "multiref fit-reward: reading",
        null)) {
      summary = fit(model, optimizer, progress, start);
    }
    parent.main().err().print(summary);
    return 0;
  }

  /** One block of a JSONL pairs file, parsed on a worker. */
  private static JsonlBlocks.Items<PreferencePair> parsePairs(JsonlBlocks.Block block) {
    List<PreferencePair> out = new ArrayList<>();
    try {
      block.forEachLine((line, bytes, from, to) -> {
        String text = JsonlBlocks.text(line, bytes, from, to);
        if (!text.isBlank()) {
          out.add(PreferencePairs.parse(line, text));
        }
      });
    } catch (RuntimeException e) {
      return new JsonlBlocks.Items<>(out, e);
    }
    return new JsonlBlocks.Items<>(out, null);
  }

  /** The pairs of a JSONL or Parquet file (prompt, chosen, rejected) as preference data. */
  static PreferenceData readPairs(String pairs) throws IOException {
    if (CliIo.inputFormat(pairs, null) == TableFormat.PARQUET) {
      return PreferencePairs.toData(parquetPairs(Path.of(pairs)).iterator());
    }
    // lines parsed in blocks on every core, taken in order
    try (java.io.InputStream in = JsonlBlocks.open(pairs);
        JsonlBlocks.Pull<PreferencePair> read = JsonlBlocks.pull(in,
            Runtime.getRuntime().availableProcessors(), FitRewardCommand::parsePairs)) {
      return PreferencePairs.toData(read);
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Reads, fits and writes; returns the summary line for stderr. */
  private String fit(PreferenceModel model, Lbfgs optimizer, Progress progress, long start)
      throws IOException {
    PreferenceData data = readPairs(pairs);
    progress.phase("multiref fit-reward: fitting " + data.size() + " pairs", null);
    if (data.size() == 0) {
      throw new InputException(pairs + " holds no pairs");
    }
    ObjectNode result = JsonLine.MAPPER.createObjectNode();
    result.put("class", rewardClass.name());
    result.put("model", modelName);
    result.put("pairs", data.size());
    double logLikelihood;
    int iterations;
    if (l2 == 0 && rewardClass == RewardClass.tabular) {
      Separation.tabular(data).ifPresent(what -> {
        throw new InputException("the pairs are separable, so with --l2 0 the"
            + " maximum-likelihood rewards are infinite: " + what + "; give a ridge, e.g."
            + " --l2 1e-3");
      });
    }
    if (rewardClass == RewardClass.tabular) {
      RewardLearning.TabularFit fit = RewardLearning.fitTabular(data, model, null, l2, optimizer);
      logLikelihood = fit.logLikelihood();
      iterations = fit.iterations();
      ObjectNode rewards = JsonLine.MAPPER.createObjectNode();
      double[][] fitted = fit.rewards();
      for (int x = 0; x < data.prompts(); x++) {
        ObjectNode row = rewards.putObject(data.promptLabel(x));
        for (int y = 0; y < data.responses(x); y++) {
          row.put(data.responseLabel(x, y), fitted[x][y]);
        }
      }
      result.put("log_likelihood", logLikelihood);
      result.put("iterations", iterations);
      result.set("rewards", rewards);
    } else {
      double[][][] phi = readFeatures(data);
      RewardLearning.LinearFit fit = RewardLearning.fitLinear(data, model,
          (x, y) -> phi[x][y], l2, bound, optimizer);
      if (l2 == 0 && bound == Double.POSITIVE_INFINITY
          && Separation.linear(data, (x, y) -> phi[x][y], fit.theta())) {
        throw new InputException("the pairs are separable by the features (the fit orders every"
            + " pair as observed), so with --l2 0 the maximum-likelihood theta is infinite; give"
            + " a ridge (e.g. --l2 1e-3) or --bound");
      }
      logLikelihood = fit.logLikelihood();
      iterations = fit.iterations();
      result.put("log_likelihood", logLikelihood);
      result.put("iterations", iterations);
      ArrayNode theta = result.putArray("theta");
      for (double v : fit.theta()) {
        theta.add(v);
      }
    }
    try (AtomicOutput out = AtomicOutput.open(output, parent.main().out())) {
      out.writer().write(JsonLine.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(result));
      out.writer().write('\n');
      out.commit();
    }
    return String.format(Locale.ROOT,
        "multiref fit-reward: %d pairs over %d prompts, model %s, class %s: log-likelihood %.6g"
            + " (%.4g per pair), %d iterations, %.2f s%s%n",
        data.size(), data.prompts(), modelName, rewardClass, logLikelihood,
        logLikelihood / data.size(), iterations, (System.nanoTime() - start) / 1e9,
        output == null ? "" : ", written to " + output);
  }

  /** The features of every (prompt, response) of the data, from the --features file. */
  private double[][][] readFeatures(PreferenceData data) throws IOException {
    List<String> promptLabels = new ArrayList<>();
    List<List<String>> responseLabels = new ArrayList<>();
    for (int x = 0; x < data.prompts(); x++) {
      promptLabels.add(data.promptLabel(x));
      List<String> r = new ArrayList<>();
      for (int y = 0; y < data.responses(x); y++) {
        r.add(data.responseLabel(x, y));
      }
      responseLabels.add(r);
    }
    return readFeatures(features, promptLabels, responseLabels);
  }

  /**
   * The features of every response of every prompt from a features table ({@code prompt},
   * {@code response}, {@code features}; JSONL or Parquet), all of one dimension; rows for other
   * prompts or responses are skipped.
   */
  static double[][][] readFeatures(String features, List<String> promptLabels,
      List<List<String>> responseLabels) throws IOException {
    Map<String, Integer> prompts = new HashMap<>();
    for (int x = 0; x < promptLabels.size(); x++) {
      prompts.put(promptLabels.get(x), x);
    }
    double[][][] phi = new double[promptLabels.size()][][];
    @SuppressWarnings("unchecked")
    Map<String, Integer>[] responses = new Map[promptLabels.size()];
    for (int x = 0; x < promptLabels.size(); x++) {
      phi[x] = new double[responseLabels.get(x).size()][];
      responses[x] = new HashMap<>();
      for (int y = 0; y < responseLabels.get(x).size(); y++) {
        responses[x].put(responseLabels.get(x).get(y), y);
      }
    }
    int[] dimension = {-1};
    FeatureSink sink = (where, prompt, response, v) -> {
      if (dimension[0] < 0) {
        dimension[0] = v.length;
      } else if (v.length != dimension[0]) {
        throw new InputException(where.replace("%", "has " + v.length + " entries but earlier "
            + (where.startsWith("line") ? "lines" : "rows") + " have " + dimension[0]));
      }
      Integer x = prompts.get(prompt);
      if (x != null && responses[x].containsKey(response)) {
        phi[x][responses[x].get(response)] = v;
      }
    };
    if (CliIo.inputFormat(features, null) == TableFormat.PARQUET) {
      parquetFeatures(Path.of(features), sink);
    } else {
      try (BufferedReader in = CliIo.open(features)) {
        long line = 0;
        for (String text = in.readLine(); text != null; text = in.readLine()) {
          line++;
          if (text.isBlank()) {
            continue;
          }
          JsonLine f = JsonLine.parse(line, text);
          sink.accept("line " + line + ": field 'features' %", f.string("prompt"),
              f.string("response"), f.finiteNumbers("features"));
        }
      }
    }
    for (int x = 0; x < phi.length; x++) {
      for (int y = 0; y < phi[x].length; y++) {
        if (phi[x][y] == null) {
          throw new InputException(features + " has no features for prompt '"
              + promptLabels.get(x) + "', response '" + responseLabels.get(x).get(y) + "'");
        }
      }
    }
    return phi;
  }

  /** One response's features; {@code where} locates them, with % for what is wrong. */
  @FunctionalInterface
  private interface FeatureSink {
    void accept(String where, String prompt, String response, double[] features);
  }

  /** A Parquet features table: prompt, response (strings), features (a list of numbers). */
  private static void parquetFeatures(Path file, FeatureSink sink) {
    try (ParquetTableReader t = ParquetTableReader.open(file,
        List.of("prompt", "response", "features"))) {
      required(t, file, "a features table needs prompt, response and features", "prompt",
          "response", "features");
      while (t.nextRowGroup()) {
        String[] prompt = t.strings("prompt");
        String[] response = t.strings("response");
        DoubleLists features = t.doubleLists("features");
        for (int p = 0; p < t.groupRows(); p++) {
          long row = t.firstRow() + p;
          double[] v = Arrays.copyOfRange(features.values(), features.offsets()[p],
              features.offsets()[p + 1]);
          for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
              throw InputException.at(row, "features", "element " + i + " is " + v[i]
                  + "; expected a finite number");
            }
          }
          sink.accept("row " + row + ", column 'features': %", text(prompt[p], row, "prompt"),
              text(response[p], row, "response"), v);
        }
      }
    }
  }

  /** A Parquet pairs table's prompt, chosen and rejected, row group by row group. */
  private static List<PreferencePair> parquetPairs(Path file) {
    List<PreferencePair> out = new ArrayList<>();
    try (ParquetTableReader t = ParquetTableReader.open(file, List.of(PairLine.KEYS))) {
      required(t, file, "fit-reward needs prompt, chosen and rejected", PairLine.KEYS);
      while (t.nextRowGroup()) {
        String[] prompt = t.strings("prompt");
        String[] chosen = t.strings("chosen");
        String[] rejected = t.strings("rejected");
        for (int p = 0; p < t.groupRows(); p++) {
          long row = t.firstRow() + p;
          out.add(PreferencePair.of(text(prompt[p], row, "prompt"),
              text(chosen[p], row, "chosen"), text(rejected[p], row, "rejected")));
        }
      }
    }
    return out;
  }

  private static void required(ParquetTableReader t, Path file, String what,
      String... columns) {
    for (String column : columns) {
      if (!t.isString(column) && !(column.equals("features") && t.has(column))) {
        throw new InputException(file + (t.has(column) ? "'s column '" + column
            + "' does not hold strings" : " has no column '" + column + "'") + "; " + what);
      }
    }
  }

  private static String text(String value, long row, String column) {
    if (value == null) {
      throw InputException.at(row, column, "null; expected a string");
    }
    return value;
  }
}

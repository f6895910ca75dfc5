package io.github.multiref.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.multiref.api.PreferenceModel;
import io.github.multiref.rewards.Lbfgs;
import io.github.multiref.rewards.PreferenceData;
import io.github.multiref.rewards.RewardLearning;
import io.github.multiref.rewards.Separation;
import io.github.multiref.rewards.io.JsonLine;
import io.github.multiref.rewards.io.PreferencePairs;
import io.github.multiref.runtime.Registries;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
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
        "Fit a reward by maximum likelihood from preference pairs (JSONL with prompt, chosen,",
        "rejected), for any registered preference model.",
        "tabular: one reward per prompt and response, centered per prompt under the responses'",
        "  frequency in the data; linear: r = theta . phi(prompt, response), with --features."})
final class FitRewardCommand implements Callable<Integer>, MultirefCommand.Subcommand {

  enum RewardClass { tabular, linear }

  @ParentCommand MultirefCommand parent;

  @Mixin CommonOptions common;

  @Option(names = "--pairs", paramLabel = "FILE", required = true,
      description = "Preference pairs, JSONL: {\"prompt\": ..., \"chosen\": ..., \"rejected\": ...}.")
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
          + " [...]} for every response in the pairs.")
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

  /** Reads, fits and writes; returns the summary line for stderr. */
  private String fit(PreferenceModel model, Lbfgs optimizer, Progress progress, long start)
      throws IOException {
    PreferenceData data;
    try (BufferedReader in = CliIo.open(pairs)) {
      data = PreferencePairs.toData(PreferencePairs.read(in));
    }
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
    Map<String, Integer> prompts = new HashMap<>();
    for (int x = 0; x < data.prompts(); x++) {
      prompts.put(data.promptLabel(x), x);
    }
    double[][][] phi = new double[data.prompts()][][];
    Map<String, Integer>[] responses = responseIndex(data);
    for (int x = 0; x < data.prompts(); x++) {
      phi[x] = new double[data.responses(x)][];
    }
    int dimension = -1;
    try (BufferedReader in = CliIo.open(features)) {
      long line = 0;
      for (String text = in.readLine(); text != null; text = in.readLine()) {
        line++;
        if (text.isBlank()) {
          continue;
        }
        JsonLine f = JsonLine.parse(line, text);
        Integer x = prompts.get(f.string("prompt"));
        String response = f.string("response");
        double[] v = f.finiteNumbers("features");
        if (dimension < 0) {
          dimension = v.length;
        } else if (v.length != dimension) {
          throw InputException.at(line, "field 'features' has " + v.length
              + " entries but earlier lines have " + dimension);
        }
        if (x != null && responses[x].containsKey(response)) {
          phi[x][responses[x].get(response)] = v;
        }
      }
    }
    for (int x = 0; x < data.prompts(); x++) {
      for (int y = 0; y < data.responses(x); y++) {
        if (phi[x][y] == null) {
          throw new InputException(features + " has no features for prompt '"
              + data.promptLabel(x) + "', response '" + data.responseLabel(x, y) + "'");
        }
      }
    }
    return phi;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Integer>[] responseIndex(PreferenceData data) {
    Map<String, Integer>[] index = new Map[data.prompts()];
    for (int x = 0; x < data.prompts(); x++) {
      index[x] = new HashMap<>();
      for (int y = 0; y < data.responses(x); y++) {
        index[x].put(data.responseLabel(x, y), y);
      }
    }
    return index;
  }
}

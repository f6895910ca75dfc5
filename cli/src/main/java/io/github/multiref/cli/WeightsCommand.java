package io.github.multiref.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.multiref.rewards.Lbfgs;
import io.github.multiref.rewards.io.JsonLine;
import io.github.multiref.training.DpoData;
import io.github.multiref.training.DpoTrainer;
import io.github.multiref.training.WeightSelection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code multiref weights}: which reference weights alpha to train multi-reference DPO with. */
@Command(
    name = "weights",
    header = "Compare ways of choosing the reference weights alpha on held-out pairs.",
    mixinStandardHelpOptions = true,
    description = {
        "Split the pairs into train and validation (seeded; by prompt, or by pair), let each",
        "scheme choose alpha (each reference alone, a simplex grid, MRPO's per-pair weights,",
        "held-out accuracy or margin, a Thompson-sampling bandit during Adam training, the",
        "weights that minimize the sample-complexity bound), train a policy on the train pairs",
        "with each, and score its implicit reward on the held-out pairs. Writes a JSON report;",
        "a table goes to stderr."})
final class WeightsCommand implements Callable<Integer>, MultirefCommand.Subcommand {

  @ParentCommand MultirefCommand parent;

  @Mixin CommonOptions common;

  @Mixin DpoInputs in;

  @Option(names = "--output", paramLabel = "FILE",
      description = "The JSON report (default: standard output). Written whole or not at all.")
  Path output;

  /** How the pairs are split. */
  enum Split { prompt, pair }

  @Option(names = "--split", defaultValue = "prompt",
      description = "prompt (held-out prompts; for a policy that generalizes across prompts) or"
          + " pair (held-out pairs of the same prompts; what a tabular policy can be judged on)"
          + " (default: ${DEFAULT-VALUE}).")
  Split split;

  @Option(names = "--validation", defaultValue = "0.2",
      description = "The share held out, in (0, 1) (default: ${DEFAULT-VALUE}).")
  double validation;

  @Option(names = "--seed", defaultValue = "0",
      description = "Seed of the split and of the bandit (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--grid", defaultValue = "4",
      description = "The simplex grid's steps per unit (default: ${DEFAULT-VALUE}; K <= 4).")
  int grid;

  @Option(names = "--l2", defaultValue = "1e-3",
      description = "Ridge of every fit, > 0 (default: ${DEFAULT-VALUE}).")
  double l2;

  @Option(names = "--r-max", defaultValue = "1",
      description = "The rewards' range for the bound scheme (default: ${DEFAULT-VALUE}).")
  double rMax;

  @Option(names = "--bandit-epochs", defaultValue = "5",
      description = "Adam epochs of the Thompson-sampling scheme (default: ${DEFAULT-VALUE}).")
  int banditEpochs;

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public Integer call() throws IOException {
    long start = System.nanoTime();
    DpoInputs.Loaded loaded = in.load(parent.registries(parent.effectiveOptions(this)));
    DpoData data = loaded.data();
    WeightSelection.Settings settings;
    WeightSelection.Split parts;
    SplittableRandom random = new SplittableRandom(seed);
    try {
      settings = new WeightSelection.Settings(loaded.divergence(), in.beta, loaded.loss(), l2,
          grid, validation, rMax, new DpoTrainer.Adam(0.05, 256, banditEpochs),
          Lbfgs.of(1e-9, 10_000, 20), loaded::policyFor);
      parts = split == Split.prompt ? WeightSelection.split(data, validation, random)
          : WeightSelection.splitPairs(data, validation, random);
    } catch (IllegalArgumentException e) {
      throw new InputException(e.getMessage());
    }
    List<WeightSelection.Evaluated> rows;
    try (Progress progress = Progress.start(parent.main().err(), "multiref weights", null)) {
      rows = WeightSelection.run(parts, settings, random);
    }
    WeightSelection.Evaluated best = rows.stream()
        .max(Comparator.comparingDouble(WeightSelection.Evaluated::heldOutLogLikelihood))
        .orElseThrow();
    ObjectNode report = JsonLine.MAPPER.createObjectNode();
    report.put("split", split.name());
    report.put("train_pairs", parts.train().pairs());
    report.put("validation_pairs", parts.validation().pairs());
    ArrayNode schemes = report.putArray("schemes");
    StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
        "%-20s %-28s %12s %10s %10s%n", "scheme", "weights", "held-out LL", "held-out", "train"));
    for (WeightSelection.Evaluated e : rows) {
      ObjectNode o = schemes.addObject();
      o.put("scheme", e.scheme());
      if (e.weights() == null) {
        o.putNull("weights");
      } else {
        ArrayNode w = o.putArray("weights");
        for (double a : e.weights()) {
          w.add(a);
        }
      }
      o.put("held_out_log_likelihood", e.heldOutLogLikelihood());
      o.put("held_out_accuracy", e.heldOutAccuracy());
      o.put("train_accuracy", e.trainAccuracy());
      table.append(String.format(Locale.ROOT, "%-20s %-28s %12.5f %9.1f%% %9.1f%%%n", e.scheme(),
          e.weights() == null ? "per pair" : format(e.weights()), e.heldOutLogLikelihood(),
          100 * e.heldOutAccuracy(), 100 * e.trainAccuracy()));
    }
    report.put("best", best.scheme());
    if (best.weights() != null) {
      ArrayNode w = report.putArray("best_weights");
      for (double a : best.weights()) {
        w.add(a);
      }
    }
    try (AtomicOutput out = AtomicOutput.open(output, parent.main().out())) {
      out.writer().write(JsonLine.MAPPER.writerWithDefaultPrettyPrinter()
          .writeValueAsString(report));
      out.writer().write('\n');
      out.commit();
    }
    parent.main().err().print(table);
    parent.main().err().printf(Locale.ROOT, "multiref weights: %d train and %d held-out pairs"
        + " (split by %s), %d schemes; best held-out log-likelihood: %s %s, %.1f s%s%n",
        parts.train().pairs(), parts.validation().pairs(), split, rows.size(), best.scheme(),
        best.weights() == null ? "(per pair)" : format(best.weights()),
        (System.nanoTime() - start) / 1e9, output == null ? "" : ", written to " + output);
    return 0;
  }

  private static String format(double[] w) {
    return Arrays.stream(w).mapToObj(a -> String.format(Locale.ROOT, "%.3f", a))
        .reduce((a, b) -> a + "," + b).orElse("");
  }
}

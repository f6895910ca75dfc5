package io.github.multiref.cli;

import io.github.multiref.experiments.DpoWeightsExperiment;
import io.github.multiref.experiments.Experiment;
import io.github.multiref.experiments.ExperimentConfig;
import io.github.multiref.experiments.Reports;
import io.github.multiref.experiments.TokenExperiment;
import io.github.multiref.io.ParquetTableWriter;
import io.github.multiref.io.TableSchema;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code multiref simulate}: runs an experiment described by a JSON config. */
@Command(
    name = "simulate",
    header = "Run an experiment from a JSON config and write its reports.",
    mixinStandardHelpOptions = true,
    description = {"Run an experiment from a JSON config (see README) and write results.csv,",
        "summary.json, report.md and PNG plots into the output folder."})
final class SimulateCommand implements java.util.concurrent.Callable<Integer>,
    MultirefCommand.Subcommand {

  @ParentCommand MultirefCommand parent;

  @Mixin CommonOptions common;

  @Option(names = "--config", paramLabel = "FILE", required = true,
      description = "The experiment's JSON config.")
  Path config;

  @Option(names = "--out", paramLabel = "DIR", required = true,
      description = "Output folder (created; its files are replaced).")
  Path out;

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public Integer call() throws Exception {
    String text;
    try {
      text = Files.readString(config);
    } catch (NoSuchFileException e) {
      throw new InputException("config file " + config + " does not exist");
    }
    try {
      if (TokenExperiment.isFor(text)) {
        return perToken(TokenExperiment.parse(text));
      }
      if (DpoWeightsExperiment.isFor(text)) {
        DpoWeightsExperiment.Result r = runDpoWeights(DpoWeightsExperiment.parse(text), out,
            parent.main().err(), "simulate");
        parent.main().out().print(DpoWeightsExperiment.verdicts(r));
        parent.main().out().println();
        parent.main().out().print(DpoWeightsExperiment.tables(r));
        parent.main().out().flush();
        parent.main().err().printf(Locale.ROOT, "multiref simulate: dpo-weights experiment, %d"
            + " trained policies in %.1f s, written to %s%n", r.rows().size(), r.seconds(), out);
        return 0;
      }
    } catch (IllegalArgumentException e) {
      throw new InputException(config + ": " + e.getMessage(), e);
    }
    ExperimentConfig c;
    try {
      c = ExperimentConfig.parse(text);
    } catch (IllegalArgumentException e) {
      throw new InputException(config + ": " + e.getMessage(), e);
    }
    Experiment.Result r = ExperimentRunner.run(c, parent.registries(
        parent.effectiveOptions(this)), out, parent.main().err(), "simulate");
    parent.main().out().print(Reports.slopes(r));
    parent.main().err().printf(Locale.ROOT, "multiref simulate: %d trials in %.1f s, written to"
        + " %s%n", r.rows().size() / c.methods().size(), r.seconds(), out);
    return 0;
  }

  /** A per-token config: the sweeps and the estimator, their tables on stdout. */
  private int perToken(TokenExperiment.Config c) throws java.io.IOException {
    TokenExperiment.Result r = runPerToken(c, out, parent.main().err(), "simulate");
    parent.main().out().print(TokenExperiment.tables(r));
    parent.main().out().flush();
    parent.main().err().printf(Locale.ROOT, "multiref simulate: per-token experiment, %d"
        + " measurements in %.1f s, written to %s%n", r.rows().size(), r.seconds(), out);
    return 0;
  }

  /** Runs a per-token experiment with a progress line, and writes its report into {@code dir}. */
  static TokenExperiment.Result runPerToken(TokenExperiment.Config c, Path dir,
      java.io.PrintWriter err, String label) throws java.io.IOException {
    TokenExperiment.Result r;
    try (Progress progress = Progress.start(err, "multiref " + label, "points")) {
      r = TokenExperiment.run(c, point -> progress.add(1));
    }
    TokenExperiment.write(r, dir);
    List<TokenExperiment.Row> rows = r.rows();
    try (ParquetTableWriter w = ParquetTableWriter.create(dir.resolve("results.parquet"),
        PER_TOKEN_RESULTS)) {
      w.write((i, row) -> {
        TokenExperiment.Row x = rows.get(i);
        row.string(0, x.parameter());
        row.number(1, x.value());
        row.integer(2, x.seed());
        row.string(3, x.measured().name());
        row.number(4, x.measured().reverseObjective());
        row.number(5, x.measured().reverseGap());
        row.number(6, x.measured().forwardObjective());
        row.number(7, x.measured().forwardGap());
        row.number(8, x.measured().klFromOptimum());
        row.number(9, x.measured().expectedReward());
      }, rows.size());
    }
    return r;
  }

  /** Runs a dpo-weights experiment with a progress line, and writes its report into dir. */
  static DpoWeightsExperiment.Result runDpoWeights(DpoWeightsExperiment.Config c, Path dir,
      java.io.PrintWriter err, String label) throws java.io.IOException {
    DpoWeightsExperiment.Result r;
    try (Progress progress = Progress.start(err, "multiref " + label, "points")) {
      r = DpoWeightsExperiment.run(c, point -> progress.add(1));
    }
    DpoWeightsExperiment.write(r, dir);
    return r;
  }

  /** A per-token experiment's results.csv as a Parquet table. */
  static final TableSchema PER_TOKEN_RESULTS = TableSchema.of(List.of(
      new TableSchema.Column("parameter", TableSchema.Kind.STRING, false),
      new TableSchema.Column("value", TableSchema.Kind.DOUBLE, false),
      new TableSchema.Column("seed", TableSchema.Kind.LONG, false),
      new TableSchema.Column("policy", TableSchema.Kind.STRING, false),
      new TableSchema.Column("reverse_objective", TableSchema.Kind.DOUBLE, false),
      new TableSchema.Column("reverse_gap", TableSchema.Kind.DOUBLE, false),
      new TableSchema.Column("forward_objective", TableSchema.Kind.DOUBLE, false),
      new TableSchema.Column("forward_gap", TableSchema.Kind.DOUBLE, false),
      new TableSchema.Column("kl_from_optimum", TableSchema.Kind.DOUBLE, false),
      new TableSchema.Column("expected_reward", TableSchema.Kind.DOUBLE, false)));
}

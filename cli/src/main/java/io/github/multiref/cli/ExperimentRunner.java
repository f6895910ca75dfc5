package io.github.multiref.cli;

import io.github.multiref.api.PreferenceModel;
import io.github.multiref.experiments.Experiment;
import io.github.multiref.experiments.ExperimentConfig;
import io.github.multiref.experiments.Reports;
import io.github.multiref.io.ParquetTableWriter;
import io.github.multiref.io.TableSchema;
import io.github.multiref.runtime.Registries;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Runs experiments for {@code simulate} and {@code demo}, with a progress bar on a terminal. */
final class ExperimentRunner {

  private ExperimentRunner() {}

  static Experiment.Result run(ExperimentConfig config, Registries registries, Path out,
      PrintWriter err, String label) throws IOException {
    PreferenceModel model = registries.preferenceModels().create(config.model());
    int total = config.n().length * config.trials();
    boolean terminal = System.console() != null;
    Experiment.Result result = Experiment.run(config, model, done -> {
      if (terminal && (done == total || done % Math.max(1, total / 50) == 0)) {
        int width = 30;
        int filled = (int) ((long) done * width / total);
        synchronized (err) {
          err.printf("\r%s [%s%s] %d/%d trials", label, "#".repeat(filled),
              " ".repeat(width - filled), done, total);
          if (done == total) {
            err.println();
          }
          err.flush();
        }
      }
    });
    Reports.write(result, out, Map.of("results.parquet", ExperimentRunner::parquet));
    return result;
  }

  /** results.csv's columns as a Parquet table; NaN (a bound that does not apply) is null. */
  static final TableSchema RESULTS = TableSchema.of(List.of(
      new TableSchema.Column("n", TableSchema.Kind.LONG, false),
      new TableSchema.Column("trial", TableSchema.Kind.LONG, false),
      new TableSchema.Column("method", TableSchema.Kind.STRING, false),
      new TableSchema.Column("sub_optimality", TableSchema.Kind.DOUBLE, false),
      new TableSchema.Column("optimality_gap", TableSchema.Kind.DOUBLE, false),
      new TableSchema.Column("sub_optimality_bound", TableSchema.Kind.DOUBLE, true),
      new TableSchema.Column("optimality_gap_bound", TableSchema.Kind.DOUBLE, true),
      new TableSchema.Column("coverage", TableSchema.Kind.DOUBLE, false),
      new TableSchema.Column("reward_error", TableSchema.Kind.DOUBLE, false),
      new TableSchema.Column("reward_error_bound", TableSchema.Kind.DOUBLE, true),
      new TableSchema.Column("learned_the_truth", TableSchema.Kind.LONG, false)));

  private static void parquet(Experiment.Result result, Path file) throws IOException {
    List<Experiment.Row> rows = result.rows();
    try (ParquetTableWriter w = ParquetTableWriter.create(file, RESULTS)) {
      w.write((i, row) -> {
        Experiment.Row r = rows.get(i);
        row.integer(0, r.n());
        row.integer(1, r.trial());
        row.string(2, r.method());
        row.number(3, r.subOptimality());
        row.number(4, r.optimalityGap());
        if (!Double.isNaN(r.subOptimalityBound())) {
          row.number(5, r.subOptimalityBound());
        }
        if (!Double.isNaN(r.optimalityGapBound())) {
          row.number(6, r.optimalityGapBound());
        }
        row.number(7, r.coverage());
        row.number(8, r.rewardError());
        if (!Double.isNaN(r.rewardErrorBound())) {
          row.number(9, r.rewardErrorBound());
        }
        row.integer(10, r.learnedTheTruth() ? 1 : 0);
      }, rows.size());
    }
  }
}

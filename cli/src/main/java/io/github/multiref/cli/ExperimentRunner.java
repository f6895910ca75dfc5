package io.github.multiref.cli;

import io.github.multiref.api.PreferenceModel;
import io.github.multiref.experiments.Experiment;
import io.github.multiref.experiments.ExperimentConfig;
import io.github.multiref.experiments.Reports;
import io.github.multiref.runtime.Registries;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

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
    Reports.write(result, out);
    return result;
  }
}

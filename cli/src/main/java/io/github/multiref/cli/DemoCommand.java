package io.github.multiref.cli;

import io.github.multiref.experiments.Experiment;
import io.github.multiref.experiments.DpoWeightsExperiment;
import io.github.multiref.experiments.ExperimentConfig;
import io.github.multiref.experiments.TokenExperiment;
import io.github.multiref.experiments.Reports;
import io.github.multiref.runtime.Registries;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code multiref demo}: the paper's experiment in about a minute. A finite reward class checks
 * that every bound holds in at least 1 - delta of the trials; a tabular class measures the rates
 * of the gaps against n, beside the paper's claims; a one-reference run sets the rate beside
 * the single-reference results of the paper's Section 7; and, on autoregressive references, what
 * mixing them per token loses against the exact optimum, with the sampled-response estimator's
 * error against N.
 */
@Command(
    name = "demo",
    header = "Reproduce the paper's claims on a synthetic bandit, with reports and plots.",
    mixinStandardHelpOptions = true,
    description = {"Reproduce the paper's claims on a synthetic bandit (about a minute on 2 cores):",
        "bound validity on a finite reward class, measured rates on a tabular class, and with",
        "one reference the rate beside the single-reference results of Section 7; per-token",
        "mixing of autoregressive references against the exact optimum.",
        "Prints the summary and writes the three reports, with plots, into the output folder."})
final class DemoCommand implements Callable<Integer>, MultirefCommand.Subcommand {

  @ParentCommand MultirefCommand parent;

  @Mixin CommonOptions common;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "multiref-demo",
      description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public Integer call() throws IOException {
    Registries registries = parent.registries(parent.effectiveOptions(this));
    PrintWriter o = parent.main().out();
    PrintWriter err = parent.main().err();
    Experiment.Result finite = ExperimentRunner.run(config("finite"), registries,
        out.resolve("finite-class"), err, "bounds (finite class) ");
    Experiment.Result tabular = ExperimentRunner.run(config("tabular"), registries,
        out.resolve("tabular-class"), err, "rates (tabular class)");
    Experiment.Result single = ExperimentRunner.run(config("single"), registries,
        out.resolve("single-reference"), err, "one reference (Sec. 7)");
    o.println("# multiref demo: KL-regularized RLHF with two reference models");
    o.println();
    o.printf(Locale.ROOT, "Bandit: 5 prompts x 6 responses, K = 2 references (alpha 0.5/0.5),"
        + " beta = 0.5, R_max = 1; Bradley-Terry labels on pairs sampled from each method's"
        + " reference: the escort for rkl and mrpo, the mixture for fkl.%n%n");
    o.println("## Rates (tabular reward class; 24 trials per n)");
    o.println();
    o.print(Reports.slopes(tabular));
    o.println();
    o.println("Slopes are fitted on the mean sub-optimality and on the mean |optimality gap| (a"
        + " trial's optimality gap can be negative); the signed means are in the last column.");
    o.println();
    o.println("## Do the bounds hold? (64-member finite class: the truth and 63 rewards within"
        + " 0.2 R_max of it, so the MLE errs in most trials; delta = 0.05; 100 trials per n)");
    o.println();
    o.print(Reports.table(finite));
    o.println();
    o.println("Gap / bound in each trial (the bounds hold where the 95% quantile is at most 1):");
    o.println();
    o.print(Reports.ratios(finite));
    o.println();
    o.println("Lemma A.1: the MLE's reward error against its bound eps_n:");
    o.println();
    o.print(Reports.rewardErrors(finite));
    o.println();
    o.println("## One reference: against the single-reference results the paper compares with"
        + " (Section 7; tabular class, 24 trials per n)");
    o.println();
    o.print(Reports.singleReference(single));
    o.println();
    TokenExperiment.Result perToken = SimulateCommand.runPerToken(tokenConfig(),
        out.resolve("per-token"), err, "per-token mixing   ");
    o.println("## Mixing references per token, against the exact optimum (synthetic"
        + " autoregressive references, every sequence of the tree enumerated)");
    o.println();
    o.println("Mean exact gap J_R(pi*) - J_R(pi) of each policy, one setting swept at a time:");
    o.println();
    o.print(TokenExperiment.tables(perToken));
    o.println();
    DpoWeightsExperiment.Result weights = SimulateCommand.runDpoWeights(dpoWeightsConfig(),
        out.resolve("dpo-weights"), err, "one or several refs");
    o.println("## One reference or the exact multi-reference target? (tabular reverse-KL DPO,"
        + " each weighting scheme, judged on the true reward)");
    o.println();
    o.print(DpoWeightsExperiment.verdicts(weights));
    o.println();
    o.print(DpoWeightsExperiment.tables(weights));
    o.printf(Locale.ROOT, "Reports and plots: %s/finite-class/report.md, %s/tabular-class/"
        + "report.md, %s/single-reference/report.md, %s/per-token/report.md,"
        + " %s/dpo-weights/report.md (%.0f s in all).%n", out, out, out, out, out,
        finite.seconds() + tabular.seconds() + single.seconds() + perToken.seconds()
            + weights.seconds());
    o.flush();
    return 0;
  }

  private static DpoWeightsExperiment.Config dpoWeightsConfig() throws IOException {
    return DpoWeightsExperiment.parse(resource("dpo-weights"));
  }

  private static TokenExperiment.Config tokenConfig() throws IOException {
    return TokenExperiment.parse(resource("per-token"));
  }

  private static ExperimentConfig config(String name) throws IOException {
    return ExperimentConfig.parse(resource(name));
  }

  /** An embedded demo config, {@code /demo/NAME.json}. */
  private static String resource(String name) throws IOException {
    try (InputStream in = DemoCommand.class.getResourceAsStream("/demo/" + name + ".json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}

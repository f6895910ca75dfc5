package io.github.multiref.cli;

import io.github.multiref.api.BoundCalculator;
import io.github.multiref.api.BoundInputs;
import io.github.multiref.api.BoundResult;
import io.github.multiref.runtime.Registered;
import io.github.multiref.runtime.Registries;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code multiref bounds}: evaluates sample-complexity bounds, or the n they need. */
@Command(
    name = "bounds",
    header = "Evaluate the sample-complexity bounds at n, or the n they need.",
    mixinStandardHelpOptions = true,
    description = {"Evaluate the sample-complexity bounds (see docs/bounds.md) at n, or, with",
        "--epsilon, the smallest n that brings each below epsilon."})
final class BoundsCommand implements Callable<Integer>, MultirefCommand.Subcommand {

  @ParentCommand MultirefCommand parent;

  @Mixin CommonOptions common;

  @Option(names = "--bound", paramLabel = "NAME",
      description = "A registered bound calculator (default: all of them).")
  String bound;

  @Option(names = "--n", defaultValue = "1000", description = "Preference pairs (default:"
      + " ${DEFAULT-VALUE}).")
  long n;

  @Option(names = "--delta", defaultValue = "0.05", description = "Failure probability (default:"
      + " ${DEFAULT-VALUE}).")
  double delta;

  @Option(names = "--beta", required = true, description = "Regularization strength.")
  double beta;

  @Option(names = "--r-max", defaultValue = "1", description = "Reward bound R_max (default:"
      + " ${DEFAULT-VALUE}).")
  double rMax;

  @Option(names = "--class-size", defaultValue = "64", description = "|R|, the finite reward"
      + " class's size (default: ${DEFAULT-VALUE}).")
  double classSize;

  @Option(names = "--model", defaultValue = "bt", description = "Preference model giving kappa"
      + " (default: ${DEFAULT-VALUE}).")
  String modelName;

  @Option(names = "--coverage", description = "The coverage constant C (default: each bound's"
      + " worst case without data: exp(R_max / beta) for reverse KL with the escort, beta / (beta"
      + " - R_max) for forward KL with the mixture when R_max < beta; forward KL with R_max >="
      + " beta has none and needs this option).")
  Double coverage;

  @Option(names = "--epsilon", description = "Report the smallest n with bound <= epsilon.")
  Double epsilon;

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public Integer call() {
    checkOptions();
    Registries registries = parent.registries(parent.effectiveOptions(this));
    double kappa = registries.preferenceModels().create(modelName).kappa(rMax);
    List<Registered<BoundCalculator>> chosen = new ArrayList<>();
    if (bound == null) {
      chosen.addAll(registries.boundCalculators().entries());
    } else {
      chosen.add(registries.boundCalculators().get(bound));
    }
    PrintWriter out = parent.main().out();
    out.printf(Locale.ROOT, "inputs: n = %d, delta = %s, beta = %s, R_max = %s, |R| = %s,"
        + " kappa = %.6g (%s), C = %s%n", n, delta, beta, rMax, classSize, kappa, modelName,
        coverage != null ? coverage.toString() : "each bound's worst case without data");
    for (Registered<BoundCalculator> r : chosen) {
      BoundCalculator b = r.factory().create(io.github.multiref.api.spi.ComponentConfig.empty());
      double logC = coverage != null ? Math.log(coverage) : b.worstCaseLogCoverage(rMax, beta);
      if (Double.isNaN(logC)) {
        out.printf(Locale.ROOT, "%-20s needs --coverage: its setting has no worst case without"
            + " data here (forward KL with R_max >= beta: the policy's ratio to the mixture"
            + " reaches 1 / min_y pibar(y))%n", r.name());
        continue;
      }
      BoundInputs inputs = new BoundInputs(n, delta, beta, rMax, classSize, kappa, logC);
      String c = coverage != null ? "" : String.format(Locale.ROOT, ", C = %s",
          powerOfE(logC));
      if (epsilon != null) {
        double log10N = b.log10MinimumSamples(inputs, epsilon);
        out.printf(Locale.ROOT, "%-20s n >= %s for bound <= %s   [%s%s]%s%n", r.name(),
            count(b, inputs, epsilon, log10N), epsilon, b.evaluate(inputs).formula(), c,
            log10N > VACUOUS_LOG10_PAIRS ? "   (vacuous: more pairs than any data set has)"
                : "");
      } else {
        BoundResult result = b.evaluate(inputs);
        out.printf(Locale.ROOT, "%-20s %s   [%s%s]%n", r.name(), number(result.logValue()),
            result.formula(), c);
      }
    }
    out.flush();
    return 0;
  }

  /** Beyond 10^12 preference pairs a required n describes no data set anyone has. */
  private static final double VACUOUS_LOG10_PAIRS = 12;

  /** Every option by the name the user typed, before anything is computed. */
  private void checkOptions() {
    if (n < 1) {
      throw new InputException("--n must be >= 1, got " + n);
    }
    if (!(delta > 0 && delta < 1)) {
      throw new InputException("--delta must be in (0, 1), got " + delta);
    }
    CliIo.checkBeta(beta);
    if (!(rMax > 0 && rMax < Double.POSITIVE_INFINITY)) {
      throw new InputException("--r-max must be finite and > 0, got " + rMax);
    }
    if (!(classSize >= 1 && classSize < Double.POSITIVE_INFINITY)) {
      throw new InputException("--class-size must be finite and >= 1, got " + classSize);
    }
    if (coverage != null && !(coverage >= 1 && coverage < Double.POSITIVE_INFINITY)) {
      throw new InputException("--coverage must be finite and >= 1, got " + coverage);
    }
    if (epsilon != null && !(epsilon > 0 && epsilon < Double.POSITIVE_INFINITY)) {
      throw new InputException("--epsilon must be finite and > 0, got " + epsilon);
    }
  }

  /** n as an integer while it is one (exact), else as a power of ten. */
  private static String count(BoundCalculator b, BoundInputs inputs, double epsilon,
      double log10N) {
    if (log10N < 18) {
      return Long.toString(b.minimumSamples(inputs, epsilon));
    }
    return String.format(Locale.ROOT, "10^%.2f", log10N);
  }

  /** A double for a value given by its natural log, as a power of ten beyond the double range. */
  private static String number(double logValue) {
    if (logValue < Math.log(Double.MAX_VALUE)) {
      return String.format(Locale.ROOT, "%.6g", Math.exp(logValue));
    }
    return String.format(Locale.ROOT, "10^%.2f (beyond the double range: vacuous)",
        logValue / Math.log(10));
  }

  private static String powerOfE(double logC) {
    return logC < 700 ? String.format(Locale.ROOT, "%.6g", Math.exp(logC))
        : String.format(Locale.ROOT, "e^%.6g", logC);
  }
}

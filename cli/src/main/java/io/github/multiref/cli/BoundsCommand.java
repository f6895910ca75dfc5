package io.github.multiref.cli;

import io.github.multiref.api.BoundCalculator;
import io.github.multiref.api.BoundInputs;
import io.github.multiref.api.BoundResult;
import io.github.multiref.bounds.Coverage;
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

  @Option(names = "--coverage", description = "The coverage constant C (default: the worst case"
      + " exp(R_max / beta) of reverse KL with the escort).")
  Double coverage;

  @Option(names = "--epsilon", description = "Report the smallest n with bound <= epsilon.")
  Double epsilon;

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public Integer call() {
    Registries registries = parent.registries(parent.effectiveOptions(this));
    double kappa = registries.preferenceModels().create(modelName).kappa(rMax);
    double c = coverage != null ? coverage : Coverage.worstCaseReverseKl(rMax, beta);
    BoundInputs inputs;
    try {
      inputs = new BoundInputs(n, delta, beta, rMax, classSize, kappa, c);
    } catch (IllegalArgumentException e) {
      throw new InputException(e.getMessage(), e);
    }
    List<Registered<BoundCalculator>> chosen = new ArrayList<>();
    if (bound == null) {
      chosen.addAll(registries.boundCalculators().entries());
    } else {
      chosen.add(registries.boundCalculators().get(bound));
    }
    PrintWriter out = parent.main().out();
    out.printf(Locale.ROOT, "inputs: n = %d, delta = %s, beta = %s, R_max = %s, |R| = %s,"
        + " kappa = %.6g (%s), C = %.6g%s%n", n, delta, beta, rMax, classSize, kappa, modelName,
        c, coverage == null ? " (worst case exp(R_max/beta))" : "");
    for (Registered<BoundCalculator> r : chosen) {
      BoundCalculator b = r.factory().create(io.github.multiref.api.spi.ComponentConfig.empty());
      if (epsilon != null) {
        out.printf(Locale.ROOT, "%-20s n >= %d for bound <= %s   [%s]%n", r.name(),
            b.minimumSamples(inputs, epsilon), epsilon, b.evaluate(inputs).formula());
      } else {
        BoundResult result = b.evaluate(inputs);
        out.printf(Locale.ROOT, "%-20s %.6g   [%s]%n", r.name(), result.value(),
            result.formula());
      }
    }
    out.flush();
    return 0;
  }
}

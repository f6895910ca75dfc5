package io.github.multiref.cli;

import io.github.multiref.api.BoundCalculator;
import io.github.multiref.api.BoundInputs;
import io.github.multiref.api.BoundResult;
import io.github.multiref.api.CoverageCondition;
import io.github.multiref.api.EmptySupportException;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.runtime.Registered;
import io.github.multiref.runtime.Registries;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
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

  @Option(names = "--r-max", paramLabel = "R", description = "Reward bound R_max (default: 1).")
  Double rMaxOption;

  @Option(names = "--implicit-reward-bound", paramLabel = "B", description = "Bounds for the"
      + " policy multi-reference DPO learns (paper's Appendix D): its implicit rewards lie in"
      + " [-B, B] (Assumptions D.1/D.2; dpo-score --implicit-reward-bound checks them on data),"
      + " so every bound is taken with R_max = 2 B, after the per-prompt shift that moves no"
      + " policy (Lemma A.4), and |R| the policy class's size.")
  Double implicitRewardBound;

  /** R_max as the bounds use it: --r-max, 2 B under --implicit-reward-bound, or 1. */
  private double rMax;

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

  @Option(names = "--coverage-condition", paramLabel = "NAME", description = "Take C from a"
      + " coverage condition of the paper: global, reverse-kl-ball or forward-kl-ball, measured"
      + " against each bound's reference (the escort for reverse KL, the mixture for forward KL)"
      + " of the references in --references. global without --references is the worst case.")
  String coverageCondition;

  @Option(names = "--coverage-epsilon", paramLabel = "EPS", description = "The KL ball's radius"
      + " for reverse-kl-ball and forward-kl-ball.")
  Double coverageEpsilon;

  @Option(names = "--references", paramLabel = "FILE", description = "A prompts table as solve"
      + " reads it (JSONL or Parquet; ref_logprobs renormalized over each prompt's candidates):"
      + " the coverage is the largest over its prompts.")
  String references;

  @Option(names = "--weights", paramLabel = "A1,...,AK", split = ",", description = "Reference"
      + " weights alpha for --references (default: uniform).")
  double[] weights;

  @Option(names = "--input-format", paramLabel = "FORMAT", description = "Format of"
      + " --references: jsonl or parquet (default: from its name).")
  String inputFormat;

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public Integer call() throws IOException {
    checkOptions();
    Registries registries = parent.registries(parent.effectiveOptions(this));
    double kappa = registries.preferenceModels().create(modelName).kappa(rMax);
    List<Registered<BoundCalculator>> chosen = new ArrayList<>();
    if (bound == null) {
      chosen.addAll(registries.boundCalculators().entries());
    } else {
      chosen.add(registries.boundCalculators().get(bound));
    }
    List<BoundCalculator> calculators = new ArrayList<>();
    for (Registered<BoundCalculator> r : chosen) {
      calculators.add(r.factory().create(io.github.multiref.api.spi.ComponentConfig.empty()));
    }
    CoverageCondition condition = condition();
    Measured[] measured = condition != null && references != null
        ? measure(calculators, condition) : null;
    PrintWriter out = parent.main().out();
    out.printf(Locale.ROOT, "inputs: n = %d, delta = %s, beta = %s, R_max = %s, |R| = %s,"
        + " kappa = %.6g (%s), C = %s%n", n, delta, beta, rMax, classSize, kappa, modelName,
        coverageSource(condition));
    if (implicitRewardBound != null) {
      out.printf(Locale.ROOT, "DPO (Appendix D): implicit rewards in [-B, B] with B = %s"
          + " (Assumptions D.1/D.2), so R_max = 2 B = %s after a per-prompt shift (Lemma A.4);"
          + " R is the DPO policy class's implicit rewards (|R| = %s), and each bound below is"
          + " the learned DPO policy's%n", implicitRewardBound, rMax, classSize);
    }
    out.printf(Locale.ROOT, "Lemma A.1: the MLE's reward error E[((r_hat(y) - r_hat(y')) - (r*(y)"
        + " - r*(y')))^2] <= eps_n = 2 kappa^2 log(|R|/delta) / n = %.6g (probability >= 1 -"
        + " delta)%n", new BoundInputs(n, delta, beta, rMax, classSize, kappa, 0.0)
            .rewardErrorBound());
    for (int i = 0; i < chosen.size(); i++) {
      Registered<BoundCalculator> r = chosen.get(i);
      BoundCalculator b = calculators.get(i);
      double logC = coverage != null ? Math.log(coverage) : measured != null
          ? measured[i].logC() : b.worstCaseLogCoverage(rMax, beta);
      if (measured != null && measured[i].unsupported()) {
        out.printf(Locale.ROOT, "%-20s needs --coverage: it does not compute coverage"
            + " conditions%n", r.name());
        continue;
      }
      if (logC == Double.POSITIVE_INFINITY) {
        out.printf(Locale.ROOT, "%-20s vacuous: C = +inf under %s (at %s: a response the"
            + " condition lets a policy reach has no mass in the bound's reference)%n", r.name(),
            condition, measured[i].where());
        continue;
      }
      if (Double.isNaN(logC)) {
        out.printf(Locale.ROOT, "%-20s needs --coverage: its setting has no worst case without"
            + " data here (forward KL with R_max >= beta: the policy's ratio to the mixture"
            + " reaches 1 / min_y pibar(y))%n", r.name());
        continue;
      }
      BoundInputs inputs = new BoundInputs(n, delta, beta, rMax, classSize, kappa, logC);
      String c = coverage != null ? "" : String.format(Locale.ROOT, ", C = %s%s",
          powerOfE(logC), measured != null ? " (largest at " + measured[i].where() + ")" : "");
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

  /** The condition named by the options, or null for --coverage or the worst case. */
  private CoverageCondition condition() {
    if (coverageCondition == null) {
      return null;
    }
    CoverageCondition.Kind kind;
    try {
      kind = CoverageCondition.Kind.ofLabel(coverageCondition);
    } catch (IllegalArgumentException e) {
      throw new InputException("--coverage-condition: " + e.getMessage());
    }
    if (kind == CoverageCondition.Kind.GLOBAL) {
      if (coverageEpsilon != null) {
        throw new InputException("--coverage-epsilon is the radius of a KL ball; global"
            + " coverage has none");
      }
      return CoverageCondition.global();
    }
    if (coverageEpsilon == null) {
      throw new InputException("--coverage-condition " + kind.label() + " needs"
          + " --coverage-epsilon, the ball's radius");
    }
    if (references == null) {
      throw new InputException("--coverage-condition " + kind.label() + " needs --references:"
          + " a KL ball's coverage depends on the references");
    }
    return new CoverageCondition(kind, coverageEpsilon);
  }

  private String coverageSource(CoverageCondition condition) {
    if (coverage != null) {
      return coverage.toString() + " (--coverage)";
    }
    if (condition == null || references == null) {
      return "each bound's worst case without data (global coverage over every reference)";
    }
    return condition + ", the largest over the prompts of " + references;
  }

  /**
   * One bound's coverage over the references' prompts: {@code log C} and where it is largest, or
   * {@code unsupported} when the bound computes none.
   */
  private record Measured(double logC, String where, boolean unsupported) {}

  /** Every bound's coverage under the condition, the sup over the prompts of --references. */
  private Measured[] measure(List<BoundCalculator> calculators, CoverageCondition condition)
      throws IOException {
    double[] alpha = weights == null ? null : CliIo.checkedWeights(weights);
    double[] worst = new double[calculators.size()];
    String[] where = new String[calculators.size()];
    boolean[] unsupported = new boolean[calculators.size()];
    java.util.Arrays.fill(worst, Double.NEGATIVE_INFINITY);
    int[] k = {-1};
    long[] prompts = {0};
    SolveCommand.readPrompts(references, CliIo.inputFormat(references, inputFormat), r -> {
      int refs = r.refLogprobs().length;
      if (k[0] < 0) {
        k[0] = refs;
      }
      if (refs != k[0] || (alpha != null && alpha.length != refs)) {
        throw r.error("ref_logprobs", "has " + refs + " references but " + (refs != k[0]
            ? "earlier " + r.unit() + "s have " + k[0] : "--weights has " + alpha.length));
      }
      ReferenceSet set = referenceSet(r, alpha);
      for (int b = 0; b < calculators.size(); b++) {
        OptionalDouble logC;
        try {
          logC = calculators.get(b).logCoverage(condition, set, rMax, beta);
        } catch (EmptySupportException e) {
          throw r.error("ref_logprobs", "has references with positive weight that share no"
              + " response: their escort has no mass");
        }
        if (logC.isEmpty()) {
          unsupported[b] = true;
        } else if (logC.getAsDouble() > worst[b] || where[b] == null) {
          worst[b] = logC.getAsDouble();
          where[b] = r.where();
        }
      }
      prompts[0]++;
    });
    if (prompts[0] == 0) {
      throw new InputException("--references " + references + " has no prompts");
    }
    Measured[] out = new Measured[calculators.size()];
    for (int b = 0; b < out.length; b++) {
      out[b] = new Measured(Math.max(0.0, worst[b]), where[b], unsupported[b]);
    }
    return out;
  }

  /** A prompt's references, each renormalized over its candidates, with the weights. */
  private static ReferenceSet referenceSet(PromptRecord r, double[] alpha) {
    int k = r.refLogprobs().length;
    List<LogDistribution> refs = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      try {
        refs.add(LogDistribution.normalize(r.refLogprobs()[i]));
      } catch (IllegalArgumentException e) {
        throw r.error("ref_logprobs", "list " + (i + 1) + " has no mass on any candidate");
      }
    }
    double[] w = alpha;
    if (w == null) {
      w = new double[k];
      java.util.Arrays.fill(w, 1.0 / k);
    }
    return ReferenceSet.of(r.prompt(), refs, w);
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
    if (rMaxOption != null && implicitRewardBound != null) {
      throw new InputException("--r-max and --implicit-reward-bound both give R_max; choose one");
    }
    if (implicitRewardBound != null && !(implicitRewardBound > 0
        && implicitRewardBound < Double.MAX_VALUE / 2)) {
      throw new InputException("--implicit-reward-bound must be finite and > 0, got "
          + implicitRewardBound);
    }
    rMax = implicitRewardBound != null ? 2 * implicitRewardBound
        : rMaxOption != null ? rMaxOption : 1.0;
    if (!(rMax > 0 && rMax < Double.POSITIVE_INFINITY)) {
      throw new InputException("--r-max must be finite and > 0, got " + rMax);
    }
    if (!(classSize >= 1 && classSize < Double.POSITIVE_INFINITY)) {
      throw new InputException("--class-size must be finite and >= 1, got " + classSize);
    }
    if (coverage != null && !(coverage >= 1 && coverage < Double.POSITIVE_INFINITY)) {
      throw new InputException("--coverage must be finite and >= 1, got " + coverage);
    }
    if (coverage != null && coverageCondition != null) {
      throw new InputException("--coverage and --coverage-condition both give C; choose one");
    }
    if (coverageCondition == null && (coverageEpsilon != null || references != null)) {
      throw new InputException((coverageEpsilon != null ? "--coverage-epsilon" : "--references")
          + " is used with --coverage-condition");
    }
    if (coverageEpsilon != null && !(coverageEpsilon >= 0
        && coverageEpsilon < Double.POSITIVE_INFINITY)) {
      throw new InputException("--coverage-epsilon must be finite and >= 0, got "
          + coverageEpsilon);
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

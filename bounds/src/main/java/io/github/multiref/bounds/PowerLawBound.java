package io.github.multiref.bounds;

import io.github.multiref.api.BoundCalculator;
import io.github.multiref.api.BoundInputs;
import io.github.multiref.api.BoundResult;
import io.github.multiref.api.CoverageCondition;
import io.github.multiref.api.LogMath;
import io.github.multiref.api.ReferenceSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.DoubleBinaryOperator;

/**
 * A bound that is a sum of powers of {@code C eps_n}, with the MLE reward error {@code eps_n = 2
 * kappa^2 log(|R|/delta) / n} (docs/math.md#sample-complexity-bounds): {@code sum_j c_j (C
 * eps_n)^p_j beta^-q_j}. Everything is evaluated in log space, so the bound and the n it needs stay
 * numbers when C (its worst case {@code exp(R_max/beta)}) is beyond the double range.
 */
final class PowerLawBound implements BoundCalculator {

  /** One term {@code coefficient (C eps_n)^power / beta^betaPower}. */
  record Term(double coefficient, double power, double betaPower) {}

  private final String name;
  private final String formula;
  private final List<Term> terms;
  private final DoubleBinaryOperator worstCaseLogCoverage;
  private final Setting setting;

  /** {@code log C} of a condition in the bound's setting, for one prompt. */
  @FunctionalInterface
  interface Setting {
    double logCoverage(CoverageCondition condition, ReferenceSet references, double rMax,
        double beta);
  }

  /**
   * @param worstCaseLogCoverage {@code log C} without data, from {@code (R_max, beta)}; NaN where
   *     there is none
   * @param setting {@code log C} under a named condition, against the setting's reference
   */
  PowerLawBound(String name, String formula, List<Term> terms,
      DoubleBinaryOperator worstCaseLogCoverage, Setting setting) {
    this.name = name;
    this.formula = formula;
    this.terms = List.copyOf(terms);
    this.worstCaseLogCoverage = worstCaseLogCoverage;
    this.setting = setting;
  }

  /** {@code eps_n = 2 kappa^2 log(|R|/delta) / n}. */
  static double rewardError(BoundInputs in) {
    return Math.exp(logRewardError(in, Math.log(in.n())));
  }

  /** {@code log eps_n} at {@code log n}. */
  static double logRewardError(BoundInputs in, double logN) {
    return Math.log(2.0) + 2.0 * Math.log(in.kappa()) + Math.log(Math.log(in.classSize()
        / in.delta())) - logN;
  }

  /** {@code log} of the bound at {@code log n}: a log-sum-exp of the terms. */
  private double logValue(BoundInputs in, double logN) {
    double logCEps = in.logCoverage() + logRewardError(in, logN);
    double[] logs = new double[terms.size()];
    for (int j = 0; j < logs.length; j++) {
      Term t = terms.get(j);
      logs[j] = Math.log(t.coefficient()) + t.power() * logCEps - t.betaPower() * Math.log(
          in.beta());
    }
    return LogMath.logSumExp(logs);
  }

  @Override
  public BoundResult evaluate(BoundInputs in) {
    return new BoundResult(logValue(in, Math.log(in.n())),
        formula + ", eps_n = 2 kappa^2 log(|R|/delta) / n", in);
  }

  /**
   * The bound decreases in n; {@code log n} is found by bisection between 0 and the point where
   * every term is below {@code epsilon / terms}, to rounding.
   */
  @Override
  public double log10MinimumSamples(BoundInputs in, double epsilon) {
    if (!(epsilon > 0.0)) {
      throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon);
    }
    double target = Math.log(epsilon);
    if (logValue(in, 0.0) <= target) {
      return 0.0;
    }
    double hi = 0.0;
    double share = target - Math.log(terms.size());
    for (Term t : terms) {
      double atOne = logValue(new PowerLawBound(name, formula, List.of(t), worstCaseLogCoverage,
          setting),
          in, 0.0);
      hi = Math.max(hi, (atOne - share) / t.power());
    }
    if (!Double.isFinite(hi)) {
      throw new ArithmeticException(name + ": the bound is infinite at every n (kappa = "
          + in.kappa() + ")");
    }
    double lo = 0.0;
    for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
      double mid = 0.5 * (lo + hi);
      if (logValue(in, mid) <= target) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi / Math.log(10);
  }

  private static double logValue(PowerLawBound b, BoundInputs in, double logN) {
    return b.logValue(in, logN);
  }

  @Override
  public double worstCaseLogCoverage(double rMax, double beta) {
    return worstCaseLogCoverage.applyAsDouble(rMax, beta);
  }

  @Override
  public OptionalDouble logCoverage(CoverageCondition condition, ReferenceSet references,
      double rMax, double beta) {
    return OptionalDouble.of(setting.logCoverage(condition, references, rMax, beta));
  }

  @Override
  public String toString() {
    return name;
  }
}

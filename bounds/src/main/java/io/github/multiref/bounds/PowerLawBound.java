package io.github.multiref.bounds;

import io.github.multiref.api.BoundCalculator;
import io.github.multiref.api.BoundInputs;
import io.github.multiref.api.BoundResult;

/**
 * A bound that is a function of the MLE reward error {@code eps_n = 2 kappa^2 log(|R|/delta) / n}
 * (MATH.md section 10), the coverage C and beta.
 */
final class PowerLawBound implements BoundCalculator {

  private final String name;
  private final String formula;
  private final Formula value;

  @FunctionalInterface
  interface Formula {
    double of(double eps, double coverage, double beta);
  }

  PowerLawBound(String name, String formula, Formula value) {
    this.name = name;
    this.formula = formula;
    this.value = value;
  }

  /** {@code eps_n = 2 kappa^2 log(|R|/delta) / n}. */
  static double rewardError(BoundInputs in) {
    return 2.0 * in.kappa() * in.kappa() * Math.log(in.classSize() / in.delta()) / in.n();
  }

  @Override
  public BoundResult evaluate(BoundInputs in) {
    return new BoundResult(value.of(rewardError(in), in.coverage(), in.beta()),
        formula + ", eps_n = 2 kappa^2 log(|R|/delta) / n", in);
  }

  @Override
  public String toString() {
    return name;
  }

}

package io.github.multiref.bounds;

import io.github.multiref.api.BoundCalculator;
import io.github.multiref.api.Stability;
import java.util.List;

/**
 * The sample-complexity bounds of docs/math.md#sample-complexity-bounds, each holding with
 * probability at least {@code 1 - delta} over n preference pairs from a finite realizable reward class (derivation in
 * docs/bounds.md):
 * <ul>
 *   <li>reverse KL sub-optimality {@code C eps_n / (4 beta)}: rate 1/n;
 *   <li>reverse KL optimality gap {@code C eps_n / (4 beta) + sqrt(C eps_n / 2)}: rate 1/sqrt n;
 *   <li>forward KL sub-optimality {@code sqrt(2 C eps_n)}: rate 1/sqrt n;
 *   <li>forward KL optimality gap {@code sqrt(2 C eps_n) + sqrt(C eps_n / 2)}: rate 1/sqrt n.
 * </ul>
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class Bounds {

  private Bounds() {}

  public static final BoundCalculator RKL_SUBOPTIMALITY = new PowerLawBound(
      "rkl-suboptimality", "C * eps_n / (4 beta)",
      List.of(new PowerLawBound.Term(0.25, 1.0, 1.0)), Coverage::worstCaseLogReverseKl,
      Coverage::logReverseKlSetting);

  public static final BoundCalculator RKL_OPTIMALITY_GAP = new PowerLawBound(
      "rkl-optimality-gap", "C * eps_n / (4 beta) + sqrt(C * eps_n / 2)",
      List.of(new PowerLawBound.Term(0.25, 1.0, 1.0), new PowerLawBound.Term(Math.sqrt(0.5),
          0.5, 0.0)), Coverage::worstCaseLogReverseKl,
      Coverage::logReverseKlSetting);

  public static final BoundCalculator FKL_SUBOPTIMALITY = new PowerLawBound(
      "fkl-suboptimality", "sqrt(2 C eps_n)",
      List.of(new PowerLawBound.Term(Math.sqrt(2.0), 0.5, 0.0)), Coverage::worstCaseLogForwardKl,
      Coverage::logForwardKlSetting);

  public static final BoundCalculator FKL_OPTIMALITY_GAP = new PowerLawBound(
      "fkl-optimality-gap", "sqrt(2 C eps_n) + sqrt(C eps_n / 2)",
      List.of(new PowerLawBound.Term(Math.sqrt(2.0), 0.5, 0.0), new PowerLawBound.Term(
          Math.sqrt(0.5), 0.5, 0.0)), Coverage::worstCaseLogForwardKl,
      Coverage::logForwardKlSetting);

  /** {@code eps_n = 2 kappa^2 log(|R|/delta) / n}. */
  public static double rewardError(io.github.multiref.api.BoundInputs inputs) {
    return PowerLawBound.rewardError(inputs);
  }
}

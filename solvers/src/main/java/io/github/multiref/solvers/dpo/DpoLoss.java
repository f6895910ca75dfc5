package io.github.multiref.solvers.dpo;

import io.github.multiref.api.Stability;

/**
 * The loss applied to a multi-reference DPO logit z (the implicit reward margin of the chosen over
 * the rejected response). Implementations are immutable; they evaluate without overflow for any
 * finite z and keep the derivative's magnitude in log space where it would underflow.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public interface DpoLoss {

  /** The loss at z; beta is the regularization strength (IPO's target depends on it). */
  double value(double z, double beta);

  /** {@code dL/dz}. */
  double derivative(double z, double beta);

  /**
   * {@code log|dL/dz|}, exact where the derivative underflows (the sigmoid loss at large z);
   * {@code -inf} where it is 0.
   */
  default double logAbsDerivative(double z, double beta) {
    return Math.log(Math.abs(derivative(z, beta)));
  }

  /**
   * {@link #value} and {@link #derivative} over {@code z[0..n)}; overridden where a vectorized
   * kernel exists.
   */
  default void evaluate(double[] z, double beta, double[] value, double[] derivative, int n) {
    for (int i = 0; i < n; i++) {
      value[i] = value(z[i], beta);
      derivative[i] = derivative(z[i], beta);
    }
  }

  /** Its name as in {@code --loss}, with parameters. */
  String describe();
}

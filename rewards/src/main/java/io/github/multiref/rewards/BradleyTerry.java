package io.github.multiref.rewards;

import io.github.multiref.api.LogMath;
import io.github.multiref.api.PreferenceModel;
import io.github.multiref.api.Stability;
import io.github.multiref.api.internal.ArrayKernels;

/**
 * Bradley-Terry: {@code link(t) = sigmoid(t) = 1 / (1 + e^-t)}. {@code log link(t) =
 * -softplus(-t)}, finite for any gap; {@code kappa(R) = 2 + e^R + e^-R}
 * (docs/math.md#preference-models).
 */
@Stability(Stability.Status.STABLE)
public final class BradleyTerry implements PreferenceModel {

  /** The single instance. */
  public static final BradleyTerry INSTANCE = new BradleyTerry();

  private BradleyTerry() {}

  @Override
  public double link(double t) {
    return LogMath.logistic(t);
  }

  @Override
  public double logLink(double t) {
    return -LogMath.log1pExp(-t);
  }

  /** {@code sigmoid(t) sigmoid(-t)}. */
  @Override
  public double linkDerivative(double t) {
    return link(t) * link(-t);
  }

  /** {@code sigmoid(-t)}. */
  @Override
  public double logLinkDerivative(double t) {
    return link(-t);
  }

  /**
   * Through the sigmoid-loss kernel: {@code softplus(-t) = -log link(t)} and {@code -sigmoid(-t)
   * = -(log link)'(t)}.
   */
  @Override
  public void logLinkBatch(double[] t, double[] logLink, double[] derivative, int n) {
    ArrayKernels.sigmoidLoss(t, 0.0, logLink, derivative, n);
    for (int i = 0; i < n; i++) {
      logLink[i] = -logLink[i];
      derivative[i] = -derivative[i];
    }
  }

  /** {@code 2 + e^R + e^-R}, in closed form. */
  @Override
  public double kappa(double rMax) {
    if (!(rMax >= 0.0 && rMax < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("rMax must be finite and >= 0, got " + rMax);
    }
    return 2.0 + Math.exp(rMax) + Math.exp(-rMax);
  }

  @Override
  public String toString() {
    return "bt";
  }
}

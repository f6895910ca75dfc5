package io.github.multiref.solvers.dpo;

import io.github.multiref.api.LogMath;
import io.github.multiref.api.Stability;
import io.github.multiref.api.internal.ArrayKernels;
import io.github.multiref.api.spi.ComponentSpec;
import java.util.Set;

/**
 * The loss shapes people use with DPO, by name: {@code sigmoid} (the default; {@code
 * sigmoid:label-smoothing=EPS} for conservative DPO), {@code hinge} (SLiC) and {@code ipo}.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class DpoLosses {

  private DpoLosses() {}

  /** {@code -log sigmoid(z) = softplus(-z)}. */
  public static final DpoLoss SIGMOID = sigmoid(0.0);

  /** {@code max(0, 1 - z)}. */
  public static final DpoLoss HINGE = new DpoLoss() {
    @Override
    public double value(double z, double beta) {
      return Math.max(0.0, 1.0 - z);
    }

    @Override
    public double derivative(double z, double beta) {
      return z < 1.0 ? -1.0 : 0.0;
    }

    @Override
    public String describe() {
      return "hinge";
    }
  };

  /**
   * IPO (Azar et al. 2023): {@code (z/beta - 1/(2 beta))^2}, the squared distance of the
   * unscaled margin {@code z/beta} from {@code 1/(2 beta)}.
   */
  public static final DpoLoss IPO = new DpoLoss() {
    @Override
    public double value(double z, double beta) {
      double d = (z - 0.5) / beta;
      return d * d;
    }

    @Override
    public double derivative(double z, double beta) {
      return 2.0 * (z - 0.5) / (beta * beta);
    }

    @Override
    public String describe() {
      return "ipo";
    }
  };

  /**
   * The sigmoid loss with label smoothing {@code eps} in {@code [0, 1/2)}: {@code (1 - eps)
   * softplus(-z) + eps softplus(z)}, the expected loss when each label is flipped with probability
   * eps (conservative DPO).
   */
  public static DpoLoss sigmoid(double eps) {
    if (!(eps >= 0.0 && eps < 0.5)) {
      throw new IllegalArgumentException("label-smoothing must be in [0, 0.5), got " + eps);
    }
    return new DpoLoss() {
      @Override
      public double value(double z, double beta) {
        double v = (1.0 - eps) * LogMath.log1pExp(-z);
        return eps == 0.0 ? v : v + eps * LogMath.log1pExp(z);
      }

      @Override
      public double derivative(double z, double beta) {
        return -(1.0 - eps) * LogMath.logistic(-z) + eps * LogMath.logistic(z);
      }

      @Override
      public double logAbsDerivative(double z, double beta) {
        if (eps == 0.0) {
          return -LogMath.log1pExp(z); // log sigmoid(-z)
        }
        return Math.log(Math.abs(derivative(z, beta)));
      }

      @Override
      public void evaluate(double[] z, double beta, double[] value, double[] derivative, int n) {
        ArrayKernels.sigmoidLoss(z, eps, value, derivative, n);
      }

      @Override
      public String describe() {
        return eps == 0.0 ? "sigmoid" : "sigmoid:label-smoothing=" + eps;
      }
    };
  }

  /**
   * A loss by name: {@code sigmoid}, {@code sigmoid:label-smoothing=0.1}, {@code hinge}, {@code
   * ipo}.
   *
   * @throws IllegalArgumentException naming the unknown loss or parameter
   */
  public static DpoLoss parse(String text) {
    ComponentSpec spec = ComponentSpec.parse(text);
    Set<String> keys = spec.config().keys();
    switch (spec.name()) {
      case "sigmoid":
        requireOnly(spec, keys, Set.of("label-smoothing"));
        return sigmoid(spec.config().getDouble("label-smoothing", 0.0));
      case "hinge":
        requireOnly(spec, keys, Set.of());
        return HINGE;
      case "ipo":
        requireOnly(spec, keys, Set.of());
        return IPO;
      default:
        throw new IllegalArgumentException(
            "unknown loss '" + spec.name() + "'; known: sigmoid, hinge, ipo");
    }
  }

  private static void requireOnly(ComponentSpec spec, Set<String> keys, Set<String> allowed) {
    for (String key : keys) {
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException("unknown parameter '" + key + "' for loss '"
            + spec.name() + "'; " + (allowed.isEmpty() ? "it takes none"
            : "it takes: " + String.join(", ", allowed)));
      }
    }
  }
}

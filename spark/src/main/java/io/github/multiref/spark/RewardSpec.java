package io.github.multiref.spark;

import io.github.multiref.api.Stability;
import java.io.Serializable;
import java.util.List;

/**
 * What {@link RewardFits} fits with: the options of {@code multiref fit-reward}.
 *
 * @param model a registered preference model ({@code bt}, {@code thurstone:s=S}, a plugin's)
 * @param l2 ridge on the rewards (tabular) or on theta (linear), finite and {@code >= 0}
 * @param bound for linear rewards, the largest allowed {@code ||theta||}, or {@code +inf}
 * @param tolerance L-BFGS stops when the largest gradient component is below {@code tolerance *
 *     max(1, |negative log-likelihood|)}
 * @param maxIterations the L-BFGS budget, {@code >= 1}
 * @param pluginDirs plugin directories to load on every executor (may be empty)
 */
@Stability(Stability.Status.EXPERIMENTAL)
public record RewardSpec(String model, double l2, double bound, double tolerance,
    int maxIterations, List<String> pluginDirs) implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Checks every option. */
  public RewardSpec {
    Specs.checkName("model", model);
    if (!(l2 >= 0 && l2 < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("l2 must be finite and >= 0, got " + l2);
    }
    if (!(bound > 0)) {
      throw new IllegalArgumentException("bound must be > 0, got " + bound);
    }
    io.github.multiref.rewards.Lbfgs.of(tolerance, maxIterations, 10); // checks both
    pluginDirs = List.copyOf(pluginDirs);
  }

  /** fit-reward's defaults: Bradley-Terry, ridge 1e-3, no bound, tolerance 1e-8, 5000 steps. */
  public static RewardSpec defaults() {
    return new RewardSpec("bt", 1e-3, Double.POSITIVE_INFINITY, 1e-8, 5000, List.of());
  }

  /** This spec with another ridge. */
  public RewardSpec withL2(double ridge) {
    return new RewardSpec(model, ridge, bound, tolerance, maxIterations, pluginDirs);
  }

  /** This spec with another model. */
  public RewardSpec withModel(String name) {
    return new RewardSpec(name, l2, bound, tolerance, maxIterations, pluginDirs);
  }

  io.github.multiref.rewards.Lbfgs optimizer() {
    return io.github.multiref.rewards.Lbfgs.of(tolerance, maxIterations, 10);
  }
}

package io.github.multiref.spark;

import io.github.multiref.api.Stability;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * What {@link MultirefSpark#scoreDpo} scores every pair with: the options of {@code multiref
 * dpo-score}.
 *
 * @param divergence a registered divergence
 * @param loss {@code sigmoid} (or {@code sigmoid:label-smoothing=EPS}), {@code hinge} or {@code
 *     ipo}
 * @param beta finite and {@code > 0}
 * @param weights K fixed reference weights, or null (uniform, or adaptive)
 * @param adaptive MRPO's adaptive weights per pair (excludes {@code weights})
 * @param batch pairs scored at once in a partition, {@code >= 1}
 * @param pluginDirs plugin directories to load on every executor (may be empty)
 */
@Stability(Stability.Status.EXPERIMENTAL)
public record DpoSpec(String divergence, String loss, double beta, double[] weights,
    boolean adaptive, int batch, List<String> pluginDirs) implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Checks every option as the command line does; the weights are copied. */
  public DpoSpec {
    Specs.checkName("divergence", divergence);
    Specs.checkName("loss", loss);
    Specs.checkBeta(beta);
    weights = Specs.checkWeights(weights);
    if (adaptive && weights != null) {
      throw new IllegalArgumentException("weights and adaptive weights exclude each other");
    }
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
    pluginDirs = List.copyOf(pluginDirs);
  }

  /** Reverse KL, the sigmoid loss, uniform weights, no plugins. */
  public static DpoSpec of(double beta) {
    return new DpoSpec("reverse-kl", "sigmoid", beta, null, false, 65536, List.of());
  }

  /** This spec with another divergence. */
  public DpoSpec withDivergence(String name) {
    return new DpoSpec(name, loss, beta, weights, adaptive, batch, pluginDirs);
  }

  /** This spec with plugin directories. */
  public DpoSpec withPluginDirs(List<String> dirs) {
    return new DpoSpec(divergence, loss, beta, weights, adaptive, batch, dirs);
  }

  /** A copy of the weights, or null. */
  @Override
  public double[] weights() {
    return weights == null ? null : weights.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DpoSpec s && divergence.equals(s.divergence) && loss.equals(s.loss)
        && Double.compare(beta, s.beta) == 0 && Arrays.equals(weights, s.weights)
        && adaptive == s.adaptive && batch == s.batch && pluginDirs.equals(s.pluginDirs);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(divergence, loss, beta, Arrays.hashCode(weights), adaptive,
        batch, pluginDirs);
  }

  @Override
  public String toString() {
    return "DpoSpec[divergence=" + divergence + ", loss=" + loss + ", beta=" + beta
        + ", weights=" + Arrays.toString(weights) + ", adaptive=" + adaptive + ", batch=" + batch
        + ", pluginDirs=" + pluginDirs + "]";
  }
}

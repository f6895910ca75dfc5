package io.github.multiref.spark;

import io.github.multiref.api.Stability;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * What {@link MultirefSpark#solve} solves every prompt with: the options of {@code multiref
 * solve}. Components are named, as on the command line, and created on each executor from its
 * registries (built-ins, plugins on the class path, and {@code pluginDirs}).
 *
 * @param divergence a registered divergence, with parameters as {@code NAME:key=value}
 * @param solver a registered solver, or {@code auto} for the divergence's best
 * @param beta the regularization strength, finite and {@code > 0}
 * @param weights K reference weights, or null for uniform weights over each prompt's K
 * @param renormalize whether each reference is renormalized over the candidates ({@code false}:
 *     they must sum to 1 within 1e-6, as {@code --no-normalize} asks)
 * @param batch prompts solved at once in a partition, {@code >= 1}
 * @param pluginDirs plugin directories to load on every executor (may be empty)
 */
@Stability(Stability.Status.EXPERIMENTAL)
public record SolveSpec(String divergence, String solver, double beta, double[] weights,
    boolean renormalize, int batch, List<String> pluginDirs) implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Checks every option as the command line does; the weights are copied. */
  public SolveSpec {
    Specs.checkName("divergence", divergence);
    Specs.checkName("solver", solver);
    Specs.checkBeta(beta);
    weights = Specs.checkWeights(weights);
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
    pluginDirs = List.copyOf(pluginDirs);
  }

  /** Reverse KL, the best solver, uniform weights, renormalized references, no plugins. */
  public static SolveSpec of(double beta) {
    return new SolveSpec("reverse-kl", "auto", beta, null, true, 1024, List.of());
  }

  /** This spec with another divergence. */
  public SolveSpec withDivergence(String name) {
    return new SolveSpec(name, solver, beta, weights, renormalize, batch, pluginDirs);
  }

  /** This spec with fixed weights. */
  public SolveSpec withWeights(double... alpha) {
    return new SolveSpec(divergence, solver, beta, alpha, renormalize, batch, pluginDirs);
  }

  /** A copy of the weights, or null for uniform. */
  @Override
  public double[] weights() {
    return weights == null ? null : weights.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SolveSpec s && divergence.equals(s.divergence) && solver.equals(s.solver)
        && Double.compare(beta, s.beta) == 0 && Arrays.equals(weights, s.weights)
        && renormalize == s.renormalize && batch == s.batch && pluginDirs.equals(s.pluginDirs);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(divergence, solver, beta, Arrays.hashCode(weights),
        renormalize, batch, pluginDirs);
  }

  @Override
  public String toString() {
    return "SolveSpec[divergence=" + divergence + ", solver=" + solver + ", beta=" + beta
        + ", weights=" + Arrays.toString(weights) + ", renormalize=" + renormalize + ", batch="
        + batch + ", pluginDirs=" + pluginDirs + "]";
  }
}

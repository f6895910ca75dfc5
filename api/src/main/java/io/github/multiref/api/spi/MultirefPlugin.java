package io.github.multiref.api.spi;

import io.github.multiref.api.BoundCalculator;
import io.github.multiref.api.Divergence;
import io.github.multiref.api.PreferenceModel;
import io.github.multiref.api.ReferenceCombiner;
import io.github.multiref.api.Solver;
import io.github.multiref.api.Stability;
import java.util.List;

/**
 * The single {@link java.util.ServiceLoader} entry point for extensions.
 *
 * <p>A plugin jar (or a directory of jars: the plugin and its own dependencies) lists its
 * implementation in {@code
 * META-INF/services/io.github.multiref.api.spi.MultirefPlugin} and overrides the methods for the
 * kinds it contributes. Every method has a default returning an empty list, so a new kind of
 * extension is a new default method here and never breaks an existing plugin.
 *
 * <p>Implementations need a public no-argument constructor and must be cheap to construct: the
 * factories they return are instantiated at start-up, their components only on use. Names must
 * match {@value #NAME_PATTERN} and be unique per kind across the built-ins and every plugin.
 *
 * <p>Stability: stable.
 */
@Stability(Stability.Status.STABLE)
public interface MultirefPlugin {

  /** The pattern every component name must match: lower case, digits, single dashes. */
  String NAME_PATTERN = "[a-z][a-z0-9]*(-[a-z0-9]+)*";

  /** f-divergences. */
  default List<ComponentFactory<Divergence>> divergences() {
    return List.of();
  }

  /** Reference combiners. */
  default List<ComponentFactory<ReferenceCombiner>> referenceCombiners() {
    return List.of();
  }

  /** Preference models. */
  default List<ComponentFactory<PreferenceModel>> preferenceModels() {
    return List.of();
  }

  /** Solvers. */
  default List<ComponentFactory<Solver>> solvers() {
    return List.of();
  }

  /** Sample-complexity bound calculators. */
  default List<ComponentFactory<BoundCalculator>> boundCalculators() {
    return List.of();
  }
}

package io.github.multiref.bounds;

import io.github.multiref.api.BoundCalculator;
import io.github.multiref.api.Stability;
import io.github.multiref.api.spi.ComponentFactory;
import io.github.multiref.api.spi.MultirefPlugin;
import java.util.List;

/** The built-in bound calculators, wired by the runtime as built-ins. */
@Stability(Stability.Status.INTERNAL)
public final class BuiltinBoundsPlugin implements MultirefPlugin {

  /** The plugin; the runtime creates one per program. */
  public BuiltinBoundsPlugin() {}

  @Override
  public List<ComponentFactory<BoundCalculator>> boundCalculators() {
    return List.of(
        ComponentFactory.of("rkl-suboptimality", "reverse KL sub-optimality: C eps_n / (4 beta)",
            Bounds.RKL_SUBOPTIMALITY),
        ComponentFactory.of("rkl-optimality-gap",
            "reverse KL optimality gap: C eps_n / (4 beta) + sqrt(C eps_n / 2)",
            Bounds.RKL_OPTIMALITY_GAP),
        ComponentFactory.of("fkl-suboptimality", "forward KL sub-optimality: sqrt(2 C eps_n)",
            Bounds.FKL_SUBOPTIMALITY),
        ComponentFactory.of("fkl-optimality-gap",
            "forward KL optimality gap: sqrt(2 C eps_n) + sqrt(C eps_n / 2)",
            Bounds.FKL_OPTIMALITY_GAP));
  }
}

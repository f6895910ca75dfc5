package io.github.multiref.runtime;

import io.github.multiref.api.BoundCalculator;
import io.github.multiref.api.Divergence;
import io.github.multiref.api.PreferenceModel;
import io.github.multiref.api.ReferenceCombiner;
import io.github.multiref.api.Solver;
import io.github.multiref.api.Stability;
import io.github.multiref.api.spi.ComponentFactory;
import io.github.multiref.api.spi.MultirefPlugin;
import java.util.List;
import java.util.function.Function;

/**
 * A kind of extension: its label and how to ask a plugin for its factories. Adding a kind means a
 * new default method on {@link MultirefPlugin} and a new constant here.
 *
 * @param <T> the component type
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class ComponentKind<T> {

  public static final ComponentKind<Divergence> DIVERGENCE =
      new ComponentKind<>("divergence", MultirefPlugin::divergences);
  public static final ComponentKind<ReferenceCombiner> REFERENCE_COMBINER =
      new ComponentKind<>("reference-combiner", MultirefPlugin::referenceCombiners);
  public static final ComponentKind<PreferenceModel> PREFERENCE_MODEL =
      new ComponentKind<>("preference-model", MultirefPlugin::preferenceModels);
  public static final ComponentKind<Solver> SOLVER =
      new ComponentKind<>("solver", MultirefPlugin::solvers);
  public static final ComponentKind<BoundCalculator> BOUND_CALCULATOR =
      new ComponentKind<>("bound-calculator", MultirefPlugin::boundCalculators);

  /** Every kind, in display order. */
  public static final List<ComponentKind<?>> ALL =
      List.of(DIVERGENCE, REFERENCE_COMBINER, PREFERENCE_MODEL, SOLVER, BOUND_CALCULATOR);

  private final String label;
  private final Function<MultirefPlugin, List<ComponentFactory<T>>> factories;

  private ComponentKind(
      String label, Function<MultirefPlugin, List<ComponentFactory<T>>> factories) {
    this.label = label;
    this.factories = factories;
  }

  /** The kind's name as users see it, e.g. {@code divergence}. */
  public String label() {
    return label;
  }

  /** The factories of this kind that {@code plugin} contributes. */
  List<ComponentFactory<T>> factoriesOf(MultirefPlugin plugin) {
    return factories.apply(plugin);
  }

  @Override
  public String toString() {
    return label;
  }
}

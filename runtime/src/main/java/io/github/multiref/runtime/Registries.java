package io.github.multiref.runtime;

import io.github.multiref.api.BoundCalculator;
import io.github.multiref.api.Divergence;
import io.github.multiref.api.PreferenceModel;
import io.github.multiref.api.ReferenceCombiner;
import io.github.multiref.api.Solver;
import io.github.multiref.api.Stability;
import io.github.multiref.api.spi.ComponentFactory;
import io.github.multiref.api.spi.MultirefPlugin;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every registered component, one {@link Registry} per kind, built once from the built-ins and the
 * discovered plugins. Construction validates every name and refuses duplicates.
 */
@Stability(Stability.Status.STABLE)
public final class Registries {

  private static final Logger LOG = LoggerFactory.getLogger(Registries.class);
  private static final Pattern NAME = Pattern.compile(MultirefPlugin.NAME_PATTERN);

  private final Map<ComponentKind<?>, Registry<?>> byKind;
  private final List<PluginSource> sources;

  private Registries(Map<ComponentKind<?>, Registry<?>> byKind, List<PluginSource> sources) {
    this.byKind = byKind;
    this.sources = sources;
  }

  /**
   * The registries of all kinds from these plugins.
   *
   * @throws PluginConfigurationException for a malformed or duplicate name (naming both sources),
   *     or a plugin that fails when asked for its factories
   */
  public static Registries of(List<PluginSource> sources) {
    Map<ComponentKind<?>, Registry<?>> byKind = new LinkedHashMap<>();
    for (ComponentKind<?> kind : ComponentKind.ALL) {
      byKind.put(kind, build(kind, sources));
    }
    for (PluginSource source : sources) {
      LOG.info("plugin {} from {}", source.origin().pluginClass(), source.origin().location());
    }
    return new Registries(byKind, List.copyOf(sources));
  }

  private static <T> Registry<T> build(ComponentKind<T> kind, List<PluginSource> sources) {
    Map<String, Registered<T>> byName = new HashMap<>();
    for (PluginSource source : sources) {
      List<ComponentFactory<T>> factories;
      try {
        factories = kind.factoriesOf(source.plugin());
      } catch (RuntimeException | LinkageError e) {
        throw new PluginConfigurationException(
            "plugin " + source.origin().describe() + " failed to list its " + kind.label()
                + " factories: " + e, e);
      }
      if (factories == null) {
        throw new PluginConfigurationException(
            "plugin " + source.origin().describe() + " returned null instead of a list of "
                + kind.label() + " factories");
      }
      for (ComponentFactory<T> factory : factories) {
        String name = factory == null ? null : factory.name();
        if (name == null || !NAME.matcher(name).matches()) {
          throw new PluginConfigurationException(
              "malformed " + kind.label() + " name '" + name + "' from plugin "
                  + source.origin().describe() + ": names must match "
                  + MultirefPlugin.NAME_PATTERN);
        }
        Registered<T> previous = byName.get(name);
        if (previous != null) {
          throw new PluginConfigurationException(
              "duplicate " + kind.label() + " name '" + name + "': declared by "
                  + previous.origin().describe() + " and by " + source.origin().describe());
        }
        byName.put(name, new Registered<>(kind, factory, source.origin()));
      }
    }
    return new Registry<>(kind, byName);
  }

  /** The registry of one kind. */
  @SuppressWarnings("unchecked")
  public <T> Registry<T> of(ComponentKind<T> kind) {
    return (Registry<T>) byKind.get(kind);
  }

  public Registry<Divergence> divergences() {
    return of(ComponentKind.DIVERGENCE);
  }

  public Registry<ReferenceCombiner> referenceCombiners() {
    return of(ComponentKind.REFERENCE_COMBINER);
  }

  public Registry<PreferenceModel> preferenceModels() {
    return of(ComponentKind.PREFERENCE_MODEL);
  }

  public Registry<Solver> solvers() {
    return of(ComponentKind.SOLVER);
  }

  public Registry<BoundCalculator> boundCalculators() {
    return of(ComponentKind.BOUND_CALCULATOR);
  }

  /** Every registered component, by kind then name. */
  public List<Registered<?>> all() {
    List<Registered<?>> out = new ArrayList<>();
    for (Registry<?> registry : byKind.values()) {
      out.addAll(registry.entries());
    }
    return out;
  }

  /** The plugins these registries were built from, built-ins first. */
  public List<PluginSource> sources() {
    return sources;
  }
}

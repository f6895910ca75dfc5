package io.github.multiref.runtime;

import io.github.multiref.api.Stability;
import io.github.multiref.bounds.BuiltinBoundsPlugin;
import io.github.multiref.divergences.BuiltinDivergencesPlugin;
import io.github.multiref.rewards.BuiltinRewardsPlugin;
import io.github.multiref.solvers.BuiltinSolversPlugin;
import java.util.List;

/** The plugins that ship with multiref, one per module that contributes components. */
@Stability(Stability.Status.INTERNAL)
public final class BuiltinPlugins {

  private BuiltinPlugins() {}

  /** Fresh instances of every built-in plugin. */
  public static List<PluginSource> all() {
    return List.of(PluginSource.builtIn(new BuiltinDivergencesPlugin()),
        PluginSource.builtIn(new BuiltinRewardsPlugin()),
        PluginSource.builtIn(new BuiltinSolversPlugin()),
        PluginSource.builtIn(new BuiltinBoundsPlugin()));
  }
}

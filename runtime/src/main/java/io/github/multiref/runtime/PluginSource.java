package io.github.multiref.runtime;

import io.github.multiref.api.Stability;
import io.github.multiref.api.spi.MultirefPlugin;

/**
 * A plugin instance and where it came from.
 *
 * @param plugin the plugin
 * @param origin its origin
 */
@Stability(Stability.Status.EXPERIMENTAL)
public record PluginSource(MultirefPlugin plugin, Origin origin) {

  /** A built-in plugin. */
  public static PluginSource builtIn(MultirefPlugin plugin) {
    return new PluginSource(plugin, Origin.builtIn(plugin.getClass()));
  }

  /** An extension, located by its class's code source. */
  public static PluginSource extension(MultirefPlugin plugin) {
    return new PluginSource(plugin, Origin.extension(plugin.getClass()));
  }
}

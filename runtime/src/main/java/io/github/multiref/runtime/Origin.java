package io.github.multiref.runtime;

import io.github.multiref.api.Stability;

/**
 * Where a component came from: the plugin class and, for an extension, the jar or directory that
 * holds it.
 *
 * @param pluginClass the fully qualified name of the {@link
 *     io.github.multiref.api.spi.MultirefPlugin} implementation
 * @param location {@code built-in}, or the path of the jar (or classes directory) it was loaded from
 * @param builtIn whether it ships with multiref
 */
@Stability(Stability.Status.EXPERIMENTAL)
public record Origin(String pluginClass, String location, boolean builtIn) {

  /** The origin of a built-in plugin. */
  public static Origin builtIn(Class<?> pluginClass) {
    return new Origin(pluginClass.getName(), "built-in", true);
  }

  /** The origin of an extension: the path its class was loaded from. */
  public static Origin extension(Class<?> pluginClass) {
    var source = pluginClass.getProtectionDomain().getCodeSource();
    String location = "unknown location";
    if (source != null && source.getLocation() != null) {
      try {
        location = java.nio.file.Path.of(source.getLocation().toURI()).toString();
      } catch (java.net.URISyntaxException | IllegalArgumentException e) {
        location = source.getLocation().toString();
      }
    }
    return new Origin(pluginClass.getName(), location, false);
  }

  /** {@code class (location)}, as quoted in messages. */
  public String describe() {
    return pluginClass + " (" + location + ")";
  }
}

/**
 * Example plugin: the Neyman chi^2 divergence. It sees the multiref api alone, and is found by
 * ServiceLoader on the module path (below) or on the class path and in plugin directories
 * ({@code META-INF/services}).
 */
module io.github.multiref.plugins.neyman {
  requires io.github.multiref.api;

  provides io.github.multiref.api.spi.MultirefPlugin
      with io.github.multiref.plugins.neyman.NeymanPlugin;
}

package io.github.multiref.spark;

import com.google.inject.Guice;
import com.google.inject.ProvisionException;
import io.github.multiref.runtime.MultirefModule;
import io.github.multiref.runtime.PluginSettings;
import io.github.multiref.runtime.Registries;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registries of this JVM (the driver, or an executor): the one injector per set of plugin
 * directories and class loader, made on first use and kept. On an executor the class loader is the
 * task's, so plugins shipped with {@code --jars} are found by ServiceLoader there.
 */
final class Components {

  private record Key(List<String> pluginDirs, ClassLoader loader) {}

  private static final Map<Key, Registries> CACHE = new ConcurrentHashMap<>();

  private Components() {}

  static Registries registries(List<String> pluginDirs) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = Components.class.getClassLoader();
    }
    ClassLoader l = loader;
    return CACHE.computeIfAbsent(new Key(pluginDirs, l), k -> {
      PluginSettings settings = new PluginSettings(pluginDirs.stream().map(Path::of).toList());
      try {
        return Guice.createInjector(new MultirefModule(settings, l))
            .getInstance(Registries.class);
      } catch (ProvisionException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        throw cause instanceof RuntimeException r ? r : e;
      }
    });
  }
}

package io.github.multiref.runtime;

import io.github.multiref.api.spi.MultirefPlugin;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * Finds {@link MultirefPlugin} implementations with {@link ServiceLoader}: on a class loader (the
 * class path) or in the jars of a directory.
 */
public final class PluginDiscovery {

  private PluginDiscovery() {}

  /** The plugins visible to {@code loader}, in discovery order. */
  public static List<PluginSource> fromClassLoader(ClassLoader loader) {
    return load(loader, null, "the class path");
  }

  /**
   * The plugins in the {@code *.jar} files of {@code directory} (sorted by file name, so discovery
   * order does not depend on the file system), each located by its jar. Plugins that the parent
   * class loader already sees are not reported again here.
   *
   * @throws PluginConfigurationException if the directory does not exist or cannot be read, or a
   *     plugin cannot be instantiated
   */
  public static List<PluginSource> fromDirectory(Path directory, ClassLoader parent) {
    if (!Files.isDirectory(directory)) {
      throw new PluginConfigurationException(
          "plugin directory " + directory + " does not exist or is not a directory");
    }
    List<URL> jars = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path jar : files.filter(p -> p.getFileName().toString().endsWith(".jar"))
          .sorted().toList()) {
        jars.add(jar.toUri().toURL());
      }
    } catch (IOException e) {
      throw new PluginConfigurationException(
          "cannot read plugin directory " + directory + ": " + e.getMessage(), e);
    }
    if (jars.isEmpty()) {
      return List.of();
    }
    // Kept open for the life of the program: plugin classes load lazily from it.
    URLClassLoader loader = new URLClassLoader(
        "multiref-plugins:" + directory, jars.toArray(URL[]::new), parent);
    return load(loader, loader, directory.toString());
  }

  private static List<PluginSource> load(ClassLoader loader, ClassLoader only, String where) {
    List<PluginSource> out = new ArrayList<>();
    var providers = ServiceLoader.load(MultirefPlugin.class, loader).stream().iterator();
    while (true) {
      ServiceLoader.Provider<MultirefPlugin> provider;
      try {
        if (!providers.hasNext()) {
          break;
        }
        provider = providers.next();
      } catch (ServiceConfigurationError e) {
        throw new PluginConfigurationException(
            "cannot load a plugin listed in " + where + ": " + e.getMessage(), e);
      }
      if (only != null && provider.type().getClassLoader() != only) {
        continue;
      }
      MultirefPlugin plugin;
      try {
        plugin = provider.get();
      } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
        throw new PluginConfigurationException(
            "cannot instantiate plugin " + Origin.extension(provider.type()).describe() + ": "
                + e.getMessage(), e);
      }
      out.add(PluginSource.extension(plugin));
    }
    return out;
  }
}

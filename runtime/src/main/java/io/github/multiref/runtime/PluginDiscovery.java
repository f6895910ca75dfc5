package io.github.multiref.runtime;

import io.github.multiref.api.Stability;
import io.github.multiref.api.spi.MultirefPlugin;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds {@link MultirefPlugin} implementations with {@link ServiceLoader}: on a class loader (the
 * class path) or in the jars of a directory.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class PluginDiscovery {

  private static final Logger LOG = LoggerFactory.getLogger(PluginDiscovery.class);

  private PluginDiscovery() {}

  /** The plugins visible to {@code loader}, in discovery order. */
  public static List<PluginSource> fromClassLoader(ClassLoader loader) {
    return load(loader, null, "the class path");
  }

  /**
   * The plugins in {@code directory}. Each {@code *.jar} directly inside it is one plugin, and each
   * subdirectory is one plugin made of the jars it holds (a plugin with its own dependencies).
   * Every plugin gets its own class loader, child of {@code parent}, so two plugins never see each
   * other's classes and two copies of the same plugin are both found (and then refused as
   * duplicates by name, naming both jars). Entries are visited in sorted order, so discovery order
   * does not depend on the file system.
   *
   * <p>A jar that is not a readable jar (a truncated download, say) is an error naming it; a
   * plugin entry that declares no {@code MultirefPlugin} in {@code META-INF/services} contributes
   * nothing and is skipped with a warning naming it.
   *
   * @throws PluginConfigurationException if the directory does not exist or cannot be read, a jar
   *     is corrupt, or a plugin cannot be instantiated
   */
  public static List<PluginSource> fromDirectory(Path directory, ClassLoader parent) {
    if (!Files.isDirectory(directory)) {
      throw new PluginConfigurationException(
          "plugin directory " + directory + " does not exist or is not a directory");
    }
    List<PluginSource> out = new ArrayList<>();
    for (Path entry : list(directory)) {
      List<Path> jars;
      if (Files.isDirectory(entry)) {
        jars = list(entry).stream().filter(PluginDiscovery::isJar).toList();
      } else if (isJar(entry)) {
        jars = List.of(entry);
      } else {
        continue;
      }
      if (jars.isEmpty()) {
        continue;
      }
      URL[] urls = new URL[jars.size()];
      for (int i = 0; i < urls.length; i++) {
        checkReadable(jars.get(i));
        urls[i] = toUrl(jars.get(i));
      }
      // Kept open for the life of the program: plugin classes load lazily from it.
      URLClassLoader loader = new URLClassLoader("multiref-plugin:" + entry, urls, parent);
      List<PluginSource> found = load(loader, loader, entry.toString());
      if (found.isEmpty()) {
        LOG.warn("plugin {} contributes nothing: it lists no {} in META-INF/services; skipped",
            entry, MultirefPlugin.class.getName());
      }
      out.addAll(found);
    }
    return out;
  }

  private static boolean isJar(Path p) {
    return Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jar");
  }

  private static List<Path> list(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      return files.sorted().toList();
    } catch (IOException e) {
      throw new PluginConfigurationException(
          "cannot read plugin directory " + directory + ": " + e.getMessage(), e);
    }
  }

  /** Opens the jar's central directory once, so that a corrupt jar fails here, by name. */
  private static void checkReadable(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      file.entries().hasMoreElements();
    } catch (IOException e) {
      throw new PluginConfigurationException("plugin jar " + jar + " is not a readable jar ("
          + e.getMessage() + ")", e);
    }
  }

  private static URL toUrl(Path jar) {
    try {
      return jar.toUri().toURL();
    } catch (MalformedURLException e) {
      throw new PluginConfigurationException("bad plugin path " + jar + ": " + e.getMessage(), e);
    }
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

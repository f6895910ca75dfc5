package io.github.multiref.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiref.api.Stability;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every public type of every multiref module (the plugins and the contract kit included) says
 * how far it can be relied on with {@link Stability}. The modules are found on the test class
 * path as Maven puts them there ({@code multiref-*.jar} files, or a module's {@code
 * target/classes} directory), the plugins in the plugin directories the build fills.
 */
public class EveryPublicTypeDeclaresItsStabilityTest {

  private static final Pattern MODULE_JAR = Pattern.compile("multiref-[a-z0-9-]+?-\\d.*\\.jar");

  /** A public type without the annotation, for the self-check below. */
  public static final class Unmarked {}

  /** Not public: the check passes it by. */
  static final class Hidden {}

  @Test
  void everyPublicTypeOfTheProjectIsMarked() throws IOException {
    List<String> entries = multirefEntries();
    List<URL> pluginJars = new ArrayList<>();
    for (String dir : List.of("multiref.pluginDir", "multiref.rankingPluginDir")) {
      try (Stream<Path> jars = Files.list(Path.of(System.getProperty(dir)))) {
        for (Path jar : jars.filter(j -> j.toString().endsWith(".jar")).toList()) {
          entries.add(jar.toString());
          pluginJars.add(jar.toUri().toURL());
        }
      }
    }
    Set<String> checked = new TreeSet<>();
    Set<String> unmarked = new TreeSet<>();
    try (URLClassLoader loader = new URLClassLoader(pluginJars.toArray(URL[]::new),
        getClass().getClassLoader())) {
      for (String entry : entries) {
        for (String name : classNames(Path.of(entry))) {
          Class<?> type = load(name, loader);
          if (isPublicApi(type)) {
            checked.add(type.getName());
            if (!type.isAnnotationPresent(Stability.class)) {
              unmarked.add(type.getName());
            }
          }
        }
      }
    }
    assertThat(checked).as("public types found in %s", entries).contains(
        "io.github.multiref.api.Divergence", "io.github.multiref.api.Divergence$PowerForm",
        "io.github.multiref.api.internal.ArrayKernels", "io.github.multiref.solvers.GeneralFSolver",
        "io.github.multiref.runtime.MultirefModule", "io.github.multiref.cli.Main",
        "io.github.multiref.testkit.DivergenceContract",
        "io.github.multiref.plugins.neyman.NeymanChiSquared",
        "io.github.multiref.plugins.plackettluce.PlackettLuce");
    assertThat(checked.size()).as("public types found").isGreaterThan(100);
    assertThat(unmarked).as("public types without @Stability").isEmpty();
  }

  @Test
  void theCheckSeesAnUnmarkedPublicType() {
    assertThat(isPublicApi(Unmarked.class)).isTrue();
    assertThat(Unmarked.class.isAnnotationPresent(Stability.class)).isFalse();
    assertThat(isPublicApi(Hidden.class)).isFalse();
  }

  /** Public, and reachable by name: every enclosing type public too. */
  private static boolean isPublicApi(Class<?> type) {
    if (type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic()) {
      return false;
    }
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      if (!Modifier.isPublic(c.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  private static List<String> multirefEntries() {
    List<String> out = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      String file = path.getFileName() == null ? "" : path.getFileName().toString();
      boolean jar = MODULE_JAR.matcher(file).matches() && !file.contains("integration-tests");
      boolean classes = Files.isDirectory(path) && file.equals("classes")
          && path.getParent() != null && path.getParent().getFileName().toString().equals("target")
          && Files.isDirectory(path.resolve("io/github/multiref"));
      if (jar || classes) {
        out.add(entry);
      }
    }
    return out;
  }

  private static List<String> classNames(Path entry) {
    List<String> names = new ArrayList<>();
    try {
      if (Files.isDirectory(entry)) {
        try (Stream<Path> files = Files.walk(entry)) {
          files.map(p -> entry.relativize(p).toString().replace(File.separatorChar, '/'))
              .forEach(p -> addClass(p, names));
        }
      } else {
        try (JarFile jar = new JarFile(entry.toFile())) {
          jar.stream().forEach(e -> addClass(e.getName(), names));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }

  private static void addClass(String path, List<String> names) {
    if (path.startsWith("io/github/multiref/") && path.endsWith(".class")
        && !path.endsWith("module-info.class") && !path.endsWith("package-info.class")) {
      names.add(path.substring(0, path.length() - ".class".length()).replace('/', '.'));
    }
  }

  private static Class<?> load(String name, ClassLoader loader) {
    try {
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException e) {
      throw new AssertionError("listed but not loadable: " + name, e);
    }
  }
}

package io.github.multiref.runtime;

import io.github.multiref.api.Stability;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where extra plugin jars are looked for.
 *
 * @param directories directories whose {@code *.jar} files are searched, in order
 */
@Stability(Stability.Status.STABLE)
public record PluginSettings(List<Path> directories) {

  /** The environment variable holding plugin directories, separated by the path separator. */
  public static final String ENVIRONMENT_VARIABLE = "MULTIREF_PLUGINS";

  public PluginSettings {
    directories = List.copyOf(directories);
  }

  /** No extra directories: built-ins and the class path only. */
  public static PluginSettings none() {
    return new PluginSettings(List.of());
  }

  /**
   * The explicit directory if given, else the directories in {@value #ENVIRONMENT_VARIABLE}, else
   * none.
   *
   * @param explicit a directory given on the command line, or null
   * @param environment the process environment
   */
  public static PluginSettings resolve(Path explicit, Map<String, String> environment) {
    if (explicit != null) {
      return new PluginSettings(List.of(explicit));
    }
    String value = environment.get(ENVIRONMENT_VARIABLE);
    List<Path> dirs = new ArrayList<>();
    if (value != null) {
      for (String part : value.split(File.pathSeparator)) {
        if (!part.isBlank()) {
          dirs.add(Path.of(part.trim()));
        }
      }
    }
    return new PluginSettings(dirs);
  }
}

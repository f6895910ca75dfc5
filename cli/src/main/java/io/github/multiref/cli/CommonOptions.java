package io.github.multiref.cli;

import io.github.multiref.api.Stability;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command accepts, before or after its name. */
@Stability(Stability.Status.INTERNAL)
public final class CommonOptions {

  @Option(names = "--plugin-dir", paramLabel = "DIR",
      description = "Directory of extra plugin jars (default: the directories in $MULTIREF_PLUGINS,"
          + " separated by the path separator).")
  Path pluginDir;

  @Option(names = {"-v", "--verbose"},
      description = "Log at DEBUG level and print stack traces with errors.")
  boolean verbose;

  /** These options where given, else {@code outer}'s. */
  CommonOptions orElse(CommonOptions outer) {
    CommonOptions merged = new CommonOptions();
    merged.pluginDir = pluginDir != null ? pluginDir : outer == null ? null : outer.pluginDir;
    merged.verbose = verbose || (outer != null && outer.verbose);
    return merged;
  }
}

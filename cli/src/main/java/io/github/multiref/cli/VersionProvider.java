package io.github.multiref.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.jar.Manifest;
import picocli.CommandLine.IVersionProvider;

/**
 * The version and the commit the jar was built from, from its manifest ({@code
 * Implementation-Version}, {@code Git-Commit}, {@code Git-Dirty}); "development" when run from
 * classes rather than the built jar.
 */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() throws IOException {
    Manifest manifest = manifest();
    String version = manifest == null ? null
        : manifest.getMainAttributes().getValue("Implementation-Version");
    if (version == null) {
      return new String[] {"multiref development (not built as a jar)"};
    }
    String commit = manifest.getMainAttributes().getValue("Git-Commit");
    boolean dirty = "true".equals(manifest.getMainAttributes().getValue("Git-Dirty"));
    return new String[] {"multiref " + version + (commit == null || commit.startsWith("${")
        ? "" : " (commit " + commit + (dirty ? ", with uncommitted changes" : "") + ")"),
        "Java " + System.getProperty("java.version") + ", SIMD kernels "
            + (io.github.multiref.api.LogMath.vectorized() ? "on (Vector API)" : "off")};
  }

  private static Manifest manifest() throws IOException {
    URL location = VersionProvider.class.getProtectionDomain().getCodeSource().getLocation();
    if (location == null || !location.getPath().endsWith(".jar")) {
      return null;
    }
    try (InputStream in = new URL("jar:" + location + "!/META-INF/MANIFEST.MF").openStream()) {
      return new Manifest(in);
    }
  }
}

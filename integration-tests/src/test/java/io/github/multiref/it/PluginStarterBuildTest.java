package io.github.multiref.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone plugin starter ({@code examples/plugin-starter}) builds as a plugin author builds
 * it: its own pom, a nested {@code mvn verify} against this build's installed artifacts (the
 * README's test command installs them), which runs the contract kit on its divergence; its jar
 * then serves that divergence by name to the {@code multiref} program.
 */
class PluginStarterBuildTest {

  @TempDir Path tmp;

  @Test
  void theStarterBuildsAgainstTheInstalledArtifactsAndItsJarIsAPlugin() throws Exception {
    Path starter = copy(Path.of(System.getProperty("multiref.starter")), tmp.resolve("starter"));
    Path mvn = Path.of(System.getProperty("maven.home"), "bin", "mvn");
    List<String> command = new ArrayList<>(List.of(mvn.toString(), "-B", "-q",
        "-Dstyle.color=never", "-Dmultiref.version=" + System.getProperty("multiref.version"),
        "-Dmaven.repo.local=" + System.getProperty("maven.repo.local"), "verify"));
    Path log = tmp.resolve("maven.log");
    Process p = new ProcessBuilder(command).directory(starter.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(p.waitFor(600, TimeUnit.SECONDS)).as("the starter's build finishes").isTrue();
    assertThat(p.exitValue()).as("mvn verify in the starter:%n%s",
        Files.readString(log, StandardCharsets.UTF_8)).isZero();
    Path jar = starter.resolve("target/multiref-plugin-starter-1.0.0.jar");
    assertThat(jar).exists();
    try (Stream<Path> reports = Files.list(starter.resolve("target/surefire-reports"))) {
      assertThat(reports.map(r -> r.getFileName().toString()))
          .contains("TEST-com.example.multiref.TriangularDiscriminationContractTest.xml");
    }

    Path plugins = Files.createDirectories(tmp.resolve("plugins"));
    Files.copy(jar, plugins.resolve("triangular.jar"));
    Program.Result listed = Program.run(tmp, "plugins", "--plugin-dir", plugins.toString());
    assertThat(listed.exitCode()).as(listed.err()).isZero();
    assertThat(listed.out()).containsPattern("divergence\\s+triangular\\s+");
    Path prompts = Files.writeString(tmp.resolve("p.jsonl"), String.format(Locale.ROOT,
        "{\"prompt\": \"p\", \"responses\": [\"a\", \"b\", \"c\"], \"reward\": [0.5, 1, 0],"
            + " \"ref_logprobs\": [[-50, -150, -250], [-60, -400, -70]]}%n"));
    Program.Result solved = Program.run(tmp, "solve", "--plugin-dir", plugins.toString(),
        "--input", prompts.toString(), "--beta", "0.1", "--divergence", "triangular");
    assertThat(solved.exitCode()).as(solved.err()).isZero();
    assertThat(solved.out()).contains("\"policy_logprobs\":[");
  }

  private static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (from.relativize(f).startsWith("target")) {
          continue;
        }
        Path dest = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(f, dest);
        }
      }
    }
    return to;
  }
}

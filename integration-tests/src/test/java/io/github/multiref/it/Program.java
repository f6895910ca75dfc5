package io.github.multiref.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built {@code multiref} program run as a user runs it: a separate JVM on {@code
 * cli/target/multiref.jar} with the launcher's JVM options, its output captured from files.
 */
final class Program {

  private Program() {}

  /** What one run left behind; stderr without the JDK's incubator-module notice. */
  record Result(int exitCode, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  static Path jar() {
    Path jar = Path.of(System.getProperty("multiref.jar"));
    assertThat(jar).as("the CLI jar (built by 'mvn package' in cli before these tests)")
        .exists();
    return jar;
  }

  static Result run(Path workDir, Map<String, String> environment, String... args)
      throws IOException, InterruptedException {
    return run(workDir, environment, List.of("--add-modules", "jdk.incubator.vector"), args);
  }

  /** A run with the given JVM options instead of the launcher's (e.g. without the Vector API). */
  static Result run(Path workDir, Map<String, String> environment, List<String> jvmOptions,
      String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(workDir, "stdout", ".txt");
    Path err = Files.createTempFile(workDir, "stderr", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().remove("MULTIREF_PLUGINS");
    builder.environment().putAll(environment);
    Process process = builder.start();
    if (!process.waitFor(300, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("multiref " + String.join(" ", args) + " did not finish in 300 s");
    }
    String stderr = Files.readString(err, StandardCharsets.UTF_8).lines()
        .filter(l -> !l.equals("WARNING: Using incubator modules: jdk.incubator.vector"))
        .reduce("", (a, b) -> a + b + "\n");
    return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), stderr);
  }

  static Result run(Path workDir, String... args) throws IOException, InterruptedException {
    return run(workDir, Map.of(), args);
  }
}

package io.github.multiref.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/** What the command tests share: fixtures, runs that must succeed, runs that must refuse. */
final class CliTests {

  private CliTests() {}

  /** The test resource {@code name} (as {@code /dpo/pairs.jsonl}), copied into {@code dir}. */
  static Path fixture(Path dir, String name) throws IOException {
    Path p = dir.resolve(name.substring(name.lastIndexOf('/') + 1));
    try (InputStream in = CliTests.class.getResourceAsStream(name)) {
      Files.copy(in, p);
    }
    return p;
  }

  /** Runs a command line that must succeed. */
  static CliRunner.Result ok(String... args) {
    CliRunner.Result r = CliRunner.run(args);
    assertThat(r.exitCode()).as(r.err()).isZero();
    return r;
  }

  /** A command line with {@code more} after {@code first}. */
  static String[] with(String[] first, String... more) {
    String[] all = Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  /** Runs {@code args}, whose --output file holds "keep me" first and must hold it after. */
  static void assertRefused(String message, String... args) throws IOException {
    int at = Arrays.asList(args).indexOf("--output");
    Path out = Path.of(args[at + 1]);
    Files.writeString(out, "keep me");
    CliRunner.Result r = CliRunner.run(args);
    assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("multiref: error: " + message + System.lineSeparator());
    assertThat(Files.readString(out)).isEqualTo("keep me");
    try (Stream<Path> files = Files.list(out.toAbsolutePath().getParent())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.endsWith(".partial"));
    }
  }
}

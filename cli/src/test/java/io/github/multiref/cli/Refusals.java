package io.github.multiref.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/** A command that must refuse its input: one line of error, and its --output left as it was. */
final class Refusals {

  private Refusals() {}

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

package io.github.multiref.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * An output that appears whole or not at all: a file is written to a temporary sibling and moved
 * into place on {@link #commit()}; closing without committing deletes it. Standard output (no
 * path) is written through directly.
 */
final class AtomicOutput implements AutoCloseable {

  private final Path target;
  private final Path temporary;
  private final Writer writer;
  private boolean committed;

  private AtomicOutput(Path target, Path temporary, Writer writer) {
    this.target = target;
    this.temporary = temporary;
    this.writer = writer;
  }

  /** An output to {@code target}, or to {@code stdout} when target is null. */
  static AtomicOutput open(Path target, java.io.PrintWriter stdout) {
    if (target == null) {
      return new AtomicOutput(null, null, stdout);
    }
    try {
      Path dir = target.toAbsolutePath().getParent();
      Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".partial");
      Writer w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(tmp),
          StandardCharsets.UTF_8), 1 << 16);
      return new AtomicOutput(target, tmp, w);
    } catch (IOException e) {
      throw new InputException("cannot write output file " + target + ": " + e.getMessage(), e);
    }
  }

  Writer writer() {
    return writer;
  }

  /** Moves the finished file into place. */
  void commit() {
    try {
      writer.flush();
      if (target != null) {
        writer.close();
        try {
          Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE,
              StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      committed = true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write output file " + target, e);
    }
  }

  @Override
  public void close() {
    try {
      if (target == null) {
        writer.flush();
        return;
      }
      if (!committed) {
        writer.close();
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

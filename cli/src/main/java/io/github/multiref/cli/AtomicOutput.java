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
import java.util.concurrent.atomic.AtomicReference;

/**
 * An output that appears whole or not at all: a file is written to a temporary sibling and moved
 * into place on {@link #commit()}; closing without committing deletes it, and so does a JVM that
 * is stopped first (SIGTERM, Ctrl-C) through a shutdown hook. Standard output (no path) is written
 * through directly.
 */
final class AtomicOutput implements AutoCloseable {

  private final Path target;
  private final Path temporary;
  private final Writer writer;
  private final Thread cleanup;
  private boolean committed;

  private AtomicOutput(Path target, Path temporary, Writer writer, Thread cleanup) {
    this.target = target;
    this.temporary = temporary;
    this.writer = writer;
    this.cleanup = cleanup;
  }

  /** A shutdown hook that deletes whatever {@code file} holds when the JVM stops. */
  private static Thread cleanupOf(AtomicReference<Path> file) {
    Thread hook = new Thread(() -> {
      Path p = file.get();
      if (p != null) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // the JVM is going down; nothing more can be done
        }
      }
    }, "multiref-output-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    return hook;
  }

  /**
   * An output to {@code target}, or to {@code stdout} when target is null.
   *
   * @throws InputException saying what is wrong with the path: a directory, a missing or
   *     unwritable parent directory
   */
  static AtomicOutput open(Path target, java.io.PrintWriter stdout) {
    if (target == null) {
      return new AtomicOutput(null, null, stdout, null);
    }
    return create(target, true);
  }

  /**
   * An output to {@code target} written by a library that takes a path (Parquet): it writes
   * {@link #file()}, which {@link #commit()} moves into place.
   */
  static AtomicOutput binary(Path target) {
    return create(target, false);
  }

  private static AtomicOutput create(Path target, boolean text) {
    Path dir = checkedParent(target);
    AtomicReference<Path> file = new AtomicReference<>();
    Thread cleanup = cleanupOf(file);
    try {
      Path tmp;
      do { // named and registered before it is created, so a stop at any moment removes it
        tmp = dir.resolve("." + target.getFileName() + "." + Long.toUnsignedString(
            java.util.concurrent.ThreadLocalRandom.current().nextLong()) + ".partial");
        file.set(tmp);
      } while (!create(tmp));
      Writer w = !text ? null : new BufferedWriter(new OutputStreamWriter(
          Files.newOutputStream(tmp), StandardCharsets.UTF_8), 1 << 16);
      return new AtomicOutput(target, tmp, w, cleanup);
    } catch (IOException e) {
      Runtime.getRuntime().removeShutdownHook(cleanup);
      throw new InputException("--output " + target + ": cannot create a file in " + dir + " ("
          + e.getClass().getSimpleName().replace("Exception", "") + ")", e);
    }
  }

  private static boolean create(Path file) throws IOException {
    try {
      Files.createFile(file);
      return true;
    } catch (java.nio.file.FileAlreadyExistsException taken) {
      return false;
    }
  }

  /** The directory the output goes to, after checking that a file can be written there. */
  static Path checkedParent(Path target) {
    if (Files.isDirectory(target)) {
      throw new InputException("--output " + target + " is a directory; give the name of a file"
          + " to write");
    }
    Path dir = target.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      throw new InputException("--output " + target + ": the directory " + dir
          + (Files.exists(dir) ? " is not a directory" : " does not exist"));
    }
    if (!Files.isWritable(dir)) {
      throw new InputException("--output " + target + ": the directory " + dir
          + " is not writable");
    }
    return dir;
  }

  Writer writer() {
    if (writer == null) {
      throw new IllegalStateException("a binary output has no writer");
    }
    return writer;
  }

  /** The temporary file a binary output is written to. */
  Path file() {
    return temporary;
  }

  /** Moves the finished file into place. */
  void commit() {
    try {
      if (writer != null) {
        writer.flush();
      }
      if (target != null && writer != null) {
        writer.close();
      }
      if (target != null) {
        try {
          Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE,
              StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      committed = true;
      removeCleanup();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write output file " + target, e);
    }
  }

  private void removeCleanup() {
    if (cleanup != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway and finds nothing to delete, or deletes what was not committed
      }
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
        if (writer != null) {
          writer.close();
        }
        Files.deleteIfExists(temporary);
        removeCleanup();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.github.multiref.spark;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An output directory that appears whole or not at all: the job writes to a temporary sibling
 ({@code NAME} inside a hidden {@code .NAME.multiref-<uuid>.tmp}), and {@link #commit} renames it
 * into place (replacing what was there) after every part is written. A job that fails or is killed
 * leaves the target as it was; its temporary directory is deleted on failure, and a hidden
 * directory is all a kill can leave (Spark's readers skip names starting with a dot).
 */
final class AtomicDirectory {

  private final FileSystem fs;
  private final Path target;
  private final Path hidden;
  private final Path temporary;

  private AtomicDirectory(FileSystem fs, Path target, Path hidden) {
    this.fs = fs;
    this.target = target;
    this.hidden = hidden;
    this.temporary = new Path(hidden, target.getName()); // a name Spark's reader does not skip
  }

  /** An output at {@code target} (any Hadoop file system: a local path, hdfs://, s3a://). */
  static AtomicDirectory of(String target, Configuration conf) throws IOException {
    Path path = new Path(target);
    FileSystem fs = path.getFileSystem(conf);
    Path qualified = fs.makeQualified(path);
    if (qualified.getParent() == null) {
      throw new IllegalArgumentException("the output " + target + " is a file system's root");
    }
    if (fs.exists(qualified) && !fs.getFileStatus(qualified).isDirectory()) {
      throw new IllegalArgumentException("the output " + target + " is a file; as Spark writes"
          + " it, the output is a directory of Parquet part files");
    }
    Path hidden = new Path(qualified.getParent(), "." + qualified.getName() + ".multiref-"
        + UUID.randomUUID() + ".tmp");
    return new AtomicDirectory(fs, qualified, hidden);
  }

  /** Where the job writes. */
  String temporary() {
    return temporary.toString();
  }

  /**
   * The temporary directory for Spark's readers, which take a path as a glob pattern: Hadoop's
   * glob characters escaped, so that an output named {@code scores[1]} is read back as itself.
   */
  String temporaryToRead() {
    String path = temporary.toString();
    StringBuilder literal = new StringBuilder(path.length() + 8);
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if ("\\[]{}*?".indexOf(c) >= 0) {
        literal.append('\\');
      }
      literal.append(c);
    }
    return literal.toString();
  }

  /** Moves the written directory into place, replacing an earlier output of the same name. */
  void commit() throws IOException {
    if (fs.exists(target)) {
      Path old = new Path(target.getParent(), "." + target.getName() + ".multiref-"
          + UUID.randomUUID() + ".old");
      if (!fs.rename(target, old)) {
        throw new IOException("could not move the earlier " + target + " aside");
      }
      if (!fs.rename(temporary, target)) {
        fs.rename(old, target);
        throw new IOException("could not move the output into " + target);
      }
      fs.delete(old, true);
    } else if (!fs.rename(temporary, target)) {
      throw new IOException("could not move the output into " + target);
    }
    fs.delete(hidden, true);
  }

  /** Deletes the temporary directory (after a failure); the target is left as it was. */
  void abandon() {
    try {
      fs.delete(hidden, true);
    } catch (IOException ignored) {
      // the failure being reported matters more than a temporary directory left behind
    }
  }
}

package io.github.multiref.cli;

import io.github.multiref.io.TableFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** Input and option handling shared by the commands that read files. */
final class CliIo {

  private CliIo() {}

  /**
   * A reader for a file, or standard input for {@code -}, whose {@link BufferedReader#readLine}
   * refuses bytes that are not UTF-8 with the line they are on.
   */
  static BufferedReader open(String input) throws IOException {
    return new Utf8Lines(JsonlBlocks.open(input));
  }

  /**
   * Lines of UTF-8 text, split on the bytes (as {@link BufferedReader#readLine} splits them) and
   * each decoded on its own, so that malformed bytes are an {@link InputException} naming their
   * line (a decoder ahead of the lines would name an earlier one). Only {@code readLine} reads.
   */
  private static final class Utf8Lines extends BufferedReader {
    private final java.io.InputStream in;
    private byte[] buffer = new byte[1 << 16];
    private int start;
    private int end;
    private boolean eof;
    private long lines;

    Utf8Lines(java.io.InputStream in) {
      super(java.io.Reader.nullReader(), 1);
      this.in = in;
    }

    @Override
    public String readLine() throws IOException {
      int i = start;
      while (true) {
        while (i < end && buffer[i] != '\n' && buffer[i] != '\r') {
          i++;
        }
        if (i < end) {
          if (buffer[i] == '\r' && i + 1 == end && !eof) { // a line feed may be read next
            int at = i - start;
            boolean more = fill();
            i = start + at; // fill moves the unread bytes to the front
            if (more) {
              continue;
            }
          }
          String line = JsonlBlocks.text(++lines, buffer, start, i);
          start = i + (buffer[i] == '\r' && i + 1 < end && buffer[i + 1] == '\n' ? 2 : 1);
          return line;
        }
        int at = i - start;
        if (eof || !fill()) {
          if (start == end) {
            return null;
          }
          String line = JsonlBlocks.text(++lines, buffer, start, end);
          start = end;
          return line;
        }
        i = start + at;
      }
    }

    /** Moves the unread bytes to the front (or grows) and reads more; false at the end. */
    private boolean fill() throws IOException {
      int left = end - start;
      if (start == 0 && left == buffer.length) {
        if (left > JsonlBlocks.MAX_LINE_BYTES) {
          throw JsonlBlocks.tooLong(lines + 1);
        }
        buffer = java.util.Arrays.copyOf(buffer, 2 * buffer.length);
      } else {
        System.arraycopy(buffer, start, buffer, 0, left);
      }
      start = 0;
      end = left;
      int n = in.read(buffer, end, buffer.length - end);
      if (n < 0) {
        eof = true;
        return false;
      }
      end += n;
      return true;
    }

    @Override
    public int read(char[] cbuf, int off, int len) {
      throw new UnsupportedOperationException("JSONL is read by lines");
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /**
   * The format of an input: {@code --input-format} when given, else the file's name; standard
   * input is JSONL.
   */
  static TableFormat inputFormat(String input, String option) {
    TableFormat f = TableFormat.of(input, parsed("--input-format", option));
    if (f == TableFormat.CSV) {
      throw new InputException("--input " + input + ": CSV is an output format; give JSONL or"
          + " Parquet");
    }
    if (f == TableFormat.PARQUET && input.equals("-")) {
      throw new InputException("--input -: Parquet cannot be read from standard input; give"
          + " the file's name");
    }
    return f;
  }

  /** The format of an output: {@code --format} when given, else the file's name. */
  static TableFormat outputFormat(Path output, String option, boolean csv) {
    TableFormat f = TableFormat.of(output == null ? null : output.toString(),
        parsed("--format", option));
    if (f == TableFormat.CSV && !csv) {
      throw new InputException("--format csv is not an output of this command; give jsonl or"
          + " parquet");
    }
    if (f == TableFormat.PARQUET && output == null) {
      throw new InputException("Parquet output needs --output FILE; standard output takes"
          + " JSONL or CSV");
    }
    return f;
  }

  private static TableFormat parsed(String option, String value) {
    if (value == null) {
      return null;
    }
    try {
      return TableFormat.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InputException(option + " " + value + ": expected jsonl, parquet or csv");
    }
  }

  /** {@code --beta}: finite and positive. */
  static void checkBeta(double beta) {
    if (!(beta > 0 && beta < Double.POSITIVE_INFINITY)) {
      throw new InputException("--beta must be finite and > 0, got " + beta);
    }
  }

  /** {@code --weights}: finite, non-negative, summing to 1 within 1e-6; returned normalized. */
  static double[] checkedWeights(double[] w) {
    double sum = 0;
    for (int i = 0; i < w.length; i++) {
      if (!(w[i] >= 0 && w[i] < Double.POSITIVE_INFINITY)) {
        throw new InputException("--weights: weight " + (i + 1) + " is " + w[i]
            + "; weights must be finite and non-negative");
      }
      sum += w[i];
    }
    if (Math.abs(sum - 1) > 1e-6) {
      throw new InputException("--weights must sum to 1 within 1e-6, got " + sum);
    }
    double[] out = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      out[i] = w[i] / sum;
    }
    return out;
  }

  /** {@code --threads} (default: the processors) and {@code --batch}, both at least 1. */
  static int checkedThreads(Integer threads, int batch) {
    int workers = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    if (workers < 1 || batch < 1) {
      throw new InputException("--threads and --batch must be >= 1, got " + workers + " and "
          + batch);
    }
    return workers;
  }

  /**
   * Refuses a Parquet table without one of {@code columns}: {@code FILE has no column 'C';
   * WHAT}.
   */
  static void requireColumns(io.github.multiref.io.ParquetTableReader t, Object file,
      String what, String... columns) {
    for (String column : columns) {
      if (!t.has(column)) {
        throw new InputException(file + " has no column '" + column + "'; " + what);
      }
    }
  }
}

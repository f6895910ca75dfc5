package io.github.multiref.cli;

import io.github.multiref.io.TableFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/** Input and option handling shared by the commands that read files. */
final class CliIo {

  private CliIo() {}

  /**
   * A reader for a file, or standard input for {@code -}, that refuses bytes that are not UTF-8
   * with the line they are on.
   */
  static BufferedReader open(String input) throws IOException {
    if (input.equals("-")) {
      return new Utf8Lines(new InputStreamReader(System.in, StandardCharsets.UTF_8.newDecoder()));
    }
    try {
      return new Utf8Lines(new InputStreamReader(Files.newInputStream(Path.of(input)),
          StandardCharsets.UTF_8.newDecoder())); // a decoder that reports, not replaces
    } catch (NoSuchFileException e) {
      throw new InputException("input file " + input + " does not exist");
    }
  }

  /** Lines of UTF-8 text; malformed bytes are an {@link InputException} naming the line. */
  private static final class Utf8Lines extends BufferedReader {
    private long lines;

    Utf8Lines(java.io.Reader in) {
      super(in, 1 << 16);
    }

    @Override
    public String readLine() throws IOException {
      try {
        String line = super.readLine();
        lines++;
        return line;
      } catch (java.nio.charset.CharacterCodingException e) {
        throw InputException.at(lines + 1, "holds bytes that are not UTF-8 text; JSONL is UTF-8");
      }
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
}

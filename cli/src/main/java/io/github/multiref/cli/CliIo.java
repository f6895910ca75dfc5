package io.github.multiref.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Input and option handling shared by the commands that read files. */
final class CliIo {

  private CliIo() {}

  /** A reader for a file, or standard input for {@code -}. */
  static BufferedReader open(String input) throws IOException {
    if (input.equals("-")) {
      return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    }
    try {
      return Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new InputException("input file " + input + " does not exist");
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

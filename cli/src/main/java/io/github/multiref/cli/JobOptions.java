package io.github.multiref.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options of the commands that turn an input file into an output file. */
final class JobOptions {

  @Option(names = "--input", paramLabel = "FILE", required = true,
      description = "Input table, JSONL or Parquet (by its name), or - for JSONL on standard"
          + " input.")
  String input;

  @Option(names = "--output", paramLabel = "FILE",
      description = "Output file (default: standard output). Written whole or not at all.")
  Path output;

  @Option(names = "--beta", required = true, description = "Regularization strength, > 0.")
  double beta;

  @Option(names = "--weights", paramLabel = "A1,...,AK", split = ",",
      description = "Reference weights alpha, non-negative, summing to 1 (default: uniform).")
  double[] weights;

  @Option(names = "--threads", paramLabel = "N",
      description = "Worker threads (default: the number of processors).")
  Integer threads;
}

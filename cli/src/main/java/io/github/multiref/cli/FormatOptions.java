package io.github.multiref.cli;

import picocli.CommandLine.Option;

/** The formats of the tables a command reads and writes, when their names do not say them. */
final class FormatOptions {

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "Output format: jsonl or parquet (csv for solve) (default: from --output's"
          + " name; JSONL on standard output).")
  String output;

  @Option(names = "--input-format", paramLabel = "FORMAT",
      description = "Input format: jsonl or parquet (default: from the input's name).")
  String input;
}

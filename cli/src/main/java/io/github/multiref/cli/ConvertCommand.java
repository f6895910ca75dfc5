package io.github.multiref.cli;

import io.github.multiref.io.ParquetTableReader;
import io.github.multiref.io.ParquetTableWriter;
import io.github.multiref.io.TableFormat;
import io.github.multiref.io.TableSchema;
import io.github.multiref.rewards.io.JsonLine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code multiref convert}: a table the commands read or write, from JSONL to Parquet or back,
 * every value checked.
 */
@Command(
    name = "convert",
    header = "Convert a table the commands read or write between JSONL and Parquet.",
    mixinStandardHelpOptions = true,
    description = {
        "Convert solve's prompts (prompt, responses, reward, ref_logprobs), a pairs table"
            + " (prompt, chosen, rejected, chosen_logps, rejected_logps, ref_chosen_logps,"
            + " ref_rejected_logps), solve's output (solutions: prompt, responses,"
            + " policy_logprobs, reference_logprobs, objective, upper_bound, lambda) or"
            + " dpo-score's output (scores: prompt, chosen, rejected, loss, logit, grad_chosen,"
            + " grad_rejected, chosen_reward, rejected_reward) between JSONL and Parquet,"
            + " checking every value as the commands do. Numbers keep their bits both ways.",
        "The kind of table is found from its columns (ref_logprobs: prompts; ref_chosen_logps:"
            + " pairs; policy_logprobs: solutions; loss: scores) unless --table says it. Formats"
            + " follow the file names unless given."})
final class ConvertCommand implements Callable<Integer>, MultirefCommand.Subcommand {

  enum Table {
    prompts("ref_logprobs"), pairs("ref_chosen_logps"), solutions("policy_logprobs"),
    scores("loss"), features("features"),
    /** fit-reward's pairs: prompt, chosen and rejected only; what has none of the markers. */
    preferences(null);

    /** The column that tells this kind of table from the others (none for preferences). */
    final String marker;

    Table(String marker) {
      this.marker = marker;
    }
  }

  @ParentCommand MultirefCommand parent;

  @Mixin CommonOptions common;

  @Option(names = "--input", paramLabel = "FILE", required = true,
      description = "The table to convert, or - for JSONL on standard input.")
  String input;

  @Option(names = "--output", paramLabel = "FILE", required = true,
      description = "The converted table. Written whole or not at all.")
  Path output;

  @Option(names = "--table", paramLabel = "KIND",
      description = "prompts, pairs, solutions, scores, features or preferences (default: from"
          + " the input's columns).")
  Table table;

  @Mixin FormatOptions formats;

  /** solve's input table. */
  static final TableSchema PROMPTS = TableSchema.of(List.of(
      new TableSchema.Column("prompt", TableSchema.Kind.STRING, false),
      new TableSchema.Column("responses", TableSchema.Kind.STRING_LIST, true),
      new TableSchema.Column("reward", TableSchema.Kind.DOUBLE_LIST, false),
      new TableSchema.Column("ref_logprobs", TableSchema.Kind.DOUBLE_LIST_LIST, false)));

  /** A pairs table; the keys and the policy's log-probabilities may be null. */
  static final TableSchema PAIRS = TableSchema.of(List.of(
      new TableSchema.Column("prompt", TableSchema.Kind.STRING, true),
      new TableSchema.Column("chosen", TableSchema.Kind.STRING, true),
      new TableSchema.Column("rejected", TableSchema.Kind.STRING, true),
      new TableSchema.Column("chosen_logps", TableSchema.Kind.DOUBLE, true),
      new TableSchema.Column("rejected_logps", TableSchema.Kind.DOUBLE, true),
      new TableSchema.Column("ref_chosen_logps", TableSchema.Kind.DOUBLE_LIST, false),
      new TableSchema.Column("ref_rejected_logps", TableSchema.Kind.DOUBLE_LIST, false)));

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public Integer call() throws IOException {
    long start = System.nanoTime();
    TableFormat in = CliIo.inputFormat(input, formats.input);
    TableFormat out = CliIo.outputFormat(output, formats.output, false);
    Table kind = table != null ? table : kindOf(in);
    long[] rows = {0};
    ResultTable result = switch (kind) {
      case solutions -> ResultTable.SOLUTIONS;
      case scores -> ResultTable.SCORES;
      case features -> ResultTable.FEATURES;
      case preferences -> ResultTable.PREFERENCES;
      default -> null;
    };
    try (AtomicOutput o = out == TableFormat.PARQUET ? AtomicOutput.binary(output)
        : AtomicOutput.open(output, null)) {
      ParquetTableWriter parquet = out == TableFormat.PARQUET
          ? ParquetTableWriter.create(o.file(), result != null ? result.schema()
              : kind == Table.prompts ? PROMPTS : PAIRS) : null;
      try {
        Writer text = parquet == null ? o.writer() : null;
        if (result != null) {
          StringBuilder b = new StringBuilder(256);
          ResultTable.RowSink sink = v -> {
            rows[0]++;
            if (parquet != null) {
              result.writeParquet(parquet, v);
            } else {
              text.append(result.jsonLine(b, v));
            }
          };
          if (in == TableFormat.PARQUET) {
            result.readParquet(Path.of(input), sink);
          } else {
            result.readJsonl(input, sink);
          }
        } else if (kind == Table.prompts) {
          SolveCommand.readPrompts(input, in, r -> {
            rows[0]++;
            writePrompt(r, parquet, text);
          });
        } else {
          try (PairReader pairs = PairReader.open(input, in, false)) {
            boolean json = pairs.jsonKeys();
            pairs.forEach((position, keys, keyRow, chosen, rejected, rc, rcAt, rr, rrAt, k) -> {
              rows[0]++;
              writePair(keys, keyRow, chosen, rejected, rc, rcAt, rr, rrAt, k, parquet, text);
            });
          }
        }
      } finally {
        if (parquet != null) {
          parquet.close(); // before the output commits or deletes it
        }
      }
      if (rows[0] == 0) {
        throw new InputException(input + " holds no rows");
      }
      o.commit();
    }
    parent.main().err().printf(Locale.ROOT, "multiref convert: %d %s, %s to %s, %.2f s, written"
        + " to %s%n", rows[0], kind, in.name().toLowerCase(Locale.ROOT),
        out.name().toLowerCase(Locale.ROOT), (System.nanoTime() - start) / 1e9, output);
    return 0;
  }

  /** The one kind of table whose marker column the input has. */
  private Table kindOf(TableFormat in) throws IOException {
    List<String> columns;
    if (in == TableFormat.PARQUET) {
      try (ParquetTableReader t = ParquetTableReader.open(Path.of(input), List.of())) {
        columns = t.columnNames();
      }
    } else if (input.equals("-")) {
      throw new InputException("--table is needed when the input is standard input");
    } else {
      JsonLine first = null; // the first line says what the table is
      try (BufferedReader r = CliIo.open(input)) {
        long line = 0;
        for (String text = r.readLine(); text != null && first == null; text = r.readLine()) {
          line++;
          if (!text.isBlank()) {
            first = JsonLine.parse(line, text);
          }
        }
      }
      columns = first == null ? List.of() : first.fields();
    }
    List<Table> found = new ArrayList<>();
    List<String> markers = new ArrayList<>();
    for (Table t : Table.values()) {
      if (t.marker == null) {
        continue;
      }
      markers.add(t.marker + " (" + t + ")");
      if (columns.contains(t.marker)) {
        found.add(t);
      }
    }
    if (found.isEmpty() && columns.contains("chosen") && columns.contains("rejected")) {
      found.add(Table.preferences); // no log-probabilities: fit-reward's pairs
    }
    if (found.size() != 1) {
      throw new InputException(input + (found.isEmpty() ? " has none of "
          + String.join(", ", markers) + ", nor chosen and rejected (preferences)"
          : " has the columns of " + found.size() + " kinds of table: " + found)
          + "; say which with --table prompts, pairs, solutions, scores, features or"
          + " preferences");
    }
    return found.get(0);
  }

  private static void writePrompt(PromptRecord r, ParquetTableWriter parquet, Writer text)
      throws IOException {
    if (parquet != null) {
      parquet.write((i, row) -> {
        row.string(0, r.prompt());
        if (r.responses() != null) {
          row.strings(1, r.responses());
        }
        row.numbers(2, r.reward(), 0, r.reward().length);
        row.numberLists(3, r.refLogprobs());
      }, 1);
      return;
    }
    StringBuilder b = new StringBuilder(64 + 24 * r.reward().length * (1
        + r.refLogprobs().length));
    b.append("{\"prompt\":").append(JsonLine.quoted(r.prompt()));
    if (r.responses() != null) {
      b.append(",\"responses\":[");
      for (int i = 0; i < r.responses().length; i++) {
        b.append(i == 0 ? "" : ",").append(JsonLine.quoted(r.responses()[i]));
      }
      b.append(']');
    }
    list(b.append(",\"reward\":"), r.reward(), 0, r.reward().length);
    b.append(",\"ref_logprobs\":[");
    for (int k = 0; k < r.refLogprobs().length; k++) {
      list(b.append(k == 0 ? "" : ","), r.refLogprobs()[k], 0, r.refLogprobs()[k].length);
    }
    text.append(b.append("]}\n"));
  }

  private static void writePair(Object[] keys, int keyRow, double chosen, double rejected,
      double[] rc, int rcAt, double[] rr, int rrAt, int k, ParquetTableWriter parquet,
      Writer text) throws IOException {
    if (parquet != null) {
      parquet.write((i, row) -> {
        for (int q = 0; q < keys.length; q++) {
          if (PairReader.present(keys[q], keyRow)) {
            PairReader.write(row, q, keys[q], keyRow);
          }
        }
        if (!Double.isNaN(chosen)) {
          row.number(3, chosen);
          row.number(4, rejected);
        }
        row.numbers(5, rc, rcAt, rcAt + k);
        row.numbers(6, rr, rrAt, rrAt + k);
      }, 1);
      return;
    }
    StringBuilder b = new StringBuilder(256);
    text.append(pairLine(b, keys, keyRow, chosen, rejected, rc, rcAt, rr, rrAt, k));
  }

  /**
   * A pair as one JSONL line, in {@code b}: the keys it has (as {@link PairReader.Consumer} gives
   * them), the policy's log-probabilities unless NaN, then the K references.
   */
  static StringBuilder pairLine(StringBuilder b, Object[] keys, int keyRow, double chosen,
      double rejected, double[] rc, int rcAt, double[] rr, int rrAt, int k) {
    b.setLength(0);
    b.append('{');
    for (int q = 0; q < keys.length; q++) {
      if (PairReader.present(keys[q], keyRow)) {
        b.append('"').append(PairLine.KEYS[q]).append("\":")
            .append(PairReader.json(keys[q], keyRow)).append(',');
      }
    }
    if (!Double.isNaN(chosen)) {
      b.append("\"chosen_logps\":").append(JsonLine.number(chosen))
          .append(",\"rejected_logps\":").append(JsonLine.number(rejected)).append(',');
    }
    list(b.append("\"ref_chosen_logps\":"), rc, rcAt, rcAt + k);
    list(b.append(",\"ref_rejected_logps\":"), rr, rrAt, rrAt + k);
    return b.append("}\n");
  }

  /** {@code [v, ...]} of {@code values[from .. to - 1]}, as the JSONL writers write numbers. */
  static void list(StringBuilder b, double[] values, int from, int to) {
    b.append('[');
    for (int i = from; i < to; i++) {
      b.append(i == from ? "" : ",").append(JsonLine.number(values[i]));
    }
    b.append(']');
  }
}

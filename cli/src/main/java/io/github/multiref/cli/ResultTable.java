package io.github.multiref.cli;

import io.github.multiref.io.DoubleLists;
import io.github.multiref.io.ParquetTableReader;
import io.github.multiref.io.ParquetTableWriter;
import io.github.multiref.io.TableSchema;
import io.github.multiref.rewards.io.JsonLine;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A table a command writes (solve's solutions, dpo-score's scores) or fit-reward reads (its
 * features and preference pairs), as {@code convert} moves it between JSONL and Parquet: row by
 * row, each value checked as the command would have written or read it, every number with its
 * bits. A row is one value per column: a {@code String}, {@code String[]},
 * {@code Double} or {@code double[]}, null where the row has none.
 *
 * <p>What the commands write, this reads: numbers are finite, log-probabilities in lists are
 * finite or {@code -Infinity} (zero mass), features finite, and the lists of a row (responses,
 * policy and reference log-probabilities) have one entry per response. A column that is not the table's is
 * refused rather than dropped.
 */
final class ResultTable {

  /** {@code solve}'s output; JSONL spells out a missing reference or bound as null. */
  static final ResultTable SOLUTIONS = new ResultTable("solutions", SolveCommand.OUTPUT,
      Set.of("reference_logprobs", "upper_bound", "lambda"), false);

  /** {@code dpo-score}'s output with all three key columns, each of which may be null. */
  static final ResultTable SCORES = new ResultTable("scores",
      DpoScoreCommand.ParquetSink.schema(new boolean[] {true, true, true}), Set.of(), false);

  /** {@code fit-reward}'s {@code --features} input: every feature a finite number. */
  static final ResultTable FEATURES = new ResultTable("features", TableSchema.of(List.of(
      new TableSchema.Column("prompt", TableSchema.Kind.STRING, false),
      new TableSchema.Column("response", TableSchema.Kind.STRING, false),
      new TableSchema.Column("features", TableSchema.Kind.DOUBLE_LIST, false))), Set.of(), true);

  /** {@code fit-reward}'s {@code --pairs} input: who was preferred to whom, nothing more. */
  static final ResultTable PREFERENCES = new ResultTable("preferences", TableSchema.of(List.of(
      new TableSchema.Column("prompt", TableSchema.Kind.STRING, false),
      new TableSchema.Column("chosen", TableSchema.Kind.STRING, false),
      new TableSchema.Column("rejected", TableSchema.Kind.STRING, false))), Set.of(), false);

  /** Takes the rows of a table in order. */
  @FunctionalInterface
  interface RowSink {
    void row(Object[] values) throws IOException;
  }

  private final String name;
  private final TableSchema schema;
  private final Set<String> writtenAsNull;
  /** Lists hold finite numbers only (features), not log-probabilities that may be -inf. */
  private final boolean finiteLists;
  /** The columns' names, in order. */
  private final List<String> names = new ArrayList<>();

  private ResultTable(String name, TableSchema schema, Set<String> writtenAsNull,
      boolean finiteLists) {
    this.name = name;
    this.schema = schema;
    this.writtenAsNull = writtenAsNull;
    this.finiteLists = finiteLists;
    for (TableSchema.Column c : schema.columns()) {
      names.add(c.name());
    }
  }

  TableSchema schema() {
    return schema;
  }

  private String columnList() {
    return String.join(", ", names);
  }

  /** The rows of a JSONL table, each checked; a failure names the line and the field. */
  void readJsonl(String input, RowSink sink) throws IOException {
    try (BufferedReader r = CliIo.open(input)) {
      long line = 0;
      for (String text = r.readLine(); text != null; text = r.readLine()) {
        line++;
        if (!text.isBlank()) {
          sink.row(fromJson(JsonLine.parse(line, text)));
        }
      }
    }
  }

  private Object[] fromJson(JsonLine f) {
    for (String field : f.fields()) {
      if (schema.indexOf(field) < 0) {
        throw InputException.at(f.line(), "field '" + field + "' is not a column of a " + name
            + " table (" + columnList() + ")");
      }
    }
    List<TableSchema.Column> columns = schema.columns();
    Object[] v = new Object[columns.size()];
    for (int i = 0; i < v.length; i++) {
      TableSchema.Column c = columns.get(i);
      if (!f.has(c.name())) {
        if (!c.nullable()) {
          throw InputException.at(f.line(), "missing field '" + c.name() + "'");
        }
        continue;
      }
      switch (c.kind()) {
        case STRING -> v[i] = f.string(c.name());
        case STRING_LIST -> v[i] = f.strings(c.name());
        case DOUBLE -> v[i] = f.finiteNumber(c.name());
        case DOUBLE_LIST -> v[i] = finiteLists ? f.finiteNumbers(c.name())
            : f.finiteOrNegativeInfinityNumbers(c.name());
        default -> throw new IllegalStateException("no " + c.kind() + " column in a result table");
      }
    }
    String[] lengths = lengthProblem(v);
    if (lengths != null) {
      throw InputException.at(f.line(), "field '" + lengths[0] + "' " + lengths[1]);
    }
    return v;
  }

  /**
   * Where the lists of a row do not each hold one entry per response, the column and what is
   * wrong with it; null when they do.
   */
  private String[] lengthProblem(Object[] v) {
    String first = null;
    int length = -1;
    for (int i = 0; i < v.length; i++) {
      if (v[i] == null) {
        continue;
      }
      int n = v[i] instanceof double[] d ? d.length : v[i] instanceof String[] s ? s.length : -1;
      if (n < 0) {
        continue;
      }
      String column = schema.columns().get(i).name();
      if (first == null) {
        if (n == 0) {
          return new String[] {column, "is an empty list; expected " + (finiteLists
              ? "at least one feature" : "one entry per response")};
        }
        first = column;
        length = n;
      } else if (n != length) {
        return new String[] {column, "has " + n + " entries but '" + first + "' has " + length};
      }
    }
    return null;
  }

  /**
   * The rows of a Parquet table, each checked; a failure names the row and the column. Columns
   * that may be null may also be missing from the file; columns that are not the table's are
   * refused.
   */
  void readParquet(Path file, RowSink sink) throws IOException {
    List<TableSchema.Column> columns = schema.columns();
    try (ParquetTableReader t = ParquetTableReader.open(file, names)) {
      for (String column : t.columnNames()) {
        if (!names.contains(column)) {
          throw new InputException(file + " has column '" + column + "', which is not a column"
              + " of a " + name + " table (" + columnList() + ")");
        }
      }
      for (TableSchema.Column c : columns) {
        if (!c.nullable() && !t.has(c.name())) {
          throw new InputException(file + " has no column '" + c.name() + "'; a " + name
              + " table has " + columnList());
        }
      }
      Object[] read = new Object[columns.size()];
      while (t.nextRowGroup()) {
        for (int i = 0; i < read.length; i++) {
          TableSchema.Column c = columns.get(i);
          read[i] = !t.has(c.name()) ? null : switch (c.kind()) {
            case STRING -> t.strings(c.name());
            case STRING_LIST -> t.stringLists(c.name(), true);
            case DOUBLE -> t.doubles(c.name(), c.nullable());
            case DOUBLE_LIST -> t.doubleLists(c.name(), c.nullable());
            default -> throw new IllegalStateException("no " + c.kind()
                + " column in a result table");
          };
        }
        for (int p = 0; p < t.groupRows(); p++) {
          sink.row(fromColumns(read, p, t.firstRow() + p));
        }
      }
    }
  }

  private Object[] fromColumns(Object[] read, int p, long row) {
    List<TableSchema.Column> columns = schema.columns();
    Object[] v = new Object[read.length];
    for (int i = 0; i < v.length; i++) {
      TableSchema.Column c = columns.get(i);
      if (read[i] instanceof String[] s) {
        v[i] = s[p];
      } else if (read[i] instanceof String[][] s) {
        v[i] = s[p];
      } else if (read[i] instanceof double[] d) {
        v[i] = Double.isNaN(d[p]) && c.nullable() ? null : d[p]; // NaN is null here
        if (v[i] != null && !Double.isFinite(d[p])) {
          throw InputException.at(row, c.name(), d[p] + "; expected a finite number");
        }
      } else if (read[i] instanceof DoubleLists d && !d.isNull(p)) {
        double[] list = Arrays.copyOfRange(d.values(), d.offsets()[p],
            d.offsets()[p + 1]);
        for (int e = 0; e < list.length; e++) {
          if (finiteLists ? !Double.isFinite(list[e]) : !(list[e] < Double.POSITIVE_INFINITY)) {
            throw InputException.at(row, c.name(), "element " + e + " is " + list[e]
                + (finiteLists ? "; expected a finite number"
                    : "; expected a finite number or -Infinity"));
          }
        }
        v[i] = list;
      }
      if (v[i] == null && !c.nullable()) {
        throw InputException.at(row, c.name(), "null; expected "
            + (c.kind() == TableSchema.Kind.STRING ? "a string" : "a value"));
      }
    }
    String[] lengths = lengthProblem(v);
    if (lengths != null) {
      throw InputException.at(row, lengths[0], lengths[1]);
    }
    return v;
  }

  /** A row as one JSONL line, in {@code b}: the columns in order, as the command writes them. */
  StringBuilder jsonLine(StringBuilder b, Object[] v) {
    b.setLength(0);
    b.append('{');
    List<TableSchema.Column> columns = schema.columns();
    boolean first = true;
    for (int i = 0; i < v.length; i++) {
      String column = columns.get(i).name();
      if (v[i] == null && !writtenAsNull.contains(column)) {
        continue;
      }
      b.append(first ? "\"" : ",\"").append(column).append("\":");
      first = false;
      if (v[i] == null) {
        b.append("null");
      } else if (v[i] instanceof String s) {
        b.append(JsonLine.quoted(s));
      } else if (v[i] instanceof Double d) {
        b.append(JsonLine.number(d));
      } else if (v[i] instanceof double[] d) {
        ConvertCommand.list(b, d, 0, d.length);
      } else {
        String[] s = (String[]) v[i];
        b.append('[');
        for (int e = 0; e < s.length; e++) {
          b.append(e == 0 ? "" : ",").append(JsonLine.quoted(s[e]));
        }
        b.append(']');
      }
    }
    return b.append("}\n");
  }

  /** A row into a Parquet table of {@link #schema()}. */
  void writeParquet(ParquetTableWriter table, Object[] v) throws IOException {
    table.write((r, row) -> {
      for (int i = 0; i < v.length; i++) {
        if (v[i] instanceof String s) {
          row.string(i, s);
        } else if (v[i] instanceof Double d) {
          row.number(i, d);
        } else if (v[i] instanceof double[] d) {
          row.numbers(i, d, 0, d.length);
        } else if (v[i] instanceof String[] s) {
          row.strings(i, s);
        }
      }
    }, 1);
  }
}

package io.github.multiref.io;

import io.github.multiref.api.Stability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * A Parquet file written straight from the caller's arrays (no record layer in between), with
 * Snappy pages. Top-level doubles and strings are encoded into data pages here ({@link FlatColumn}:
 * PLAIN doubles, dictionary strings falling back to PLAIN); lists and integers go through
 * parquet-java's column writers. Rows are written row by row, or column by column with the columns
 * encoded in parallel (each column has its own writers and pages; a row group's column chunks are
 * written one after another in the schema's order). Row groups are flushed as they reach
 * {@link #ROW_GROUP_BYTES}, so memory stays bounded whatever the number of rows. The file is
 * complete only after {@link #close()}; callers that must never leave half a file write to a
 * temporary name and move it into place.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class ParquetTableWriter implements AutoCloseable {

  /** Target size of a row group in memory before it is written out. */
  public static final int ROW_GROUP_BYTES = 64 << 20;

  /** Rows between two checks of the buffered size (the check sums over every column). */
  private static final int CHECK_EVERY = 1024;

  /** Writes one row's columns into {@code out}. */
  @FunctionalInterface
  @Stability(Stability.Status.EXPERIMENTAL)
  public interface Rows {
    void write(int row, Row out);
  }

  /** Writes one column's value for one row into {@code out} (only that column may be set). */
  @FunctionalInterface
  @Stability(Stability.Status.EXPERIMENTAL)
  public interface ColumnValues {
    void write(int row, Row out);
  }

  private final TableSchema schema;
  private final MessageType type;
  private final ParquetProperties properties;
  private final ParquetFileWriter file;
  /** Every column at once, for row by row writing. */
  private final Row row;
  /** One column each, for column by column writing. */
  private final Row[] single;
  /** Top-level column i's own schema: each column has its own pages and writers. */
  private final MessageType[] columnTypes;
  private final ColumnChunkPageWriteStore[] pages;
  /** parquet-java's writers, for columns of lists and integers (null where {@link #flat} is set). */
  private final ColumnWriteStore[] columns;
  /** Top-level doubles and strings, encoded into pages here (null for the other columns). */
  private final FlatColumn[] flat;
  private final long rowGroupBytes;
  private long groupRows;
  private boolean closed;
  /** A column-by-column write failed part way: the file is abandoned, never completed. */
  private boolean broken;

  private ParquetTableWriter(TableSchema schema, MessageType type, ParquetProperties properties,
      ParquetFileWriter file, long rowGroupBytes) {
    this.schema = schema;
    this.rowGroupBytes = rowGroupBytes;
    this.type = type;
    this.properties = properties;
    this.file = file;
    int n = type.getFieldCount();
    this.single = new Row[n];
    this.columnTypes = new MessageType[n];
    this.pages = new ColumnChunkPageWriteStore[n];
    this.columns = new ColumnWriteStore[n];
    this.flat = new FlatColumn[n];
    for (int i = 0; i < n; i++) {
      columnTypes[i] = new MessageType(type.getName(), type.getType(i));
      TableSchema.Column c = schema.columns().get(i);
      if (c.kind() == TableSchema.Kind.DOUBLE || c.kind() == TableSchema.Kind.STRING) {
        flat[i] = new FlatColumn(columnTypes[i].getColumns().get(0), c.nullable(),
            c.kind() == TableSchema.Kind.STRING);
      }
    }
    this.row = new Row(schema, -1, flat);
    for (int i = 0; i < n; i++) {
      single[i] = new Row(schema, i, flat);
    }
    startGroup();
  }

  /** Creates (or replaces) {@code path}. */
  public static ParquetTableWriter create(Path path, TableSchema schema) throws IOException {
    return create(path, schema, ROW_GROUP_BYTES);
  }

  /** With row groups flushed at {@code rowGroupBytes} held in memory (tests use small ones). */
  static ParquetTableWriter create(Path path, TableSchema schema, long rowGroupBytes)
      throws IOException {
    MessageType type = schema.parquet();
    ParquetProperties.Builder b = ParquetProperties.builder()
        // level histograms per page cost more than the values here; min/max statistics stay
        .withSizeStatisticsEnabled(false);
    for (TableSchema.Column c : schema.columns()) {
      // log-probabilities and scores almost never repeat: a dictionary is built to be dropped
      if (c.kind() == TableSchema.Kind.DOUBLE) {
        b = b.withDictionaryEncoding(c.name(), false);
      } else if (c.kind() == TableSchema.Kind.DOUBLE_LIST) {
        b = b.withDictionaryEncoding(c.name() + ".list.element", false);
      } else if (c.kind() == TableSchema.Kind.DOUBLE_LIST_LIST) {
        b = b.withDictionaryEncoding(c.name() + ".list.element.list.element", false);
      }
    }
    ParquetProperties properties = b.build();
    ParquetFileWriter file = new ParquetFileWriter(new LocalOutputFile(path), type,
        ParquetFileWriter.Mode.OVERWRITE, rowGroupBytes, 0, null, properties);
    file.start();
    return new ParquetTableWriter(schema, type, properties, file, rowGroupBytes);
  }

  private void startGroup() {
    for (int c = 0; c < columns.length; c++) {
      pages[c] = ColumnChunkPageWriteStore.builder()
          .withCompressorProvider(x -> Codecs.INSTANCE.getCompressor(CompressionCodecName.SNAPPY))
          .withSchema(columnTypes[c])
          .withAllocator(HeapByteBufferAllocator.getInstance())
          .build();
      ColumnDescriptor leaf = columnTypes[c].getColumns().get(0);
      if (flat[c] != null) {
        flat[c].start(pages[c].getPageWriter(leaf));
        continue;
      }
      columns[c] = properties.newColumnWriteStore(columnTypes[c], pages[c], pages[c]);
      ColumnWriter w = columns[c].getColumnWriter(leaf);
      row.writers[c] = w;
      single[c].writers[c] = w;
    }
    groupRows = 0;
  }

  private long bufferedBytes() {
    long bytes = 0;
    for (int c = 0; c < columns.length; c++) {
      bytes += flat[c] != null ? flat[c].bufferedBytes() : columns[c].getBufferedSize();
    }
    return bytes;
  }

  /** The row group's columns, one after another in the schema's order, as one row group. */
  private void flushGroup() throws IOException {
    if (groupRows == 0) {
      return;
    }
    for (int c = 0; c < columns.length; c++) {
      if (flat[c] != null) {
        flat[c].flush();
      } else {
        columns[c].flush();
      }
    }
    file.startBlock(groupRows);
    for (ColumnChunkPageWriteStore p : pages) {
      p.flushToFileWriter(file);
    }
    file.endBlock();
    for (int c = 0; c < columns.length; c++) {
      if (columns[c] != null) {
        columns[c].close();
        columns[c] = null;
      }
      pages[c].close();
    }
    startGroup();
  }

  public TableSchema schema() {
    return schema;
  }

  /** Writes rows {@code 0 .. count - 1} of {@code rows}. */
  public void write(Rows rows, int count) throws IOException {
    try {
      writeRows(rows, count);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private void writeRows(Rows rows, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      row.next = 0;
      rows.write(i, row);
      row.skipTo(row.writers.length);
      for (ColumnWriteStore c : columns) {
        if (c != null) {
          c.endRecord();
        }
      }
      if (++groupRows % CHECK_EVERY == 0 && bufferedBytes() >= rowGroupBytes) {
        flushGroup();
      }
    }
  }

  /**
   * Writes rows {@code 0 .. count - 1}, column by column: {@code values[c]} gives column c's value
   * of each row, and the columns are encoded at the same time, one task each on {@code executor}.
   * The file is the same as {@link #write} of the same rows would make it. When a column fails,
   * the others may have gone on, so the file is abandoned: {@link #close()} then leaves it
   * incomplete (no footer), and the caller removes it.
   */
  public void writeColumns(int count, Executor executor, ColumnValues... values)
      throws IOException {
    if (values.length != columns.length) {
      throw new IllegalArgumentException(values.length + " columns given, the schema has "
          + columns.length);
    }
    for (int from = 0; from < count; ) {
      int to = (int) Math.min(count, from + (CHECK_EVERY * 16L));
      int start = from;
      List<CompletableFuture<Void>> tasks = new ArrayList<>(columns.length);
      for (int c = 0; c < columns.length; c++) {
        int column = c;
        tasks.add(CompletableFuture.runAsync(() -> writeColumn(column, values[column], start, to),
            executor));
      }
      try {
        CompletableFuture.allOf(tasks.toArray(new CompletableFuture<?>[0])).join();
      } catch (CompletionException e) {
        broken = true; // some columns have rows the others lack: no footer will be written
        if (e.getCause() instanceof UncheckedIOException io) {
          throw io.getCause();
        }
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        if (e.getCause() instanceof Error r) {
          throw r;
        }
        throw e;
      }
      groupRows += to - from;
      from = to;
      if (bufferedBytes() >= rowGroupBytes) {
        flushGroup();
      }
    }
  }

  private void writeColumn(int column, ColumnValues values, int from, int to) {
    Row r = single[column];
    ColumnWriteStore store = columns[column];
    for (int i = from; i < to; i++) {
      r.next = column;
      values.write(i, r);
      r.skipTo(column + 1);
      if (store != null) {
        store.endRecord();
      }
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (broken) {
      file.abort();
      return;
    }
    flushGroup();
    file.end(Map.of());
  }

  /**
   * The columns of the row being written, set in the schema's order; a nullable column that is not
   * set is null, a required one that is not set is an error.
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public static final class Row {
    private final TableSchema.Kind[] kinds;
    private final boolean[] nullable;
    private final String[] names;
    final ColumnWriter[] writers;
    /** The writer's flat columns (null entries for the others). */
    private final FlatColumn[] flat;
    private int next;

    /** Only this column may be set, or any when negative. */
    private final int only;

    Row(TableSchema schema, int only, FlatColumn[] flat) {
      this.only = only;
      this.flat = flat;
      List<TableSchema.Column> c = schema.columns();
      kinds = new TableSchema.Kind[c.size()];
      nullable = new boolean[c.size()];
      names = new String[c.size()];
      for (int i = 0; i < kinds.length; i++) {
        kinds[i] = c.get(i).kind();
        nullable[i] = c.get(i).nullable();
        names[i] = c.get(i).name();
      }
      writers = new ColumnWriter[c.size()]; // one leaf per column
    }

    /** The column's writer, after nulls for the nullable columns skipped on the way. */
    private ColumnWriter start(int column, TableSchema.Kind kind) {
      check(column, kind);
      return writers[column];
    }

    /** Checks that {@code column} may be set now, with a value of {@code kind}. */
    private void check(int column, TableSchema.Kind kind) {
      if (only >= 0 && column != only) {
        throw new IllegalStateException("column " + names[column] + " set where only "
            + names[only] + " is written");
      }
      if (column < next) {
        throw new IllegalStateException("column " + names[column] + " set out of order");
      }
      skipTo(column);
      if (kinds[column] != kind) {
        throw new IllegalArgumentException("column " + names[column] + " holds "
            + kinds[column] + ", not " + kind);
      }
      next = column + 1;
    }

    /** Nulls for the columns before {@code column} that were not set. */
    void skipTo(int column) {
      for (int i = next; i < column; i++) {
        if (!nullable[i]) {
          throw new IllegalStateException("required column " + names[i] + " not set");
        }
        if (flat[i] != null) {
          flat[i].addNull();
        } else {
          writers[i].writeNull(0, 0);
        }
      }
      next = Math.max(next, column);
    }

    /** The definition level of a present value: one more for a nullable column. */
    private int present(int column) {
      return nullable[column] ? 1 : 0;
    }

    public void string(int column, String value) {
      check(column, TableSchema.Kind.STRING);
      flat[column].add(value);
    }

    /** A string column's UTF-8 bytes {@code bytes[from .. from + length - 1]}. */
    public void utf8(int column, byte[] bytes, int from, int length) {
      check(column, TableSchema.Kind.STRING);
      flat[column].add(bytes, from, length);
    }

    /** A string column's value: row {@code row} of {@code strings}, null where that is null. */
    public void utf8(int column, Utf8Column strings, int row) {
      if (strings.isNull(row)) {
        return; // an unset nullable column is null
      }
      check(column, TableSchema.Kind.STRING);
      flat[column].add(strings.bytes(), strings.start(row), strings.length(row));
    }

    public void number(int column, double value) {
      check(column, TableSchema.Kind.DOUBLE);
      flat[column].add(value);
    }

    public void integer(int column, long value) {
      start(column, TableSchema.Kind.LONG).write(value, 0, present(column));
    }

    public void bool(int column, boolean value) {
      start(column, TableSchema.Kind.BOOLEAN).write(value, 0, present(column));
    }

    /** {@code values[from .. to - 1]} as one list. */
    public void numbers(int column, double[] values, int from, int to) {
      ColumnWriter w = start(column, TableSchema.Kind.DOUBLE_LIST);
      int list = present(column);
      if (to == from) {
        w.writeNull(0, list); // an empty list: defined, no element
        return;
      }
      w.write(values[from], 0, list + 1);
      for (int i = from + 1; i < to; i++) {
        w.write(values[i], 1, list + 1);
      }
    }

    /** Lists of numbers as one list of lists (such as {@code ref_logprobs}, K lists). */
    public void numberLists(int column, double[][] lists) {
      ColumnWriter w = start(column, TableSchema.Kind.DOUBLE_LIST_LIST);
      int outer = present(column);
      if (lists.length == 0) {
        w.writeNull(0, outer);
        return;
      }
      for (int l = 0; l < lists.length; l++) {
        int rep = l == 0 ? 0 : 1;
        if (lists[l].length == 0) {
          w.writeNull(rep, outer + 1); // the inner list is there, and empty
          continue;
        }
        for (int i = 0; i < lists[l].length; i++) {
          w.write(lists[l][i], i == 0 ? rep : 2, outer + 2);
        }
      }
    }

    public void strings(int column, String[] values) {
      ColumnWriter w = start(column, TableSchema.Kind.STRING_LIST);
      int list = present(column);
      if (values.length == 0) {
        w.writeNull(0, list);
        return;
      }
      for (int i = 0; i < values.length; i++) {
        w.write(Binary.fromString(values[i]), i == 0 ? 0 : 1, list + 1);
      }
    }
  }
}

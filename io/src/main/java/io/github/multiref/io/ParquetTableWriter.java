package io.github.multiref.io;

import io.github.multiref.api.Stability;
import java.io.IOException;
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
 * A Parquet file written straight from the caller's arrays into parquet-java's column writers (no
 * record layer in between), with Snappy pages: row by row, or column by column with the columns
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
  private final ColumnWriteStore[] columns;
  private long groupRows;
  private boolean closed;
  /** A column-by-column write failed part way: the file is abandoned, never completed. */
  private boolean broken;

  private ParquetTableWriter(TableSchema schema, MessageType type, ParquetProperties properties,
      ParquetFileWriter file) {
    this.schema = schema;
    this.type = type;
    this.properties = properties;
    this.file = file;
    int n = type.getFieldCount();
    this.row = new Row(schema, -1);
    this.single = new Row[n];
    this.columnTypes = new MessageType[n];
    this.pages = new ColumnChunkPageWriteStore[n];
    this.columns = new ColumnWriteStore[n];
    for (int i = 0; i < n; i++) {
      single[i] = new Row(schema, i);
      columnTypes[i] = new MessageType(type.getName(), type.getType(i));
    }
    startGroup();
  }

  /** Creates (or replaces) {@code path}. */
  public static ParquetTableWriter create(Path path, TableSchema schema) throws IOException {
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
        ParquetFileWriter.Mode.OVERWRITE, ROW_GROUP_BYTES, 0, null, properties);
    file.start();
    return new ParquetTableWriter(schema, type, properties, file);
  }

  private void startGroup() {
    for (int c = 0; c < columns.length; c++) {
      pages[c] = ColumnChunkPageWriteStore.builder()
          .withCompressorProvider(x -> Codecs.INSTANCE.getCompressor(CompressionCodecName.SNAPPY))
          .withSchema(columnTypes[c])
          .withAllocator(HeapByteBufferAllocator.getInstance())
          .build();
      columns[c] = properties.newColumnWriteStore(columnTypes[c], pages[c], pages[c]);
      ColumnWriter w = columns[c].getColumnWriter(columnTypes[c].getColumns().get(0));
      row.writers[c] = w;
      single[c].writers[c] = w;
    }
    groupRows = 0;
  }

  private long bufferedBytes() {
    long bytes = 0;
    for (ColumnWriteStore c : columns) {
      bytes += c.getBufferedSize();
    }
    return bytes;
  }

  /** The row group's columns, one after another in the schema's order, as one row group. */
  private void flushGroup() throws IOException {
    if (groupRows == 0) {
      return;
    }
    for (ColumnWriteStore c : columns) {
      c.flush();
    }
    file.startBlock(groupRows);
    for (ColumnChunkPageWriteStore p : pages) {
      p.flushToFileWriter(file);
    }
    file.endBlock();
    for (int c = 0; c < columns.length; c++) {
      columns[c].close();
      pages[c].close();
    }
    startGroup();
  }

  public TableSchema schema() {
    return schema;
  }

  /** Writes rows {@code 0 .. count - 1} of {@code rows}. */
  public void write(Rows rows, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      row.next = 0;
      rows.write(i, row);
      row.skipTo(row.writers.length);
      for (ColumnWriteStore c : columns) {
        c.endRecord();
      }
      if (++groupRows % CHECK_EVERY == 0 && bufferedBytes() >= ROW_GROUP_BYTES) {
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
      if (bufferedBytes() >= ROW_GROUP_BYTES) {
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
      store.endRecord();
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
    private int next;

    /** Only this column may be set, or any when negative. */
    private final int only;

    Row(TableSchema schema, int only) {
      this.only = only;
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
      return writers[column];
    }

    /** Nulls for the columns before {@code column} that were not set. */
    void skipTo(int column) {
      for (int i = next; i < column; i++) {
        if (!nullable[i]) {
          throw new IllegalStateException("required column " + names[i] + " not set");
        }
        writers[i].writeNull(0, 0);
      }
      next = Math.max(next, column);
    }

    /** The definition level of a present value: one more for a nullable column. */
    private int present(int column) {
      return nullable[column] ? 1 : 0;
    }

    public void string(int column, String value) {
      start(column, TableSchema.Kind.STRING).write(Binary.fromString(value), 0, present(column));
    }

    /** A string column's UTF-8 bytes as another Parquet file held them. */
    public void binary(int column, Binary value) {
      start(column, TableSchema.Kind.STRING).write(value, 0, present(column));
    }

    public void number(int column, double value) {
      start(column, TableSchema.Kind.DOUBLE).write(value, 0, present(column));
    }

    public void integer(int column, long value) {
      start(column, TableSchema.Kind.LONG).write(value, 0, present(column));
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

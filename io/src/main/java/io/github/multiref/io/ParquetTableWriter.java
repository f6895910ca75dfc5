package io.github.multiref.io;

import io.github.multiref.api.Stability;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
 * A Parquet file written row by row straight from the caller's arrays into parquet-java's column
 * writers (no record layer in between), with Snappy pages. Row groups are flushed as they reach
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

  private final TableSchema schema;
  private final MessageType type;
  private final ParquetProperties properties;
  private final ParquetFileWriter file;
  private final Row row;
  private ColumnChunkPageWriteStore pages;
  private ColumnWriteStore columns;
  private long groupRows;
  private boolean closed;

  private ParquetTableWriter(TableSchema schema, MessageType type, ParquetProperties properties,
      ParquetFileWriter file) {
    this.schema = schema;
    this.type = type;
    this.properties = properties;
    this.file = file;
    this.row = new Row(schema);
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
    pages = ColumnChunkPageWriteStore.builder()
        .withCompressorProvider(c -> Codecs.INSTANCE.getCompressor(CompressionCodecName.SNAPPY))
        .withSchema(type)
        .withAllocator(HeapByteBufferAllocator.getInstance())
        .build();
    columns = properties.newColumnWriteStore(type, pages, pages);
    List<ColumnDescriptor> leaves = type.getColumns();
    for (int i = 0; i < leaves.size(); i++) {
      row.writers[i] = columns.getColumnWriter(leaves.get(i));
    }
    groupRows = 0;
  }

  private void flushGroup() throws IOException {
    if (groupRows == 0) {
      return;
    }
    columns.flush();
    file.startBlock(groupRows);
    pages.flushToFileWriter(file);
    file.endBlock();
    columns.close();
    pages.close();
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
      columns.endRecord();
      if (++groupRows % CHECK_EVERY == 0 && columns.getBufferedSize() >= ROW_GROUP_BYTES) {
        flushGroup();
      }
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
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

    Row(TableSchema schema) {
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

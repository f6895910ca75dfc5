package io.github.multiref.io;

import io.github.multiref.api.Stability;
import java.io.IOException;

import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * A Parquet file written row by row straight from the caller's arrays, with Snappy pages. Row
 * groups are flushed as they reach {@link #ROW_GROUP_BYTES}, so memory stays bounded whatever the
 * number of rows. The file is complete only after {@link #close()}; callers that must never leave
 * half a file write to a temporary name and move it into place.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class ParquetTableWriter implements AutoCloseable {

  /** Target size of a row group in memory before it is written out. */
  public static final int ROW_GROUP_BYTES = 64 << 20;

  /** Writes one row's columns into {@code out}. */
  @FunctionalInterface
  public interface Rows {
    void write(int row, Row out);
  }

  private final TableSchema schema;
  private final ParquetWriter<Cursor> writer;
  private final Cursor cursor = new Cursor();
  private final Row row;

  private ParquetTableWriter(TableSchema schema, ParquetWriter<Cursor> writer, Row row) {
    this.schema = schema;
    this.writer = writer;
    this.row = row;
  }

  /** Creates (or replaces) {@code file}. */
  public static ParquetTableWriter create(Path file, TableSchema schema) throws IOException {
    Row row = new Row(schema);
    Support support = new Support(schema.parquet(), row);
    ParquetWriter<Cursor> w = new Builder(file, support)
        .withConf(new PlainParquetConfiguration())
        .withCodecFactory(Codecs.INSTANCE)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .withRowGroupSize((long) ROW_GROUP_BYTES)
        .withValidation(false)
        .build();
    return new ParquetTableWriter(schema, w, row);
  }

  public TableSchema schema() {
    return schema;
  }

  /** Writes rows {@code 0 .. count - 1} of {@code rows}. */
  public void write(Rows rows, int count) throws IOException {
    cursor.rows = rows;
    for (int i = 0; i < count; i++) {
      cursor.index = i;
      writer.write(cursor);
    }
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }

  /**
   * The columns of the row being written, set in the schema's order; a nullable column that is not
   * set is null, a required one that is not set is an error.
   */
  public static final class Row {
    private final TableSchema schema;
    private final String[] names;
    private RecordConsumer consumer;
    private int next;

    Row(TableSchema schema) {
      this.schema = schema;
      names = schema.columns().stream().map(TableSchema.Column::name).toArray(String[]::new);
    }

    private void start(int column, TableSchema.Kind kind) {
      if (column < next) {
        throw new IllegalStateException("column " + names[column] + " set out of order");
      }
      skipTo(column);
      TableSchema.Column c = schema.columns().get(column);
      if (c.kind() != kind) {
        throw new IllegalArgumentException("column " + c.name() + " holds " + c.kind()
            + ", not " + kind);
      }
      consumer.startField(names[column], column);
      next = column + 1;
    }

    private void skipTo(int column) {
      for (int i = next; i < column; i++) {
        if (!schema.columns().get(i).nullable()) {
          throw new IllegalStateException("required column " + names[i] + " not set");
        }
      }
    }

    public void string(int column, String value) {
      start(column, TableSchema.Kind.STRING);
      consumer.addBinary(Binary.fromString(value));
      consumer.endField(names[column], column);
    }

    public void number(int column, double value) {
      start(column, TableSchema.Kind.DOUBLE);
      consumer.addDouble(value);
      consumer.endField(names[column], column);
    }

    public void integer(int column, long value) {
      start(column, TableSchema.Kind.LONG);
      consumer.addLong(value);
      consumer.endField(names[column], column);
    }

    /** {@code values[from .. to - 1]} as one list. */
    public void numbers(int column, double[] values, int from, int to) {
      start(column, TableSchema.Kind.DOUBLE_LIST);
      consumer.startGroup();
      if (to > from) {
        consumer.startField("list", 0);
        for (int i = from; i < to; i++) {
          consumer.startGroup();
          consumer.startField("element", 0);
          consumer.addDouble(values[i]);
          consumer.endField("element", 0);
          consumer.endGroup();
        }
        consumer.endField("list", 0);
      }
      consumer.endGroup();
      consumer.endField(names[column], column);
    }

    public void strings(int column, String[] values) {
      start(column, TableSchema.Kind.STRING_LIST);
      consumer.startGroup();
      if (values.length > 0) {
        consumer.startField("list", 0);
        for (String v : values) {
          consumer.startGroup();
          consumer.startField("element", 0);
          consumer.addBinary(Binary.fromString(v));
          consumer.endField("element", 0);
          consumer.endGroup();
        }
        consumer.endField("list", 0);
      }
      consumer.endGroup();
      consumer.endField(names[column], column);
    }
  }

  private static final class Cursor {
    Rows rows;
    int index;
  }

  private static final class Support extends WriteSupport<Cursor> {
    private final MessageType type;
    private final Row row;
    private RecordConsumer consumer;

    Support(MessageType type, Row row) {
      this.type = type;
      this.row = row;
    }

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(type, Map.of());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
      return new WriteContext(type, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      consumer = recordConsumer;
    }

    @Override
    public void write(Cursor cursor) {
      row.consumer = consumer;
      row.next = 0;
      consumer.startMessage();
      cursor.rows.write(cursor.index, row);
      row.skipTo(row.names.length);
      consumer.endMessage();
    }
  }

  private static final class Builder extends ParquetWriter.Builder<Cursor, Builder> {
    private final Support support;

    Builder(Path file, Support support) {
      super(new LocalOutputFile(file));
      this.support = support;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Cursor> getWriteSupport(Configuration conf) {
      return support;
    }

    @Override
    protected WriteSupport<Cursor> getWriteSupport(ParquetConfiguration conf) {
      return support;
    }
  }

}

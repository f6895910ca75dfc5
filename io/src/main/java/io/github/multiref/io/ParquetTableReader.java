package io.github.multiref.io;

import io.github.multiref.api.Stability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * A Parquet file read one row group at a time, column by column, into primitive arrays: nothing
 * is assembled into records and only the columns asked for are read from disk, so memory is
 * bounded by one row group of those columns. Numbers may be stored as DOUBLE, FLOAT, INT32, INT64
 * or DECIMAL (of any physical type) and are converted to the nearest double; lists are read in
 * the three-level form current writers use (DuckDB, pyarrow, Spark, parquet-java). Every refusal is a {@link DataException} naming the row
 * (counted from 1 over the file), the column and what was expected.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class ParquetTableReader implements AutoCloseable {

  /** A page that claims to hold more than this is refused rather than allocated. */
  static final int MAX_PAGE_BYTES = 1 << 29;

  private final String file;
  private final ParquetFileReader reader;
  private final MessageType schema;
  private PageReadStore group;
  /** The columns read from the current row group (each can be read once). */
  private final java.util.Set<String> readColumns = new java.util.HashSet<>();
  /** Level arrays per column, reused from row group to row group. */
  private final java.util.Map<ColumnDescriptor, PageCursor.Levels> levels =
      new java.util.concurrent.ConcurrentHashMap<>();
  private long firstRow = 1;
  private int groupRows;

  private ParquetTableReader(String file, ParquetFileReader reader, MessageType schema) {
    this.file = file;
    this.reader = reader;
    this.schema = schema;
  }

  /**
   * Opens a file for reading the given columns; columns it lacks are reported by {@link #has} and
   * by the first read of them.
   *
   * @throws DataException when the file does not exist or is not a Parquet file
   */
  public static ParquetTableReader open(Path file, Collection<String> wanted) {
    if (!Files.exists(file)) {
      throw new DataException("input file " + file + " does not exist");
    }
    ParquetFileReader r;
    try {
      r = ParquetFileReader.open(new LocalInputFile(file),
          ParquetReadOptions.builder(new PlainParquetConfiguration())
              .withCodecFactory(Codecs.INSTANCE).build());
    } catch (NoSuchFileException e) {
      throw new DataException("input file " + file + " does not exist");
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      throw new DataException(file + " is not a readable Parquet file: " + reason(e), e);
    }
    try {
      MessageType all = r.getFooter().getFileMetaData().getSchema();
      List<Type> fields = new ArrayList<>();
      for (Type t : all.getFields()) {
        if (wanted.contains(t.getName())) {
          fields.add(t);
        }
      }
      MessageType projection = new MessageType(all.getName(), fields);
      r.setRequestedSchema(projection);
      return new ParquetTableReader(file.toString(), r, projection);
    } catch (RuntimeException e) {
      closeQuietly(r);
      throw new DataException(file + " is not a readable Parquet file: " + reason(e), e);
    }
  }

  /** What went wrong, in one line: parquet-java's message without its object names. */
  private static String reason(Throwable e) {
    String m = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
    m = m.replaceAll("\\S+@\\p{XDigit}+ ", "the file ");
    String type = e.getClass() == RuntimeException.class ? "" : e.getClass().getSimpleName();
    return type.isEmpty() ? m : m.isEmpty() ? type : type + ": " + m;
  }

  private static void closeQuietly(ParquetFileReader r) {
    try {
      r.close();
    } catch (IOException ignored) {
      // the file was only read
    }
  }

  /** The number of rows the footer gives. */
  public long rows() {
    return reader.getRecordCount();
  }

  /** The names of every top-level column of the file, asked for or not, in the file's order. */
  public List<String> columnNames() {
    List<String> names = new ArrayList<>();
    for (Type t : reader.getFooter().getFileMetaData().getSchema().getFields()) {
      names.add(t.getName());
    }
    return names;
  }

  /** True when the file has a top-level column of this name (and it was asked for). */
  public boolean has(String column) {
    return schema.containsField(column);
  }

  /** True when the file has a top-level column of this name holding single strings. */
  public boolean isString(String column) {
    if (!has(column)) {
      return false;
    }
    Type t = schema.getType(column);
    return t.isPrimitive() && t.getRepetition() != Type.Repetition.REPEATED
        && t.asPrimitiveType().getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.BINARY;
  }

  /**
   * Moves to the next row group; false after the last one.
   *
   * @throws DataException when the row group cannot be read (a truncated or corrupt file)
   */
  public boolean nextRowGroup() {
    if (group != null) {
      firstRow += groupRows;
    }
    try {
      group = reader.readNextRowGroup();
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      throw new DataException(file + ": row group starting at row " + firstRow
          + " cannot be read: " + reason(e), e);
    }
    if (group == null) {
      return false;
    }
    long n = group.getRowCount();
    if (n < 0 || n > Integer.MAX_VALUE - 8) {
      throw new DataException(file + ": the row group starting at row " + firstRow + " claims "
          + n + " rows" + (n < 0 ? " (a corrupt file)" : ", too many to read"));
    }
    groupRows = (int) n;
    readColumns.clear();
    return true;
  }

  /** Rows in the current row group. */
  public int groupRows() {
    return groupRows;
  }

  /** The file's row number (from 1) of the current row group's first row. */
  public long firstRow() {
    return firstRow;
  }

  /**
   * A number per row; null only where {@code nullable}, as NaN (a NaN stored in a nullable column
   * is then refused, as it could not be told from null).
   */
  public double[] doubles(String column, boolean nullable) {
    return guarded(column, () -> readDoubles(column, nullable));
  }

  private double[] readDoubles(String column, boolean nullable) {
    Leaf leaf = leaf(column, 0);
    double[] out = new double[groupRows];
    PageCursor r = leaf.reader();
    for (int row = 0; row < groupRows; row++) {
      if (r.getCurrentDefinitionLevel() < leaf.maxDefinition) {
        if (!nullable) {
          throw DataException.at(firstRow + row, column, "null; expected a number");
        }
        out[row] = Double.NaN;
      } else {
        out[row] = leaf.number(r, firstRow + row);
        if (nullable && Double.isNaN(out[row])) { // NaN stands for null here, so not for itself
          throw DataException.at(firstRow + row, column, "NaN; expected a number or null");
        }
      }
      r.consume();
    }
    return out;
  }

  /** A string per row; null where the file has null. */
  public String[] strings(String column) {
    return guarded(column, () -> readStrings(column));
  }

  private String[] readStrings(String column) {
    Binary[] bytes = readBinaries(column);
    String[] out = new String[bytes.length];
    for (int row = 0; row < out.length; row++) {
      out[row] = bytes[row] == null ? null : bytes[row].toStringUsingUTF8();
    }
    return out;
  }

  /**
   * The column's strings as the file stores them, UTF-8 bytes not decoded, in one array: for
   * copying strings from one file to another without decoding them or holding an object per row.
   */
  public Utf8Column utf8(String column) {
    return guarded(column, () -> readUtf8(column));
  }

  private Utf8Column readUtf8(String column) {
    Leaf leaf = leaf(column, 0);
    leaf.requireText();
    int[] ends = new int[groupRows];
    boolean[] nulls = null;
    byte[] bytes = new byte[(int) Math.min(1 << 20, Math.max(16, groupRows * 16L))];
    int at = 0;
    PageCursor r = leaf.reader();
    for (int row = 0; row < groupRows; row++) {
      if (r.getCurrentDefinitionLevel() == leaf.maxDefinition) {
        java.nio.ByteBuffer b = r.getBinary().toByteBuffer();
        int n = b.remaining();
        if (bytes.length - at < n) {
          long want = Math.max((long) at + n, bytes.length * 2L);
          if (want > MAX_PAGE_BYTES * 2L) { // a row group's strings past 2 GB: a corrupt file
            throw new IllegalArgumentException("column '" + column + "' holds more than "
                + MAX_PAGE_BYTES * 2L + " bytes of strings in one row group");
          }
          bytes = java.util.Arrays.copyOf(bytes, (int) want);
        }
        b.get(bytes, at, n);
        at += n;
      } else {
        if (nulls == null) {
          nulls = new boolean[groupRows];
        }
        nulls[row] = true;
      }
      ends[row] = at;
      r.consume();
    }
    return new Utf8Column(bytes.length - at > bytes.length / 2 ? java.util.Arrays.copyOf(bytes, at)
        : bytes, ends, nulls);
  }

  private Binary[] readBinaries(String column) {
    Leaf leaf = leaf(column, 0);
    leaf.requireText();
    Binary[] out = new Binary[groupRows];
    PageCursor r = leaf.reader();
    for (int row = 0; row < groupRows; row++) {
      if (r.getCurrentDefinitionLevel() == leaf.maxDefinition) {
        Binary b = r.getBinary();
        out[row] = b.isBackingBytesReused() ? b.copy() : b;
      }
      r.consume();
    }
    return out;
  }

  /**
   * A list of numbers per row. A column of plain numbers is read as lists of one, as TRL writes a
   * single reference's {@code ref_chosen_logps}. Null lists and null elements are refused.
   */
  public DoubleLists doubleLists(String column) {
    return doubleLists(column, false);
  }

  /**
   * As {@link #doubleLists(String)}; where {@code nullable}, a null list is read as an empty one
   * marked {@link DoubleLists#isNull}. Null elements are still refused.
   */
  public DoubleLists doubleLists(String column, boolean nullable) {
    return guarded(column, () -> readDoubleLists(column, nullable));
  }

  private DoubleLists readDoubleLists(String column, boolean nullable) {
    Leaf leaf = leaf(column, -1);
    if (leaf.repeated.length == 0) {
      int[] offsets = new int[groupRows + 1];
      for (int i = 0; i <= groupRows; i++) {
        offsets[i] = i;
      }
      double[] values = readDoubles(column, nullable);
      boolean[] nulls = nullable ? new boolean[groupRows] : null;
      for (int i = 0; nullable && i < groupRows; i++) {
        nulls[i] = Double.isNaN(values[i]); // a NaN value was refused: these are the nulls
      }
      return new DoubleLists(groupRows, offsets, values, nulls);
    }
    PageCursor r = leaf.reader();
    long total = r.totalValues();
    int[] offsets = new int[groupRows + 1];
    double[] values = new double[checkedSize(total, column)];
    boolean[] nulls = nullable ? new boolean[groupRows] : null;
    int n = 0;
    int row = -1;
    int element = leaf.defined[leaf.repeated[0]];
    int list = leaf.definedAbove(leaf.repeated[0]);
    for (long v = 0; v < total; v++) {
      int run = r.presentDoubleRun();
      if (run > 1) { // a run of present PLAIN doubles: their row starts, then one copy
        for (int k = 0; k < run; k++) {
          if (r.repetitionAhead(k) == 0) {
            row = leaf.nextRow(row, column);
            offsets[row] = n + k;
          }
        }
        r.readPresentDoubles(values, n, run);
        n += run;
        v += run - 1;
        continue;
      }
      int def = r.getCurrentDefinitionLevel();
      if (r.getCurrentRepetitionLevel() == 0) {
        row = leaf.nextRow(row, column);
        offsets[row] = n;
      }
      if (def >= element) {
        if (def < leaf.maxDefinition) {
          throw DataException.at(firstRow + row, column, "element " + (n - offsets[row])
              + " is null; expected a number");
        }
        values[n++] = leaf.number(r, firstRow + row);
      } else if (def < list) {
        if (!nullable) {
          throw DataException.at(firstRow + row, column, "null; expected a list of numbers");
        }
        nulls[row] = true;
      }
      r.consume();
    }
    leaf.checkRows(row, column);
    offsets[groupRows] = n;
    return new DoubleLists(groupRows, offsets, values, nulls);
  }

  /** A list of lists of numbers per row; nulls at any level are refused. */
  public NestedDoubleLists nestedDoubleLists(String column) {
    return guarded(column, () -> readNestedDoubleLists(column));
  }

  private NestedDoubleLists readNestedDoubleLists(String column) {
    Leaf leaf = leaf(column, 2);
    PageCursor r = leaf.reader();
    long total = r.totalValues();
    int size = checkedSize(total, column);
    int[] rowOffsets = new int[groupRows + 1];
    int[] listOffsets = new int[size + 1];
    double[] values = new double[size];
    int lists = 0;
    int n = 0;
    int row = -1;
    int outerElement = leaf.defined[leaf.repeated[0]];
    int outerList = leaf.definedAbove(leaf.repeated[0]);
    int innerElement = leaf.defined[leaf.repeated[1]];
    int innerList = leaf.definedAbove(leaf.repeated[1]);
    for (long v = 0; v < total; v++) {
      int rep = r.getCurrentRepetitionLevel();
      int def = r.getCurrentDefinitionLevel();
      if (rep == 0) {
        row = leaf.nextRow(row, column);
        rowOffsets[row] = lists;
      }
      if (def < outerElement) {
        if (def < outerList) {
          throw DataException.at(firstRow + row, column, "null; expected a list of lists of"
              + " numbers");
        }
      } else {
        if (rep <= 1) {
          listOffsets[lists++] = n;
        }
        int inList = lists - 1 - rowOffsets[row];
        if (def < innerList) {
          throw DataException.at(firstRow + row, column, "list " + inList + " is null; expected"
              + " a list of numbers");
        }
        if (def >= innerElement) {
          if (def < leaf.maxDefinition) {
            throw DataException.at(firstRow + row, column, "list " + inList + ", element "
                + (n - listOffsets[lists - 1]) + " is null; expected a number");
          }
          values[n++] = leaf.number(r, firstRow + row);
        }
      }
      r.consume();
    }
    leaf.checkRows(row, column);
    rowOffsets[groupRows] = lists;
    listOffsets[lists] = n;
    return new NestedDoubleLists(groupRows, rowOffsets, listOffsets, values);
  }

  /** A list of strings per row; null lists are refused. */
  public String[][] stringLists(String column) {
    return stringLists(column, false);
  }

  /** A list of strings per row; where {@code nullable}, null where the file has a null list. */
  public String[][] stringLists(String column, boolean nullable) {
    return guarded(column, () -> readStringLists(column, nullable));
  }

  private String[][] readStringLists(String column, boolean nullable) {
    Leaf leaf = leaf(column, 1);
    leaf.requireText();
    PageCursor r = leaf.reader();
    long total = r.totalValues();
    String[][] out = new String[groupRows][];
    List<String> current = new ArrayList<>();
    int row = -1;
    int nullRow = -1; // the last row whose list was null
    int element = leaf.defined[leaf.repeated[0]];
    int list = leaf.definedAbove(leaf.repeated[0]);
    for (long v = 0; v < total; v++) {
      int def = r.getCurrentDefinitionLevel();
      if (r.getCurrentRepetitionLevel() == 0) {
        if (row >= 0 && row != nullRow) {
          out[row] = current.toArray(new String[0]);
        }
        current.clear();
        row = leaf.nextRow(row, column);
      }
      if (def >= element) {
        if (def < leaf.maxDefinition) {
          throw DataException.at(firstRow + row, column, "element " + current.size()
              + " is null; expected a string");
        }
        current.add(r.getBinary().toStringUsingUTF8());
      } else if (def < list) {
        if (!nullable) {
          throw DataException.at(firstRow + row, column, "null; expected a list of strings");
        }
        nullRow = row;
      }
      r.consume();
    }
    leaf.checkRows(row, column);
    if (row >= 0 && row != nullRow) {
      out[row] = current.toArray(new String[0]);
    }
    return out;
  }

  /**
   * A read whose pages parquet-java cannot decode (a corrupt or truncated file) is a refusal, not a
   * stack trace; so is a page that would not fit in memory (one failed allocation, which leaves the
   * heap as it was).
   */
  private <T> T guarded(String column, java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (DataException e) {
      throw e;
    } catch (RuntimeException | OutOfMemoryError e) {
      throw new DataException(file + ": column '" + column + "' in the row group starting at row "
          + firstRow + " cannot be read: " + reason(e), e);
    }
  }

  private static int checkedSize(long total, String column) {
    if (total > Integer.MAX_VALUE - 8) {
      throw new DataException("column '" + column + "': " + total + " values in one row group"
          + " are too many to read");
    }
    return (int) total;
  }

  /** The leaf column under a top-level field, with the levels that mark nulls and lists. */
  private Leaf leaf(String column, int depth) {
    if (group == null) {
      throw new IllegalStateException("call nextRowGroup() first");
    }
    if (!schema.containsField(column)) {
      throw new DataException(file + " has no column '" + column + "'");
    }
    List<Type> path = new ArrayList<>();
    List<String> names = new ArrayList<>();
    Type t = schema.getType(column);
    path.add(t);
    names.add(t.getName());
    while (!t.isPrimitive()) {
      GroupType g = t.asGroupType();
      if (g.getFieldCount() != 1) {
        throw new DataException("column '" + column + "' is a struct of " + g.getFieldCount()
            + " fields; expected " + expected(depth));
      }
      t = g.getType(0);
      path.add(t);
      names.add(t.getName());
    }
    Leaf leaf = new Leaf(column, path, depth);
    leaf.descriptor = schema.getColumnDescription(names.toArray(new String[0]));
    return leaf;
  }

  private static String expected(int depth) {
    return depth == 0 ? "a single value" : depth == 1 || depth < 0 ? "a list"
        : "a list of lists";
  }

  private final class Leaf {
    final String column;
    final PrimitiveType type;
    /** Definition level once node i of the path is defined. */
    final int[] defined;
    /** Indexes of the repeated nodes of the path. */
    final int[] repeated;
    final int maxDefinition;
    ColumnDescriptor descriptor;

    Leaf(String column, List<Type> path, int depth) {
      this.column = column;
      this.type = path.get(path.size() - 1).asPrimitiveType();
      defined = new int[path.size()];
      List<Integer> reps = new ArrayList<>();
      int d = 0;
      for (int i = 0; i < path.size(); i++) {
        Type.Repetition repetition = path.get(i).getRepetition();
        if (repetition != Type.Repetition.REQUIRED) {
          d++;
        }
        if (repetition == Type.Repetition.REPEATED) {
          reps.add(i);
        }
        defined[i] = d;
      }
      repeated = reps.stream().mapToInt(Integer::intValue).toArray();
      maxDefinition = d;
      if (depth >= 0 && repeated.length != depth) {
        throw new DataException("column '" + column + "' is " + shape(repeated.length)
            + "; expected " + expected(depth));
      }
      if (depth < 0 && repeated.length > 1) {
        throw new DataException("column '" + column + "' is " + shape(repeated.length)
            + "; expected a list of numbers or a number");
      }
    }

    private String shape(int lists) {
      return lists == 0 ? "a single value" : lists == 1 ? "a list" : "nested " + lists
          + " lists deep";
    }

    int definedAbove(int node) {
      return node == 0 ? 0 : defined[node - 1];
    }

    PageCursor reader() {
      if (!readColumns.add(column)) {
        throw new IllegalStateException("column '" + column + "' was already read from this row"
            + " group");
      }
      return new PageCursor(group.getPageReader(descriptor), descriptor,
          levels.computeIfAbsent(descriptor, d -> new PageCursor.Levels()));
    }

    int nextRow(int row, String name) {
      if (row + 1 >= groupRows) {
        throw new DataException(file + ": column '" + name + "' holds more rows than its row"
            + " group's " + groupRows + " (a corrupt file)");
      }
      return row + 1;
    }

    void checkRows(int row, String name) {
      if (row + 1 != groupRows) {
        throw new DataException(file + ": column '" + name + "' holds " + (row + 1)
            + " rows but its row group " + groupRows + " (a corrupt file)");
      }
    }

    void requireText() {
      if (type.getPrimitiveTypeName() != PrimitiveType.PrimitiveTypeName.BINARY) {
        throw new DataException("column '" + column + "' holds " + type.getPrimitiveTypeName()
            + "; expected strings");
      }
    }

    double number(PageCursor r, long row) {
      LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
      switch (type.getPrimitiveTypeName()) {
        case DOUBLE:
          return r.getDouble();
        case FLOAT:
          return r.getFloat();
        case INT32:
          return logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation dec
              ? new BigDecimal(BigInteger.valueOf(r.getInteger()), dec.getScale()).doubleValue()
              : r.getInteger();
        case INT64:
          return logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation dec
              ? new BigDecimal(BigInteger.valueOf(r.getLong()), dec.getScale()).doubleValue()
              : (double) r.getLong();
        case FIXED_LEN_BYTE_ARRAY:
        case BINARY:
          if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation dec) {
            return new BigDecimal(new BigInteger(r.getBinary().getBytes()), dec.getScale())
                .doubleValue();
          }
          throw notNumbers(row, logical);
        default:
          throw notNumbers(row, logical);
      }
    }

    private DataException notNumbers(long row, LogicalTypeAnnotation logical) {
      return DataException.at(row, column, "holds " + type.getPrimitiveTypeName()
          + (logical == null ? "" : " (" + logical + ")") + "; expected numbers (DOUBLE, FLOAT,"
          + " integers or decimals)");
    }
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.github.multiref.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ValuesType;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.ValuesReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType;

/**
 * One column chunk's values, page by page, with the calls of parquet-java's {@code ColumnReader}
 * that {@link ParquetTableReader} uses. Each page's repetition and definition levels are decoded
 * at once into arrays (the RLE / bit-packed hybrid, as nearly every writer stores them), and
 * PLAIN or dictionary values are read straight from the page's bytes; any other encoding goes
 * through parquet-java's own decoder for it. This is the per-value machinery of the generic
 * reader, without its per-value cost: it is what makes reading a row group cheap.
 */
final class PageCursor {

  private static final int PLAIN = 0;
  private static final int DICTIONARY = 1;
  private static final int OTHER = 2;

  private final PageReader pages;
  private final ColumnDescriptor column;
  private final int maxRepetition;
  private final int maxDefinition;
  private final PrimitiveType.PrimitiveTypeName type;
  private final Dictionary dictionary;
  private final long total;
  private long read;

  // the current page
  private final Levels scratch;
  private int[] repetition;
  private int[] definition;
  private int pageValues;
  private int at;
  private int values;
  private ByteBuffer data;
  private int position;
  private int[] ids = new int[0];
  private int id;
  private ValuesReader other;
  /** How the current page's values are stored: PLAIN, DICTIONARY or OTHER. */
  private int kind;
  /** The value at {@code at} was read (or is null), so consume() does not skip it. */
  private boolean taken;

  /**
   * Arrays for a page's levels, handed from one row group's cursor to the next over the same
   * column (a cursor uses them alone while it reads).
   */
  static final class Levels {
    int[] repetition = new int[0];
    int[] definition = new int[0];
  }

  PageCursor(PageReader pages, ColumnDescriptor column) {
    this(pages, column, new Levels());
  }

  PageCursor(PageReader pages, ColumnDescriptor column, Levels scratch) {
    this.pages = pages;
    this.scratch = scratch;
    this.repetition = scratch.repetition;
    this.definition = scratch.definition;
    this.column = column;
    this.maxRepetition = column.getMaxRepetitionLevel();
    this.maxDefinition = column.getMaxDefinitionLevel();
    this.type = column.getPrimitiveType().getPrimitiveTypeName();
    this.total = pages.getTotalValueCount();
    DictionaryPage d = pages.readDictionaryPage();
    try {
      dictionary = d == null ? null : d.getEncoding().initDictionary(column, d);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (total > 0) {
      nextPage();
    }
  }

  /** The values of the chunk, nulls and empty lists included. */
  long totalValues() {
    return total;
  }

  int getCurrentRepetitionLevel() {
    return repetition[at];
  }

  int getCurrentDefinitionLevel() {
    return definition[at];
  }

  /** Moves to the next value (skipping this one's value if it was not read). */
  void consume() {
    if (!taken && definition[at] == maxDefinition) {
      skip();
    }
    read++;
    if (++at == pageValues && read < total) {
      nextPage();
    } else {
      taken = false;
    }
  }

  /**
   * How many values, from the current one to the end of its page, are present PLAIN doubles that
   * {@link #readPresentDoubles} can copy at once: 0 unless the page holds PLAIN doubles and the
   * current value was not read.
   */
  int presentDoubleRun() {
    if (kind != PLAIN || type != PrimitiveType.PrimitiveTypeName.DOUBLE || taken) {
      return 0;
    }
    int e = at;
    while (e < pageValues && definition[e] == maxDefinition) {
      e++;
    }
    return e - at;
  }

  /** The repetition level {@code k} values after the current one, on the current page. */
  int repetitionAhead(int k) {
    return repetition[at + k];
  }

  /**
   * Copies the next {@code count} values, at most {@link #presentDoubleRun()}, into {@code out}
   * from {@code off} and moves past them, as {@code getDouble()} and {@code consume()} on each.
   */
  void readPresentDoubles(double[] out, int off, int count) {
    data.slice(position, 8 * count).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer()
        .get(out, off, count);
    position += 8 * count;
    read += count;
    at += count;
    taken = false;
    if (at == pageValues && read < total) {
      nextPage();
    }
  }

  double getDouble() {
    taken = true;
    switch (kind) {
      case PLAIN:
        double v = data.getDouble(position);
        position += 8;
        return v;
      case DICTIONARY:
        return dictionary.decodeToDouble(nextId());
      default:
        return other.readDouble();
    }
  }

  float getFloat() {
    taken = true;
    switch (kind) {
      case PLAIN:
        float v = data.getFloat(position);
        position += 4;
        return v;
      case DICTIONARY:
        return dictionary.decodeToFloat(nextId());
      default:
        return other.readFloat();
    }
  }

  int getInteger() {
    taken = true;
    switch (kind) {
      case PLAIN:
        int v = data.getInt(position);
        position += 4;
        return v;
      case DICTIONARY:
        return dictionary.decodeToInt(nextId());
      default:
        return other.readInteger();
    }
  }

  long getLong() {
    taken = true;
    switch (kind) {
      case PLAIN:
        long v = data.getLong(position);
        position += 8;
        return v;
      case DICTIONARY:
        return dictionary.decodeToLong(nextId());
      default:
        return other.readLong();
    }
  }

  /** The value's bytes; they stay valid after the cursor moves on (a view of the page). */
  Binary getBinary() {
    taken = true;
    switch (kind) {
      case PLAIN:
        int length = type == PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY
            ? column.getPrimitiveType().getTypeLength() : data.getInt(position);
        int start = type == PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY
            ? position : position + 4;
        if (length < 0 || start + length > data.limit() || start + length < start) {
          throw new IllegalArgumentException("a string of " + length + " bytes runs past its page");
        }
        position = start + length;
        return Binary.fromConstantByteArray(data.array(), data.arrayOffset() + start, length);
      case DICTIONARY:
        return dictionary.decodeToBinary(nextId());
      default:
        return other.readBytes();
    }
  }

  private int nextId() {
    if (id >= values) {
      throw new IllegalArgumentException("more values than the page holds");
    }
    int i = ids[id++];
    if (i < 0 || i > dictionary.getMaxId()) {
      throw new IllegalArgumentException("dictionary id " + i + " outside the dictionary of "
          + (dictionary.getMaxId() + 1));
    }
    return i;
  }

  private void skip() {
    switch (kind) {
      case PLAIN:
        switch (type) {
          case DOUBLE, INT64 -> position += 8;
          case FLOAT, INT32 -> position += 4;
          case INT96 -> position += 12;
          case FIXED_LEN_BYTE_ARRAY -> position += column.getPrimitiveType().getTypeLength();
          case BINARY -> position += 4 + data.getInt(position);
          default -> throw new IllegalStateException("no plain " + type + " values here");
        }
        break;
      case DICTIONARY:
        nextId();
        break;
      default:
        other.skip();
    }
  }

  private void nextPage() {
    DataPage page = pages.readPage();
    if (page == null) {
      throw new IllegalArgumentException("the column chunk ends after " + read + " of its "
          + total + " values");
    }
    int n = page.getValueCount();
    if (n <= 0 || n > total - read) {
      throw new IllegalArgumentException("a page of " + n + " values where " + (total - read)
          + " remain");
    }
    if (repetition.length < n) {
      repetition = new int[n];
      definition = new int[n];
      scratch.repetition = repetition;
      scratch.definition = definition;
    }
    pageValues = n;
    at = 0;
    taken = false;
    try {
      if (page instanceof DataPageV1 v1) {
        ByteBuffer bytes = heap(v1.getBytes());
        int p = 0;
        p = levels(v1.getRlEncoding(), bytes, p, maxRepetition, repetition, n, true);
        p = levels(v1.getDlEncoding(), bytes, p, maxDefinition, definition, n, true);
        startValues(v1.getValueEncoding(), bytes.position(p).slice().order(ByteOrder.LITTLE_ENDIAN),
            n);
      } else {
        DataPageV2 v2 = (DataPageV2) page;
        levels(Encoding.RLE, heap(v2.getRepetitionLevels()), 0, maxRepetition, repetition, n,
            false);
        levels(Encoding.RLE, heap(v2.getDefinitionLevels()), 0, maxDefinition, definition, n,
            false);
        startValues(v2.getDataEncoding(), heap(v2.getData()), n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ByteBuffer heap(BytesInput in) throws IOException {
    ByteBuffer b = in.toByteBuffer();
    if (!b.hasArray()) {
      b = ByteBuffer.wrap(in.toByteArray());
    }
    return b.slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Counts the present values and prepares to read them from {@code bytes}. */
  private void startValues(Encoding encoding, ByteBuffer bytes, int n) throws IOException {
    int present = 0;
    for (int i = 0; i < n; i++) {
      int d = definition[i];
      if (d > maxDefinition || d < 0) {
        throw new IllegalArgumentException("definition level " + d + " above the column's "
            + maxDefinition);
      }
      if (repetition[i] > maxRepetition || repetition[i] < 0) {
        throw new IllegalArgumentException("repetition level " + repetition[i]
            + " above the column's " + maxRepetition);
      }
      if (d == maxDefinition) {
        present++;
      }
    }
    values = present;
    data = bytes;
    position = 0;
    if (encoding == Encoding.PLAIN && type != PrimitiveType.PrimitiveTypeName.BOOLEAN) {
      kind = PLAIN;
      long width = switch (type) {
        case DOUBLE, INT64 -> 8;
        case FLOAT, INT32 -> 4;
        case INT96 -> 12;
        case FIXED_LEN_BYTE_ARRAY -> column.getPrimitiveType().getTypeLength();
        default -> 0; // BINARY: checked value by value
      };
      if (width * present > bytes.limit()) {
        throw new IllegalArgumentException("a page of " + present + " values holds "
            + bytes.limit() + " bytes");
      }
    } else if (encoding.usesDictionary()) {
      if (dictionary == null) {
        throw new IllegalArgumentException("dictionary-encoded values without a dictionary");
      }
      kind = DICTIONARY;
      if (ids.length < present) {
        ids = new int[present];
      }
      id = 0;
      if (present > 0) {
        int width = bytes.get(0) & 0xff;
        if (width > 32) {
          throw new IllegalArgumentException("dictionary ids of " + width + " bits");
        }
        hybrid(bytes, 1, bytes.limit(), width, ids, present);
      }
    } else {
      kind = OTHER;
      other = encoding.getValuesReader(column, ValuesType.VALUES);
      other.initFromPage(n, ByteBufferInputStream.wrap(bytes));
    }
  }

  /**
   * Decodes n levels at {@code p}: nothing when the column has no such levels (all 0), the RLE
   * hybrid (after its 4-byte length in a V1 page), or another encoding through parquet-java.
   * Returns the position after them.
   */
  private int levels(Encoding encoding, ByteBuffer bytes, int p, int max, int[] out, int n,
      boolean lengthPrefixed) throws IOException {
    if (max == 0) {
      java.util.Arrays.fill(out, 0, n, 0);
      return p;
    }
    int width = 32 - Integer.numberOfLeadingZeros(max);
    if (encoding == Encoding.RLE) {
      int end = bytes.limit();
      if (lengthPrefixed) {
        int length = bytes.getInt(p);
        p += 4;
        if (length < 0 || length > bytes.limit() - p) {
          throw new IllegalArgumentException("levels of " + length + " bytes in a page of "
              + bytes.limit());
        }
        end = p + length;
      }
      hybrid(bytes, p, end, width, out, n);
      return end;
    }
    // the deprecated BIT_PACKED levels of old writers
    ValuesReader r = encoding.getValuesReader(column,
        out == repetition ? ValuesType.REPETITION_LEVEL : ValuesType.DEFINITION_LEVEL);
    ByteBufferInputStream in = ByteBufferInputStream.wrap(bytes.position(p).slice());
    r.initFromPage(n, in);
    for (int i = 0; i < n; i++) {
      out[i] = r.readInteger();
    }
    bytes.position(0);
    return p + (int) in.position();
  }

  /** The RLE / bit-packed hybrid: n values of {@code width} bits from bytes[p .. end). */
  static void hybrid(ByteBuffer bytes, int p, int end, int width, int[] out, int n) {
    int count = 0;
    int valueBytes = (width + 7) / 8;
    long mask = width == 32 ? 0xffffffffL : (1L << width) - 1;
    while (count < n) {
      int header = 0;
      int shift = 0;
      int b;
      do {
        if (p >= end || shift > 28) {
          throw new IllegalArgumentException("run-length data end after " + count + " of " + n
              + " values");
        }
        b = bytes.get(p++) & 0xff;
        header |= (b & 0x7f) << shift;
        shift += 7;
      } while ((b & 0x80) != 0);
      if ((header & 1) == 0) {
        int run = header >>> 1;
        if (p + valueBytes > end) {
          throw new IllegalArgumentException("a run's value runs past the data");
        }
        int v = 0;
        for (int i = 0; i < valueBytes; i++) {
          v |= (bytes.get(p++) & 0xff) << (8 * i);
        }
        int m = Math.min(run, n - count);
        java.util.Arrays.fill(out, count, count + m, v);
        count += m;
      } else {
        long groups = header >>> 1;
        long available = (long) (end - p) * 8 / Math.max(1, width);
        long wanted = Math.min(groups * 8, n - count);
        if (width > 0 && wanted > available) {
          wanted = available; // a short last group: what is there, then the check below
        }
        long bits = 0;
        int held = 0;
        int q = p;
        for (long i = 0; i < wanted; i++) {
          while (held < width) {
            bits |= (long) (bytes.get(q++) & 0xff) << held;
            held += 8;
          }
          out[count++] = (int) (bits & mask);
          bits >>>= width;
          held -= width;
        }
        long used = groups * width;
        if (used > end - p) {
          if (count < n) {
            throw new IllegalArgumentException("bit-packed data end after " + count + " of " + n
                + " values");
          }
          p = end;
        } else {
          p += (int) used;
        }
      }
    }
  }
}

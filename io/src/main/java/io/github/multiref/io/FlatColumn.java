package io.github.multiref.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.BinaryStatistics;
import org.apache.parquet.column.statistics.DoubleStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.io.api.Binary;

/**
 * A top-level double or string column (required or nullable) encoded straight into data pages,
 * which go to parquet-java's page writer (it compresses them and writes headers, statistics and
 * indexes). Doubles are PLAIN, the page a copy of the values' bytes. Strings start each row
 * group with a dictionary, kept as one array in its own PLAIN page layout and found by an
 * open-addressing hash of the bytes; as parquet-java decides, the column falls back to PLAIN for
 * the rest of the row group when the first page shows the dictionary does not pay (most values
 * distinct) or when the dictionary outgrows {@link #DICTIONARY_BYTES}. No object is made per
 * value. A page ends at {@link #PAGE_ROWS} rows or {@link #PAGE_BYTES} bytes of values,
 * parquet-java's defaults. Not thread-safe: one thread writes a column at a time.
 */
final class FlatColumn {

  static final int PAGE_ROWS = 20_000;
  static final int PAGE_BYTES = 1 << 20;
  static final int DICTIONARY_BYTES = 1 << 20;

  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class,
      ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle BIG_LONG = MethodHandles.byteArrayViewVarHandle(
      long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
      ByteOrder.LITTLE_ENDIAN);

  private final ColumnDescriptor descriptor;
  private final boolean nullable;
  private final boolean strings;
  private PageWriter pages;

  // the page being filled
  private int rows;
  private int nulls;
  /** Per row of the page, whether it has a value (kept only while the page has a null). */
  private final byte[] present = new byte[PAGE_ROWS];
  private double[] doubles;
  /** The values count of the page (rows less nulls). */
  private int values;
  /** Plain strings: 4-byte length and bytes each, as the page holds them. */
  private byte[] plain = new byte[0];
  private int plainSize;
  /** The plain strings' smallest and largest, as positions of their lengths in {@link #plain}. */
  private int plainMin = -1;
  private int plainMax = -1;
  /** What the page's strings would take as PLAIN. */
  private long rawBytes;

  // the row group's dictionary (strings only)
  private boolean dictionary;
  /** The dictionary page: 4-byte length and bytes of each entry. */
  private byte[] dict = new byte[0];
  private int dictSize;
  private int[] entryAt = new int[0];
  private int[] entryHash = new int[0];
  private int entries;
  /** Open addressing: entry + 1, or 0 for free. */
  private int[] slots = new int[0];
  private int[] ids;
  private int dictMin = -1;
  private int dictMax = -1;
  /** Whether some page of the row group refers to the dictionary. */
  private boolean dictionaryUsed;
  private boolean firstPage;

  private byte[] page = new byte[0];

  FlatColumn(ColumnDescriptor descriptor, boolean nullable, boolean strings) {
    this.descriptor = descriptor;
    this.nullable = nullable;
    this.strings = strings;
    if (strings) {
      ids = new int[PAGE_ROWS];
    } else {
      doubles = new double[PAGE_ROWS];
    }
  }

  /** Starts a row group whose pages go to {@code pages}. */
  void start(PageWriter pages) {
    this.pages = pages;
    if (strings) {
      dictionary = true;
      dictSize = 0;
      entries = 0;
      Arrays.fill(slots, 0);
      dictionaryUsed = false;
      firstPage = true;
    }
  }

  /** Bytes held for the row group: the pages written so far, the page being filled and the dictionary. */
  long bufferedBytes() {
    long open = strings ? (dictionary ? values * 4L : plainSize) : values * 8L;
    return pages.getMemSize() + open + dictSize;
  }

  void addNull() {
    if (!nullable) {
      throw new IllegalStateException(descriptor.getPath()[0] + " is required");
    }
    if (nulls == 0) {
      Arrays.fill(present, 0, rows, (byte) 1);
    }
    present[rows++] = 0;
    nulls++;
    if (rows == PAGE_ROWS) {
      pageFull();
    }
  }

  private void addPresent() {
    if (nulls > 0) {
      present[rows] = 1;
    }
    rows++;
  }

  void add(double value) {
    doubles[values++] = value;
    addPresent();
    if (rows == PAGE_ROWS) {
      pageFull();
    }
  }

  void add(String value) {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    add(b, 0, b.length);
  }

  /** A string's UTF-8 bytes {@code b[off .. off + len - 1]}. */
  void add(byte[] b, int off, int len) {
    rawBytes += 4L + len;
    if (dictionary) {
      int id = entry(b, off, len);
      if (id < 0) { // the dictionary is full: this page ends with it, and the rest is PLAIN
        if (rows > 0) {
          pageFull();
        }
        dictionary = false;
        rawBytes = 4L + len;
        addPlain(b, off, len);
      } else {
        if (dictMin < 0 || compare(dict, entryAt[id], dict, entryAt[dictMin]) < 0) {
          dictMin = id;
        }
        if (dictMax < 0 || compare(dict, entryAt[id], dict, entryAt[dictMax]) > 0) {
          dictMax = id;
        }
        ids[values++] = id;
      }
    } else {
      addPlain(b, off, len);
    }
    addPresent();
    if (rows == PAGE_ROWS || plainSize >= PAGE_BYTES) {
      pageFull();
    }
  }

  private void addPlain(byte[] b, int off, int len) {
    int at = plainSize;
    plain = room(plain, at, 4 + len);
    INT.set(plain, at, len);
    System.arraycopy(b, off, plain, at + 4, len);
    plainSize = at + 4 + len;
    if (plainMin < 0 || compare(plain, at, plain, plainMin) < 0) {
      plainMin = at;
    }
    if (plainMax < 0 || compare(plain, at, plain, plainMax) > 0) {
      plainMax = at;
    }
    values++;
  }

  /** Unsigned byte order of the strings whose lengths are at {@code a[i]} and {@code b[j]}. */
  static int compare(byte[] a, int i, byte[] b, int j) {
    int la = (int) INT.get(a, i);
    int lb = (int) INT.get(b, j);
    int n = Math.min(la, lb);
    int x = 0;
    // eight bytes at a time, read big-endian so that unsigned long order is byte order; most
    // strings differ within their first words, where the library's comparison is slow to start
    for (; x + 8 <= n && x < 32; x += 8) {
      long va = (long) BIG_LONG.get(a, i + 4 + x);
      long vb = (long) BIG_LONG.get(b, j + 4 + x);
      if (va != vb) {
        return Long.compareUnsigned(va, vb);
      }
    }
    if (n - x > 8) {
      return Arrays.compareUnsigned(a, i + 4 + x, i + 4 + la, b, j + 4 + x, j + 4 + lb);
    }
    for (; x < n; x++) {
      int d = (a[i + 4 + x] & 0xff) - (b[j + 4 + x] & 0xff);
      if (d != 0) {
        return d;
      }
    }
    return Integer.compare(la, lb);
  }

  private static byte[] room(byte[] a, int used, int more) {
    long need = (long) used + more;
    if (need <= a.length) {
      return a;
    }
    if (need > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("a page of more than 2 GB");
    }
    return Arrays.copyOf(a, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(need, a.length * 2L)));
  }

  /** The string's dictionary entry, added when new; -1 when it does not fit in the dictionary. */
  private int entry(byte[] b, int off, int len) {
    int h = hash(b, off, len);
    int mask = slots.length - 1;
    if (slots.length > 0) {
      for (int s = h & mask; ; s = (s + 1) & mask) {
        int e = slots[s] - 1;
        if (e < 0) {
          break;
        }
        int at = entryAt[e];
        if (entryHash[e] == h && (int) INT.get(dict, at) == len
            && Arrays.equals(dict, at + 4, at + 4 + len, b, off, off + len)) {
          return e;
        }
      }
    }
    if (dictSize + 4L + len > DICTIONARY_BYTES && entries > 0) {
      return -1;
    }
    if (entries + 1 > slots.length / 2) {
      grow();
      mask = slots.length - 1;
    }
    int e = entries++;
    if (e == entryAt.length) {
      entryAt = Arrays.copyOf(entryAt, Math.max(1024, e * 2));
      entryHash = Arrays.copyOf(entryHash, entryAt.length);
    }
    int at = dictSize;
    dict = room(dict, at, 4 + len);
    INT.set(dict, at, len);
    System.arraycopy(b, off, dict, at + 4, len);
    dictSize = at + 4 + len;
    entryAt[e] = at;
    entryHash[e] = h;
    int s = h & mask;
    while (slots[s] != 0) {
      s = (s + 1) & mask;
    }
    slots[s] = e + 1;
    return e;
  }

  private void grow() {
    slots = new int[Math.max(2048, slots.length * 2)];
    int mask = slots.length - 1;
    for (int e = 0; e < entries; e++) {
      int s = entryHash[e] & mask;
      while (slots[s] != 0) {
        s = (s + 1) & mask;
      }
      slots[s] = e + 1;
    }
  }

  private static int hash(byte[] b, int off, int len) {
    long h = 0x9E3779B97F4A7C15L ^ len;
    int i = 0;
    for (; i + 8 <= len; i += 8) {
      h = (h ^ (long) LONG.get(b, off + i)) * 0xC2B2AE3D27D4EB4FL;
      h ^= h >>> 31;
    }
    for (; i < len; i++) {
      h = (h ^ b[off + i]) * 0x100000001B3L;
    }
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    return (int) (h ^ (h >>> 32));
  }

  /** Writes the page being filled, if any, and for strings the dictionary; the row group is done. */
  void flush() throws IOException {
    if (rows > 0) {
      endPage();
    }
    if (dictionaryUsed) {
      pages.writeDictionaryPage(new DictionaryPage(BytesInput.from(dict, 0, dictSize), entries,
          Encoding.PLAIN));
    }
    dictionaryUsed = false;
  }

  /** Ends the page as it fills: a failure to write it (compression) comes out unchecked. */
  private void pageFull() {
    try {
      endPage();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void endPage() throws IOException {
    int at = 0;
    if (nullable) {
      at = levels();
    }
    Statistics<?> stats = Statistics.createStats(descriptor.getPrimitiveType());
    Encoding encoding;
    if (!strings) {
      page = room(page, at, values * 8);
      ByteBuffer.wrap(page, at, values * 8).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer()
          .put(doubles, 0, values);
      at += values * 8;
      doubleStatistics((DoubleStatistics) stats);
      encoding = Encoding.PLAIN;
    } else {
      if (dictionary && firstPage && entries > 0
          && dictSize + values * (long) bitWidth() / 8 >= rawBytes) {
        // the dictionary does not pay: this page and the rest of the row group are PLAIN
        dictionary = false;
        for (int i = 0; i < values; i++) {
          int e = entryAt[ids[i]];
          int len = (int) INT.get(dict, e);
          plain = room(plain, plainSize, 4 + len);
          System.arraycopy(dict, e, plain, plainSize, 4 + len);
          plainSize += 4 + len;
        }
        plainMin = dictMin < 0 ? -1 : position(dictMin, ids);
        plainMax = dictMax < 0 ? -1 : position(dictMax, ids);
        dictSize = 0;
        entries = 0;
        Arrays.fill(slots, 0);
      }
      firstPage = false;
      BinaryStatistics s = (BinaryStatistics) stats;
      if (dictionary) {
        int width = bitWidth();
        page = room(page, at, 1);
        page[at++] = (byte) width;
        RunLengthBitPackingHybridEncoder ids = new RunLengthBitPackingHybridEncoder(width,
            Math.max(64, values * width / 8 + 16), PAGE_BYTES, HeapByteBufferAllocator.getInstance());
        for (int i = 0; i < values; i++) {
          ids.writeInt(this.ids[i]);
        }
        at = append(ids.toBytes(), at);
        if (dictMin >= 0) {
          s.updateStats(view(dict, entryAt[dictMin]));
          s.updateStats(view(dict, entryAt[dictMax]));
        }
        dictionaryUsed = true;
        encoding = Encoding.RLE_DICTIONARY;
      } else {
        page = room(page, at, plainSize);
        System.arraycopy(plain, 0, page, at, plainSize);
        at += plainSize;
        if (plainMin >= 0) {
          s.updateStats(view(plain, plainMin));
          s.updateStats(view(plain, plainMax));
        }
        encoding = Encoding.PLAIN;
      }
    }
    stats.incrementNumNulls(nulls);
    pages.writePage(BytesInput.from(page, 0, at), rows, rows, stats, Encoding.RLE, Encoding.RLE,
        encoding);
    rows = 0;
    nulls = 0;
    values = 0;
    plainSize = 0;
    plainMin = -1;
    plainMax = -1;
    dictMin = -1;
    dictMax = -1;
    rawBytes = 0;
  }

  /** Where the first string of dictionary entry {@code e} lies in the plain copy of the page. */
  private int position(int e, int[] pageIds) {
    int at = 0;
    for (int i = 0; ; i++) {
      if (pageIds[i] == e) {
        return at;
      }
      at += 4 + (int) INT.get(dict, entryAt[pageIds[i]]);
    }
  }

  private int bitWidth() {
    return Math.max(1, 32 - Integer.numberOfLeadingZeros(entries - 1));
  }

  /** The string whose length is at {@code a[at]}; statistics copy it (the array is reused). */
  private static Binary view(byte[] a, int at) {
    return Binary.fromReusedByteArray(a, at + 4, (int) INT.get(a, at));
  }

  private int append(BytesInput bytes, int at) throws IOException {
    int n = (int) bytes.size();
    page = room(page, at, n);
    bytes.toByteBuffer(HeapByteBufferAllocator.getInstance(), b -> { }).get(page, at, n);
    return at + n;
  }

  /** Min and max by parquet-java's rules (NaN counted apart, zero's sign normalized). */
  private void doubleStatistics(DoubleStatistics s) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    boolean any = false;
    boolean nan = false;
    for (int i = 0; i < values; i++) {
      double v = doubles[i];
      if (v != v) {
        nan = true;
        continue;
      }
      any = true;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    if (any) {
      s.updateStats(min);
      s.updateStats(max);
    }
    if (nan) {
      for (int i = 0; i < values; i++) {
        if (Double.isNaN(doubles[i])) {
          s.updateStats(doubles[i]);
        }
      }
    }
  }

  /** The definition levels at the page's start (4-byte length, then the RLE hybrid); returns the end. */
  private int levels() throws IOException {
    page = room(page, 0, 16);
    if (nulls == 0) { // one run of ones: its length as a varint, shifted, then the value
      int at = 4;
      int header = rows << 1;
      while ((header & ~0x7F) != 0) {
        page[at++] = (byte) ((header & 0x7F) | 0x80);
        header >>>= 7;
      }
      page[at++] = (byte) header;
      page[at++] = 1;
      INT.set(page, 0, at - 4);
      return at;
    }
    RunLengthBitPackingHybridEncoder e = new RunLengthBitPackingHybridEncoder(1, 64,
        PAGE_BYTES, HeapByteBufferAllocator.getInstance());
    for (int i = 0; i < rows; i++) {
      e.writeInt(present[i]);
    }
    int end = append(e.toBytes(), 4);
    INT.set(page, 0, end - 4);
    return end;
  }
}

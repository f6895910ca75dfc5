package io.github.multiref.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.multiref.io.DoubleLists;
import io.github.multiref.io.ParquetTableReader;
import io.github.multiref.io.TableFormat;
import io.github.multiref.rewards.io.JsonLine;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import io.github.multiref.io.ParquetTableWriter;
import io.github.multiref.io.Utf8Column;

/**
 * A table of preference pairs, JSONL or Parquet, read pair by pair with every value checked:
 * {@code chosen_logps}, {@code rejected_logps} (optional when the caller says so: a reference
 * model's TRL table has none), {@code ref_chosen_logps} and {@code ref_rejected_logps} (K numbers
 * each, or one number), and the key columns {@link PairLine#KEYS}. Errors name the line (JSONL) or
 * the row (Parquet), the field and the value.
 */
final class PairReader implements AutoCloseable {

  /** The numeric columns of a pairs table. */
  static final String[] NUMBERS = {"chosen_logps", "rejected_logps", "ref_chosen_logps",
      "ref_rejected_logps"};

  /** One pair; arrays are the reader's and are reused, read {@code k} values from the offsets. */
  @FunctionalInterface
  interface Consumer {
    /**
     * @param keys the key columns' values, null where absent: JSON text ({@code String}) from
     *     JSONL; from Parquet the row group's column ({@link Utf8Column}, UTF-8 bytes not decoded,
     *     shared by the group's pairs), whose row {@code keyRow} is this pair's (see
     *     {@link #jsonKeys()}, {@link #present}, {@link #json})
     * @param keyRow the pair's row in a Parquet row group's key columns; -1 for JSONL
     * @param chosen the policy's log-probability, NaN when the table has none
     */
    void pair(long position, Object[] keys, int keyRow, double chosen, double rejected,
        double[] rc,
        int rcAt, double[] rr, int rrAt, int k) throws IOException;
  }

  private final String input;
  private final boolean policyRequired;
  private final ParquetTableReader table;

  private PairReader(String input, boolean policyRequired, ParquetTableReader table) {
    this.input = input;
    this.policyRequired = policyRequired;
    this.table = table;
  }

  /** A reader of {@code input} (a file, or - for standard input) in the given format. */
  static PairReader open(String input, TableFormat format, boolean policyRequired) {
    if (format != TableFormat.PARQUET) {
      return new PairReader(input, policyRequired, null);
    }
    List<String> wanted = new ArrayList<>(List.of(NUMBERS));
    wanted.addAll(List.of(PairLine.KEYS));
    ParquetTableReader table = ParquetTableReader.open(Path.of(input), wanted);
    for (int i = policyRequired ? 0 : 2; i < NUMBERS.length; i++) {
      if (!table.has(NUMBERS[i])) {
        table.close();
        throw new InputException(input + " has no column '" + NUMBERS[i] + "'; a pairs table"
            + " needs " + String.join(", ", policyRequired ? List.of(NUMBERS)
                : List.of(NUMBERS).subList(2, 4)));
      }
    }
    if (!policyRequired && table.has(NUMBERS[0]) != table.has(NUMBERS[1])) {
      table.close();
      throw new InputException(input + " has '" + NUMBERS[table.has(NUMBERS[0]) ? 0 : 1]
          + "' but not '" + NUMBERS[table.has(NUMBERS[0]) ? 1 : 0] + "'");
    }
    return new PairReader(input, policyRequired, table);
  }

  /** The input, a file or - for standard input. */
  String input() {
    return input;
  }

  /** "line" (JSONL) or "row" (Parquet): what positions count. */
  String unit() {
    return table == null ? "line" : "row";
  }

  /** True when keys come as JSON text (JSONL), false when as plain strings (Parquet). */
  boolean jsonKeys() {
    return table == null;
  }

  /** Which key columns the table has as strings (all, for JSONL, where each line may differ). */
  boolean[] keyColumns() {
    boolean[] keys = new boolean[PairLine.KEYS.length];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = table == null || table.isString(PairLine.KEYS[i]);
    }
    return keys;
  }

  /** Reads every pair, in order, JSONL parsed on as many threads as there are processors. */
  void forEach(Consumer consumer) throws IOException {
    forEach(consumer, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Reads every pair, in order. JSONL is parsed in blocks of lines on {@code threads} workers and
   * handed to the consumer on this thread, in order; what the consumer sees does not depend on
   * the thread count.
   */
  void forEach(Consumer consumer, int threads) throws IOException {
    if (table == null) {
      readJsonl(consumer, threads);
    } else {
      readParquet(consumer);
    }
  }

  private void readJsonl(Consumer consumer, int threads) throws IOException {
    try (java.io.InputStream in = JsonlBlocks.open(input)) {
      JsonlBlocks.run(in, threads, this::parse, parsed -> parsed.replay(consumer));
    }
  }

  /**
   * A block's pairs, parsed: each pair's line, keys (JSON text), numbers and K, the references
   * flat; and the first failure, after the pairs before it (which are handed on first, so that an
   * error of the consumer at an earlier line still comes first).
   */
  static final class Parsed implements Consumer {
    int count;
    long[] lines;
    String[][] keys;
    double[] chosen;
    double[] rejected;
    int[] k;
    int[] from;
    double[] rc;
    double[] rr;
    RuntimeException failure;

    /** Room for {@code capacity} pairs of up to four references before anything grows. */
    Parsed(int capacity) {
      int n = Math.max(1, capacity);
      lines = new long[n];
      keys = new String[PairLine.KEYS.length][n];
      chosen = new double[n];
      rejected = new double[n];
      k = new int[n];
      from = new int[n + 1];
      rc = new double[4 * n];
      rr = new double[4 * n];
    }

    @Override
    public void pair(long position, Object[] keyText, int keyRow, double c, double r,
        double[] refChosen,
        int rcAt, double[] refRejected, int rrAt, int references) {
      if (count == lines.length) {
        int grown = 2 * count;
        lines = Arrays.copyOf(lines, grown);
        for (int i = 0; i < keys.length; i++) {
          keys[i] = Arrays.copyOf(keys[i], grown);
        }
        chosen = Arrays.copyOf(chosen, grown);
        rejected = Arrays.copyOf(rejected, grown);
        k = Arrays.copyOf(k, grown);
        from = Arrays.copyOf(from, grown + 1);
      }
      int at = from[count];
      if (at + references > rc.length) {
        int grown = Math.max(2 * rc.length, at + references);
        rc = Arrays.copyOf(rc, grown);
        rr = Arrays.copyOf(rr, grown);
      }
      System.arraycopy(refChosen, rcAt, rc, at, references);
      System.arraycopy(refRejected, rrAt, rr, at, references);
      lines[count] = position;
      for (int i = 0; i < keys.length; i++) {
        keys[i][count] = (String) keyText[i];
      }
      chosen[count] = c;
      rejected[count] = r;
      k[count] = references;
      from[count + 1] = at + references;
      count++;
    }

    void replay(Consumer consumer) throws IOException {
      Object[] keyRow = new Object[keys.length];
      for (int p = 0; p < count; p++) {
        for (int i = 0; i < keys.length; i++) {
          keyRow[i] = keys[i][p];
        }
        consumer.pair(lines[p], keyRow, -1, chosen[p], rejected[p], rc, from[p], rr, from[p],
            k[p]);
      }
      if (failure != null) {
        throw failure;
      }
    }
  }

  /** One block of lines, parsed on a worker: the fast streaming pass, else {@link JsonLine}. */
  Parsed parse(JsonlBlocks.Block block) {
    Parsed parsed = new Parsed(block.lines());
    PairLine fast = new PairLine();
    String[] keyText = new String[PairLine.KEYS.length];
    try {
      block.forEachLine((line, bytes, from, to) -> {
        JsonlBlocks.checkUtf8(line, bytes, from, to);
        if (JsonlBlocks.blank(bytes, from, to)) {
          return;
        }
        if (fast.read(bytes, from, to - from)) { // one streaming pass; anything unusual goes on
          parsed.pair(line, fast.keyText, -1, fast.chosen, fast.rejected, fast.refChosen, 0,
              fast.refRejected, 0, fast.references);
          return;
        }
        String text = JsonlBlocks.text(line, bytes, from, to);
        if (!text.isBlank()) {
          slowLine(line, text, keyText, parsed);
        }
      });
    } catch (RuntimeException e) {
      parsed.failure = e;
    }
    return parsed;
  }

  /** A line the fast pass did not take, through {@link JsonLine}, whose checks name the field. */
  private void slowLine(long line, String text, String[] keyText, Consumer consumer) {
    JsonLine f = JsonLine.parse(line, text);
    double chosen = Double.NaN;
    double rejected = Double.NaN;
    if (policyRequired || f.has(NUMBERS[0]) || f.has(NUMBERS[1])) {
      chosen = f.logProbability(NUMBERS[0]);
      rejected = f.logProbability(NUMBERS[1]);
    }
    double[] rc = f.logProbabilities(NUMBERS[2], -1, NUMBERS[2]);
    double[] rr = f.logProbabilities(NUMBERS[3], rc.length, NUMBERS[2]);
    for (int i = 0; i < keyText.length; i++) {
      keyText[i] = f.json(PairLine.KEYS[i]);
    }
    try {
      consumer.pair(line, keyText, -1, chosen, rejected, rc, 0, rr, 0, rc.length);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** One row group's columns, decoded. */
  private record Group(long firstRow, int rows, Utf8Column[] keys, double[] chosen,
      double[] rejected, DoubleLists rc, DoubleLists rr) {}

  /** The next row group's columns, or null after the last. */
  private Group decode(boolean policy) {
    if (!table.nextRowGroup()) {
      return null;
    }
    Utf8Column[] keys = new Utf8Column[PairLine.KEYS.length];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = table.isString(PairLine.KEYS[i]) ? table.utf8(PairLine.KEYS[i]) : null;
    }
    return new Group(table.firstRow(), table.groupRows(), keys,
        policy ? table.doubles(NUMBERS[0], false) : null,
        policy ? table.doubles(NUMBERS[1], false) : null,
        table.doubleLists(NUMBERS[2]), table.doubleLists(NUMBERS[3]));
  }

  /**
   * Row groups are decoded on a thread of their own, at most two ahead of the pairs being used,
   * so that reading the file and what the caller does with the pairs (scoring, writing) overlap.
   */
  private void readParquet(Consumer consumer) throws IOException {
    boolean policy = table.has(NUMBERS[0]);
    java.util.concurrent.BlockingQueue<Object> ahead =
        new java.util.concurrent.ArrayBlockingQueue<>(2);
    Object end = new Object();
    Thread decoder = new Thread(() -> {
      try {
        for (Group g = decode(policy); g != null; g = decode(policy)) {
          ahead.put(g);
        }
        ahead.put(end);
      } catch (InterruptedException stopped) {
        // the caller failed and stopped reading
      } catch (RuntimeException e) {
        try {
          ahead.put(e);
        } catch (InterruptedException stopped) {
          // as above
        }
      }
    }, "multiref-parquet-decoder");
    decoder.setDaemon(true);
    decoder.start();
    try {
      for (Object item = take(ahead); item != end; item = take(ahead)) {
        if (item instanceof RuntimeException e) {
          throw e;
        }
        pairs((Group) item, consumer);
      }
    } finally {
      decoder.interrupt();
      try {
        decoder.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Object take(java.util.concurrent.BlockingQueue<Object> queue) {
    try {
      return queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading", e);
    }
  }

  private static void pairs(Group g, Consumer consumer) throws IOException {
    Object[] keyText = g.keys().clone(); // the group's columns; each pair is its row in them
    DoubleLists rc = g.rc();
    DoubleLists rr = g.rr();
    boolean policy = g.chosen() != null;
    for (int p = 0; p < g.rows(); p++) {
      long row = g.firstRow() + p;
      int k = rc.length(p);
      if (k == 0) {
        throw InputException.at(row, NUMBERS[2], "an empty list; expected K >= 1 numbers");
      }
      if (rr.length(p) != k) {
        throw InputException.at(row, NUMBERS[3], "has " + rr.length(p) + " references but '"
            + NUMBERS[2] + "' has " + k);
      }
      if (policy) {
        checkLogProbability(row, NUMBERS[0], g.chosen()[p]);
        checkLogProbability(row, NUMBERS[1], g.rejected()[p]);
      }
      for (int i = 0; i < k; i++) {
        checkLogProbability(row, NUMBERS[2], rc.values()[rc.offsets()[p] + i]);
        checkLogProbability(row, NUMBERS[3], rr.values()[rr.offsets()[p] + i]);
      }
      consumer.pair(row, keyText, p, policy ? g.chosen()[p] : Double.NaN,
          policy ? g.rejected()[p] : Double.NaN, rc.values(), rc.offsets()[p], rr.values(),
          rr.offsets()[p], k);
    }
  }

  /** As JSONL's reader checks it: a finite number, at most the rounding slack above 0. */
  static void checkLogProbability(long row, String column, double v) {
    if (!(v <= JsonLine.LOG_PROBABILITY_SLACK && v > Double.NEGATIVE_INFINITY)) {
      throw InputException.at(row, column, v + "; expected a finite log-probability <= 0"
          + (v > 0 && v < Double.POSITIVE_INFINITY ? " (up to " + JsonLine.LOG_PROBABILITY_SLACK
              + " above 0 is taken as rounding)" : ""));
    }
  }

  /** Whether a consumer's key is there: not null, and not null in its Parquet row. */
  static boolean present(Object key, int keyRow) {
    return key != null && !(key instanceof Utf8Column c && c.isNull(keyRow));
  }

  /** A consumer's key (see {@link #present}) as JSON text, from JSONL or from Parquet. */
  static String json(Object key, int keyRow) {
    return key instanceof Utf8Column c ? JsonLine.quoted(c.string(keyRow)) : (String) key;
  }

  /** A consumer's key (see {@link #present}) into a Parquet string column. */
  static void write(ParquetTableWriter.Row row, int column, Object key, int keyRow) {
    if (key instanceof Utf8Column c) {
      row.utf8(column, c, keyRow); // Parquet to Parquet: the bytes as they were
    } else {
      row.string(column, plain((String) key));
    }
  }

  /** A JSON string's text; other JSON (a conversation's messages) stays JSON text. */
  static String plain(String json) {
    if (json.isEmpty() || json.charAt(0) != '"') {
      return json;
    }
    try {
      return JsonLine.MAPPER.readValue(json, String.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a key written by the reader is not JSON: " + json, e);
    }
  }

  @Override
  public void close() {
    if (table != null) {
      table.close();
    }
  }
}

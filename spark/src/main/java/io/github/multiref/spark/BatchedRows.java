package io.github.multiref.spark;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;

/**
 * A partition's output rows, made a batch at a time: {@link #nextBatch} takes up to a batch of
 * input rows (each one read into the batch's arrays, or refused), solves or scores them, and adds
 * the output rows to {@link #ready}; rows are handed out from there, so one batch is in memory.
 */
abstract class BatchedRows implements Iterator<Row> {

  final Iterator<Row> in;
  final ArrayDeque<Row> ready = new ArrayDeque<>();

  BatchedRows(Iterator<Row> in) {
    this.in = in;
  }

  /** Reads the next batch of input rows (at least one) and adds what they give to ready. */
  abstract void nextBatch();

  /**
   * Up to {@code batch} input rows into {@code rows}: each read into the batch's arrays at index
   * {@code rows.size()} by {@code read}, or, when it refuses one, handed to {@code refuse}.
   */
  final void fill(List<Row> rows, int batch, java.util.function.ObjIntConsumer<Row> read,
      java.util.function.BiConsumer<Row, String> refuse) {
    rows.clear();
    while (rows.size() < batch && in.hasNext()) {
      Row row = in.next();
      try {
        read.accept(row, rows.size());
        rows.add(row);
      } catch (IllegalArgumentException e) {
        refuse.accept(row, e.getMessage());
      }
    }
  }

  @Override
  public final boolean hasNext() {
    while (ready.isEmpty() && in.hasNext()) {
      nextBatch();
    }
    return !ready.isEmpty();
  }

  @Override
  public final Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.poll();
  }
}

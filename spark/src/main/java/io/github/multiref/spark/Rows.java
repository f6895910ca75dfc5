package io.github.multiref.spark;

import java.util.List;
import org.apache.spark.sql.Row;

/** Reading checked numbers out of a Spark row (columns cast to double on the driver). */
final class Rows {

  private Rows() {}

  /** A string column, null when the column is absent ({@code at < 0}) or the value is null. */
  static String string(Row row, int at) {
    return at < 0 || row.isNullAt(at) ? null : row.getString(at);
  }

  /** A list of doubles; a null list or element is refused naming the column. */
  static List<Object> list(Row row, int at, String column) {
    if (row.isNullAt(at)) {
      throw new IllegalArgumentException("column '" + column + "': null; expected a list");
    }
    return row.getList(at);
  }

  static double element(List<Object> list, int i, String column, String where) {
    Object v = list.get(i);
    if (v == null) {
      throw new IllegalArgumentException("column '" + column + "': " + where + "element " + i
          + " is null; expected a number");
    }
    return (Double) v;
  }

  /** A double column; null is refused naming the column. */
  static double number(Row row, int at, String column) {
    if (row.isNullAt(at)) {
      throw new IllegalArgumentException("column '" + column + "': null; expected a number");
    }
    return row.getDouble(at);
  }
}

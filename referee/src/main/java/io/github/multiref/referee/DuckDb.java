package io.github.multiref.referee;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The referee of every Parquet test: DuckDB in this process, through its JDBC driver, an engine
 * that shares no code with parquet-java. The tests of {@code io} and {@code cli} use it (test
 * scope).
 */
public final class DuckDb implements AutoCloseable {

  private final Connection connection;

  public DuckDb() throws SQLException {
    connection = DriverManager.getConnection("jdbc:duckdb:");
  }

  /** Runs statements (COPY ... TO, CREATE ...). */
  public void sql(String... statements) throws SQLException {
    try (Statement s = connection.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  /** The first column of a query as doubles, null where SQL has NULL. */
  public List<Double> doubles(String query) throws SQLException {
    List<Double> out = new ArrayList<>();
    try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(query)) {
      while (r.next()) {
        double v = r.getDouble(1);
        out.add(r.wasNull() ? null : v);
      }
    }
    return out;
  }

  /** The first column of a query as strings. */
  public List<String> strings(String query) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(query)) {
      while (r.next()) {
        out.add(r.getString(1));
      }
    }
    return out;
  }

  /** The first column of a query, a list of numbers, as double arrays (null for NULL). */
  public List<double[]> lists(String query) throws SQLException {
    List<double[]> out = new ArrayList<>();
    try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(query)) {
      while (r.next()) {
        Array a = r.getArray(1);
        if (a == null) {
          out.add(null);
          continue;
        }
        Object[] values = (Object[]) a.getArray();
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
          d[i] = ((Number) values[i]).doubleValue();
        }
        out.add(d);
      }
    }
    return out;
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}

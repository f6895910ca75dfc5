package io.github.multiref.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The benchmark scripts' SQL shell: runs each argument as one DuckDB statement (through the JDBC
 * driver, in this process) and prints the rows of those that return any, columns separated by
 * {@code " | "}. The scripts make their input files and compare outputs with it.
 */
public final class DuckDbSql {

  private DuckDbSql() {}

  public static void main(String[] statements) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      for (String sql : statements) {
        if (s.execute(sql)) {
          try (ResultSet r = s.getResultSet()) {
            int n = r.getMetaData().getColumnCount();
            while (r.next()) {
              StringBuilder b = new StringBuilder();
              for (int i = 1; i <= n; i++) {
                b.append(i > 1 ? " | " : "").append(r.getString(i));
              }
              System.out.println(b);
            }
          }
        }
      }
    }
  }
}

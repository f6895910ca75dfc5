package io.github.multiref.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * The anchor of the JSONL and Parquet DPO benchmarks: DuckDB (through its JDBC driver, in this
 * process) computes the reverse-KL sigmoid DPO loss, logit, gradients and implicit rewards of
 * every pair of a file in SQL, with fixed uniform weights, and writes them in the same format, as
 * a user would without multiref. The format of both files follows their names ({@code .jsonl} or
 * {@code .parquet}).
 *
 * <pre>DuckDbDpoScore INPUT OUTPUT BETA K [THREADS]</pre>
 */
public final class DuckDbDpoScore {

  private DuckDbDpoScore() {}

  /** The SQL for one file, exposed for the benchmark script's record. */
  static String sql(String input, String output, double beta, int k) {
    String read = input.endsWith(".parquet") ? "read_parquet('" + input + "')"
        : "read_json('" + input + "', format = 'newline_delimited')";
    String format = output.endsWith(".parquet") ? "parquet" : "json";
    String w = String.format(Locale.ROOT, "%.17g", 1.0 / k);
    String b = String.format(Locale.ROOT, "%.17g", beta);
    return "COPY (WITH s AS (SELECT prompt, chosen, rejected,"
        + " " + b + " * (chosen_logps - " + w + " * list_sum(ref_chosen_logps)) AS chosen_reward,"
        + " " + b + " * (rejected_logps - " + w + " * list_sum(ref_rejected_logps)) AS rejected_reward"
        + " FROM " + read + "),"
        + " z AS (SELECT *, chosen_reward - rejected_reward AS logit FROM s)"
        + " SELECT prompt, chosen, rejected,"
        + " greatest(-logit, 0) + ln(1 + exp(-abs(logit))) AS loss, logit,"
        + " -" + b + " / (1 + exp(logit)) AS grad_chosen,"
        + " " + b + " / (1 + exp(logit)) AS grad_rejected,"
        + " chosen_reward, rejected_reward FROM z)"
        + " TO '" + output + "' (FORMAT " + format + ")";
  }

  /** Runs the query and prints the seconds it took. */
  public static void main(String[] args) throws SQLException {
    String input = args[0];
    String output = args[1];
    double beta = Double.parseDouble(args[2]);
    int k = Integer.parseInt(args[3]);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      if (args.length > 4) {
        s.execute("SET threads = " + Integer.parseInt(args[4]));
      }
      long start = System.nanoTime();
      s.execute(sql(input, output, beta, k));
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(Locale.ROOT, "duckdb: %.3f s%n", seconds);
    }
  }
}

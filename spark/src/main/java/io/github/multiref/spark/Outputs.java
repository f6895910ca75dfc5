package io.github.multiref.spark;

import java.io.IOException;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A job's output directory (and quarantine directory) written whole or not at all, and counted:
 * rows read, written and refused must add up, or the job fails before anything is committed.
 */
final class Outputs {

  private Outputs() {}

  static SparkMain.Summary write(SparkSession spark, Dataset<Row> in, SparkMain.TableOptions t,
      Supplier<Dataset<Row>> plain, Supplier<MultirefSpark.Split> quarantining)
      throws IOException {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    AtomicDirectory out = AtomicDirectory.of(t.output, conf);
    AtomicDirectory bad = t.badRows == null ? null : AtomicDirectory.of(t.badRows, conf);
    try {
      long read = in.count();
      long written;
      long refused = 0;
      if (bad == null) {
        plain.get().write().parquet(out.temporary());
        written = count(spark, out);
      } else {
        MultirefSpark.Split split = quarantining.get();
        try {
          split.output().write().parquet(out.temporary());
          split.badRows().write().parquet(bad.temporary());
        } finally {
          split.unpersist();
        }
        written = count(spark, out);
        refused = count(spark, bad);
      }
      if (written + refused != read) {
        throw new IllegalStateException("read " + read + " rows but wrote " + written
            + (bad == null ? "" : " and refused " + refused) + "; nothing was committed");
      }
      if (read == 0) {
        throw new IllegalArgumentException(t.input + " holds no rows");
      }
      out.commit();
      if (bad != null) {
        bad.commit();
      }
      return new SparkMain.Summary(read, written, refused, t.output, t.badRows);
    } catch (Exception e) { // SparkException too: Scala throws it undeclared
      settle(spark);
      out.abandon();
      if (bad != null) {
        bad.abandon();
      }
      throw e;
    }
  }

  /** The rows written to a temporary directory. */
  private static long count(SparkSession spark, AtomicDirectory d) {
    return spark.read().parquet(d.temporaryToRead()).count();
  }

  /**
   * After a failed job, waits (up to a minute) for its other tasks to stop: a job's failure is
   * reported while tasks it cancelled may still be writing into the temporary directory.
   */
  static void settle(SparkSession spark) {
    spark.sparkContext().cancelAllJobs();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (spark.sparkContext().statusTracker().getActiveStageIds().length > 0
        && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}

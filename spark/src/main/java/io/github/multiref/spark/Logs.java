package io.github.multiref.spark;

/**
 * Spark's logs at WARN when a job runs in this JVM (not under spark-submit, whose log
 * configuration is the cluster's): Log4j 2 reads the configuration in this jar instead of Spark's
 * INFO defaults, unless the user named one.
 */
final class Logs {

  static final String CONFIGURATION = "multiref-spark-log4j2.properties";

  private Logs() {}

  static void quiet() {
    if (System.getProperty("spark.master") == null
        && System.getProperty("log4j2.configurationFile") == null
        && System.getProperty("log4j.configurationFile") == null) {
      System.setProperty("log4j2.configurationFile", CONFIGURATION);
    }
  }
}

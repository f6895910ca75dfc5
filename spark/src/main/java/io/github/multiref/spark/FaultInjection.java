package io.github.multiref.spark;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/**
 * A test-only hook for the fault tests, off unless asked for by the job's local property or the
 * Spark setting {@value #PROPERTY}: {@code first-attempt} fails every task's first attempt (Spark
 * retries it); {@code always:P} fails partition P on every attempt (the job fails midway); {@code
 * slow:MS} makes every task sleep that long first (so that a test can kill the job midway).
 */
final class FaultInjection {

  static final String PROPERTY = "spark.multiref.test.fault";

  private FaultInjection() {}

  static void beforePartition() {
    TaskContext task = TaskContext.get();
    if (task == null) {
      return;
    }
    String fault = task.getLocalProperty(PROPERTY);
    if (fault == null && SparkEnv.get() != null) {
      fault = SparkEnv.get().conf().get(PROPERTY, null);
    }
    if (fault == null) {
      return;
    }
    if (fault.equals("first-attempt") && task.attemptNumber() == 0) {
      throw new IllegalStateException("injected fault: first attempt of partition "
          + task.partitionId());
    }
    if (fault.startsWith("always:")
        && Integer.parseInt(fault.substring("always:".length())) == task.partitionId()) {
      throw new IllegalStateException("injected fault: partition " + task.partitionId());
    }
    if (fault.startsWith("slow:")) {
      try {
        Thread.sleep(Long.parseLong(fault.substring("slow:".length())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}

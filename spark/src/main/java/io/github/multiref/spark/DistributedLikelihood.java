package io.github.multiref.spark;

import io.github.multiref.api.PreferenceModel;
import io.github.multiref.rewards.RewardLearning;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;

/**
 * The negative log-likelihood of linear rewards over pairs held as difference features {@code
 * phi(chosen) - phi(rejected)} in a cluster's partitions: each partition sums its pairs (the link
 * evaluated in chunks, as in one JVM) into {@code [value, gradient...]}, and the partitions' sums
 * are added by {@code treeReduce}. Only theta goes out and {@code d + 1} numbers per partition
 * come back.
 */
final class DistributedLikelihood implements RewardLearning.LinearLikelihood {

  private static final int CHUNK = 4096;

  private final JavaRDD<double[]> differences;
  private final int d;
  private final RewardSpec spec;

  DistributedLikelihood(JavaRDD<double[]> differences, int d, RewardSpec spec) {
    this.differences = differences;
    this.d = d;
    this.spec = spec;
  }

  @Override
  public double negativeLogLikelihood(double[] theta, double[] gradient) {
    double[] sums = differences.mapPartitions(new PartitionSums(theta.clone(), d, spec))
        .treeReduce(DistributedLikelihood::add);
    System.arraycopy(sums, 1, gradient, 0, d);
    return sums[0];
  }

  /** Whether theta orders every pair as observed, with a positive margin (separable data). */
  boolean ordersEveryPair(double[] theta) {
    double[] t = theta.clone();
    return differences.filter(v -> !(dot(t, v) > 0)).isEmpty();
  }

  private static double[] add(double[] a, double[] b) {
    double[] out = a.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] += b[i];
    }
    return out;
  }

  static double dot(double[] theta, double[] v) {
    double s = 0;
    for (int k = 0; k < theta.length; k++) {
      s += theta[k] * v[k];
    }
    return s;
  }

  /** One partition's {@code [-log L, -grad log L]}. */
  private static final class PartitionSums implements FlatMapFunction<Iterator<double[]>, double[]> {
    private static final long serialVersionUID = 1L;
    private final double[] theta;
    private final int d;
    private final RewardSpec spec;

    PartitionSums(double[] theta, int d, RewardSpec spec) {
      this.theta = theta;
      this.d = d;
      this.spec = spec;
    }

    @Override
    public Iterator<double[]> call(Iterator<double[]> rows) {
      PreferenceModel model = Components.registries(spec.pluginDirs()).preferenceModels()
          .create(spec.model());
      double[] sums = new double[d + 1];
      double[][] chunk = new double[CHUNK][];
      double[] t = new double[CHUNK];
      double[] logLink = new double[CHUNK];
      double[] slope = new double[CHUNK];
      int n = 0;
      while (true) {
        boolean more = rows.hasNext();
        if (more) {
          chunk[n] = rows.next();
          t[n] = dot(theta, chunk[n]);
          n++;
        }
        if (n == CHUNK || (!more && n > 0)) {
          model.logLinkBatch(t, logLink, slope, n);
          for (int i = 0; i < n; i++) {
            sums[0] -= logLink[i];
            for (int k = 0; k < d; k++) {
              sums[1 + k] -= slope[i] * chunk[i][k];
            }
          }
          n = 0;
        }
        if (!more) {
          return List.of(sums).iterator();
        }
      }
    }
  }
}

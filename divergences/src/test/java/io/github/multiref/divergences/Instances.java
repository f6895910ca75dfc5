package io.github.multiref.divergences;

import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.ReferenceSet;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Random distributions and reference sets for tests, reproducible from a seed. */
final class Instances {

  private Instances() {}

  /**
   * A distribution over n responses with Gaussian logits of the given scale; each response has no
   * mass with probability {@code zeroFraction} (at least one keeps mass).
   */
  static LogDistribution distribution(SplittableRandom rng, int n, double scale,
      double zeroFraction) {
    double[] w = new double[n];
    int keep = rng.nextInt(n);
    for (int y = 0; y < n; y++) {
      w[y] = y != keep && rng.nextDouble() < zeroFraction
          ? Double.NEGATIVE_INFINITY
          : scale * gaussian(rng);
    }
    return LogDistribution.normalize(w);
  }

  /** Weights on the simplex; each is zero with probability {@code zeroFraction} (one stays). */
  static double[] weights(SplittableRandom rng, int k, double zeroFraction) {
    double[] a = new double[k];
    int keep = rng.nextInt(k);
    double sum = 0;
    for (int i = 0; i < k; i++) {
      a[i] = i != keep && rng.nextDouble() < zeroFraction ? 0.0 : rng.nextDouble() + 1e-3;
      sum += a[i];
    }
    for (int i = 0; i < k; i++) {
      a[i] /= sum;
    }
    return a;
  }

  /** K references over n responses with full support. */
  static ReferenceSet references(SplittableRandom rng, int k, int n, double scale) {
    List<LogDistribution> refs = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      refs.add(distribution(rng, n, scale, 0.0));
    }
    return ReferenceSet.of("seeded", refs, weights(rng, k, 0.0));
  }

  static double gaussian(SplittableRandom rng) {
    double u = rng.nextDouble();
    double v = rng.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v);
  }
}

package io.github.multiref.solvers;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Random problems for tests, reproducible from a seed. */
final class Problems {

  private Problems() {}

  /**
   * K references over n responses (logits Gaussian with the given temperature; each entry has no
   * mass with probability zeroFraction, one response always keeps mass in every reference),
   * random weights, rewards uniform in [0, rMax].
   */
  static RegularizedProblem random(SplittableRandom rng, Divergence f, int k, int n, double beta,
      double rMax, double temperature, double zeroFraction) {
    int common = rng.nextInt(n);
    List<LogDistribution> refs = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      double[] w = new double[n];
      for (int y = 0; y < n; y++) {
        w[y] = y != common && rng.nextDouble() < zeroFraction ? Double.NEGATIVE_INFINITY
            : temperature * gaussian(rng);
      }
      refs.add(LogDistribution.normalize(w));
    }
    double[] alpha = new double[k];
    double sum = 0;
    for (int i = 0; i < k; i++) {
      alpha[i] = 0.05 + rng.nextDouble();
      sum += alpha[i];
    }
    for (int i = 0; i < k; i++) {
      alpha[i] /= sum;
    }
    double[] r = new double[n];
    for (int y = 0; y < n; y++) {
      r[y] = rMax * rng.nextDouble();
    }
    return RegularizedProblem.of(ReferenceSet.of("random", refs, alpha), r, beta, f);
  }

  /** beta log-uniform in [1e-3, 1e3]. */
  static double beta(SplittableRandom rng) {
    return Math.pow(10, -3 + 6 * rng.nextDouble());
  }

  static double gaussian(SplittableRandom rng) {
    return Math.sqrt(-2 * Math.log1p(-rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
  }

  /** The same problem with another divergence. */
  static RegularizedProblem with(RegularizedProblem p, Divergence f) {
    return RegularizedProblem.of(p.references(), p.rewards(), p.beta(), f);
  }
}

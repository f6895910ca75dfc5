package io.github.multiref.rewards;

import io.github.multiref.api.PreferenceModel;
import io.github.multiref.api.internal.ArrayKernels;

/**
 * {@code -sum_i log P(ranking_i | theta . phi) + (l2/2) ||theta||^2} and its gradient. Pairs take a
 * fast path on the difference features {@code phi_w - phi_l} (the log-likelihood depends on theta
 * only through {@code t = theta . (phi_w - phi_l)}), processed in fixed chunks in parallel and
 * summed in a fixed order, so results do not depend on the thread count.
 */
final class LinearObjective implements RewardLearning.LinearLikelihood {

  private static final int CHUNK = 4096;

  private final PreferenceData data;
  private final PreferenceModel model;
  private final double[][][] features;
  private final int dimension;
  private final boolean pairs;
  private final double[] differences; // row-major, one row per pair

  LinearObjective(PreferenceData data, PreferenceModel model, double[][][] features,
      int dimension) {
    this.data = data;
    this.model = model;
    this.features = features;
    this.dimension = dimension;
    boolean allPairs = true;
    for (int i = 0; i < data.size() && allPairs; i++) {
      allPairs = data.rankingLength(i) == 2;
    }
    this.pairs = allPairs;
    if (allPairs) {
      differences = new double[data.size() * dimension];
      for (int i = 0; i < data.size(); i++) {
        double[] w = features[data.prompt(i)][data.ranked(i, 0)];
        double[] l = features[data.prompt(i)][data.ranked(i, 1)];
        for (int k = 0; k < dimension; k++) {
          differences[i * dimension + k] = w[k] - l[k];
        }
      }
    } else {
      differences = null;
    }
  }

  /** A linear objective over precomputed difference features of pairs (for benchmarks). */
  static LinearObjective ofDifferences(PreferenceModel model, double[] differences,
      int dimension) {
    return new LinearObjective(model, differences, dimension);
  }

  private LinearObjective(PreferenceModel model, double[] differences, int dimension) {
    this.data = null;
    this.model = model;
    this.features = null;
    this.dimension = dimension;
    this.pairs = true;
    this.differences = differences;
  }

  int dimension() {
    return dimension;
  }

  /** The negative log-likelihood at theta, gradient (of it) into g; no penalty. */
  @Override
  public double negativeLogLikelihood(double[] theta, double[] g) {
    java.util.Arrays.fill(g, 0.0);
    if (pairs) {
      return pairwise(theta, g);
    }
    double total = 0;
    for (int i = 0; i < data.size(); i++) {
      int x = data.prompt(i);
      int m = data.rankingLength(i);
      double[] r = new double[m];
      for (int j = 0; j < m; j++) {
        r[j] = ArrayKernels.dot(theta, features[x][data.ranked(i, j)], dimension);
      }
      total -= model.logLikelihood(r);
      double[] gr = new double[m];
      model.logLikelihoodGradient(r, gr);
      for (int j = 0; j < m; j++) {
        double[] f = features[x][data.ranked(i, j)];
        for (int k = 0; k < dimension; k++) {
          g[k] -= gr[j] * f[k];
        }
      }
    }
    return total;
  }

  private double pairwise(double[] theta, double[] g) {
    int n = differences.length / dimension;
    int chunks = (n + CHUNK - 1) / CHUNK;
    double[] values = new double[chunks];
    double[][] grads = new double[chunks][dimension];
    java.util.stream.IntStream.range(0, chunks).parallel().forEach(c -> {
      int from = c * CHUNK;
      int rows = Math.min(n, from + CHUNK) - from;
      double[] t = new double[rows];
      for (int i = 0; i < rows; i++) {
        t[i] = ArrayKernels.dotAt(theta, differences, (from + i) * dimension, dimension);
      }
      double[] logLink = new double[rows];
      double[] slope = new double[rows];
      model.logLinkBatch(t, logLink, slope, rows);
      double value = 0;
      double[] gc = grads[c];
      for (int i = 0; i < rows; i++) {
        value -= logLink[i];
        ArrayKernels.addScaledAt(-slope[i], differences, (from + i) * dimension, gc, dimension);
      }
      values[c] = value;
    });
    double total = 0;
    for (int c = 0; c < chunks; c++) {
      total += values[c];
      for (int k = 0; k < dimension; k++) {
        g[k] += grads[c][k];
      }
    }
    return total;
  }

  /** Minimizes with ridge l2, then, if {@code ||theta|| > bound}, with the smallest extra ridge. */
  static RewardLearning.LinearFit fitWithBound(LinearObjective objective, double l2,
      double bound, Lbfgs optimizer) {
    return fitWithBound(objective, objective.dimension(), l2, bound, optimizer);
  }

  /** {@link #fitWithBound(LinearObjective, double, double, Lbfgs)} for any likelihood. */
  static RewardLearning.LinearFit fitWithBound(RewardLearning.LinearLikelihood objective, int d,
      double l2, double bound, Lbfgs optimizer) {
    int[] iterations = {0};
    double[] start = new double[d];
    Lbfgs.Result result = solve(objective, l2, optimizer, start, iterations);
    double[] theta = result.x();
    if (norm(theta) > bound) {
      // ||theta(mu)|| decreases in the extra ridge mu: bracket, then bisect to ||theta|| = B
      double lo = 0;
      double hi = Math.max(1e-8, l2);
      Lbfgs.Result atHi = solve(objective, l2 + hi, optimizer, theta, iterations);
      while (norm(atHi.x()) > bound) {
        lo = hi;
        hi *= 4;
        atHi = solve(objective, l2 + hi, optimizer, atHi.x(), iterations);
      }
      Lbfgs.Result best = atHi;
      for (int it = 0; it < 60 && hi - lo > 1e-12 * hi; it++) {
        double mid = 0.5 * (lo + hi);
        Lbfgs.Result r = solve(objective, l2 + mid, optimizer, best.x(), iterations);
        if (norm(r.x()) > bound) {
          lo = mid;
        } else {
          hi = mid;
          best = r;
        }
      }
      theta = best.x();
    }
    double[] g = new double[d];
    double ll = -objective.negativeLogLikelihood(theta, g);
    return new RewardLearning.LinearFit(theta, ll, iterations[0]);
  }

  private static Lbfgs.Result solve(RewardLearning.LinearLikelihood objective, double ridge, Lbfgs optimizer,
      double[] start, int[] iterations) {
    Lbfgs.Result r = optimizer.minimize((theta, g) -> {
      double value = objective.negativeLogLikelihood(theta, g);
      for (int k = 0; k < theta.length; k++) {
        value += 0.5 * ridge * theta[k] * theta[k];
        g[k] += ridge * theta[k];
      }
      return value;
    }, start);
    iterations[0] += r.iterations();
    return r;
  }

  private static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }
}

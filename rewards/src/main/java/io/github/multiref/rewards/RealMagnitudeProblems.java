package io.github.multiref.rewards;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Stability;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random single-prompt problems shaped like language-model outputs, for tests of solvers and
 * divergences (the contract kit draws its real-magnitude instances here):
 *
 * <ul>
 *   <li>raw sequence log-probabilities in {@code [-400, -50]}, one problem in five in {@code
 *       [-1e4, -9e3]} (long sequences);
 *   <li>responses spread over 5 to 1000 nats (log-uniform), and references that disagree at each
 *       response by Gaussian noise of 1, 30 or 100 nats (at most the spread);
 *   <li>in three problems of ten, some responses without mass in some references (never the one
 *       response every reference covers, so every divergence has a feasible policy);
 *   <li>weights on the simplex (one of them 0 a fifth of the time), rewards uniform in {@code [0,
 *       1]} or {@code [0, 10]}, beta log-uniform in {@code [1e-3, 10]}.
 * </ul>
 *
 * Each reference is renormalized over the candidates, as {@code multiref solve} does, so the
 * log-probabilities a solver sees reach down to minus the spread plus the disagreement (about
 * -1000 at most). Everything is drawn from the generator the caller passes in.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class RealMagnitudeProblems {

  private static final double[] DISAGREEMENTS = {1.0, 30.0, 100.0};

  private RealMagnitudeProblems() {}

  /**
   * A problem with K in 1..8 and, nine times in ten, 2 to 64 responses, else 256 to 1024.
   */
  public static RegularizedProblem draw(SplittableRandom rng, Divergence divergence) {
    int k = 1 + rng.nextInt(8);
    int n = rng.nextDouble() < 0.9 ? 2 + rng.nextInt(63) : 256 + rng.nextInt(769);
    return draw(rng, divergence, k, n);
  }

  /** A problem with {@code k >= 1} references over {@code n >= 1} responses. */
  public static RegularizedProblem draw(SplittableRandom rng, Divergence divergence, int k,
      int n) {
    if (k < 1 || n < 1) {
      throw new IllegalArgumentException("need k >= 1 and n >= 1, got " + k + " and " + n);
    }
    double spread = Math.exp(rng.nextDouble(Math.log(5), Math.log(1000)));
    double disagreement = Math.min(spread, DISAGREEMENTS[rng.nextInt(DISAGREEMENTS.length)]);
    double offset = rng.nextDouble() < 0.2 ? rng.nextDouble(-1e4, -9e3) : rng.nextDouble(-400, -50);
    boolean zeros = rng.nextDouble() < 0.3;
    double[] base = new double[n];
    for (int y = 0; y < n; y++) {
      base[y] = offset - spread * rng.nextDouble();
    }
    int common = rng.nextInt(n);
    List<LogDistribution> refs = new ArrayList<>(k);
    for (int i = 0; i < k; i++) {
      double[] raw = new double[n];
      for (int y = 0; y < n; y++) {
        raw[y] = zeros && y != common && rng.nextDouble() < 0.15 ? Double.NEGATIVE_INFINITY
            : base[y] + disagreement * SyntheticBandit.gaussian(rng);
      }
      refs.add(LogDistribution.normalize(raw));
    }
    double rMax = rng.nextBoolean() ? 1.0 : 10.0;
    double[] reward = new double[n];
    for (int y = 0; y < n; y++) {
      reward[y] = rMax * rng.nextDouble();
    }
    double beta = Math.exp(rng.nextDouble(Math.log(1e-3), Math.log(10)));
    return RegularizedProblem.of(ReferenceSet.of("real-magnitude", refs, weights(rng, k)), reward,
        beta, divergence);
  }

  /** Weights on the simplex; for k >= 2, one of them is 0 a fifth of the time. */
  public static double[] weights(SplittableRandom rng, int k) {
    double[] w = new double[k];
    double sum = 0;
    for (int i = 0; i < k; i++) {
      w[i] = -Math.log(1 - rng.nextDouble());
      sum += w[i];
    }
    if (k >= 2 && rng.nextDouble() < 0.2) {
      int zero = rng.nextInt(k);
      sum -= w[zero];
      w[zero] = 0;
    }
    for (int i = 0; i < k; i++) {
      w[i] /= sum;
    }
    return w;
  }
}

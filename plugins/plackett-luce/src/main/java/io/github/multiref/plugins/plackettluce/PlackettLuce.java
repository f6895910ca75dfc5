package io.github.multiref.plugins.plackettluce;

import io.github.multiref.api.LogMath;
import io.github.multiref.api.PreferenceModel;
import io.github.multiref.api.Stability;
import java.util.random.RandomGenerator;

/**
 * Plackett-Luce: a ranking of m responses is drawn by picking the best with probability {@code
 * softmax(r)}, then the next among the rest, and so on:
 * {@code log P(ranking) = sum_{j < m-1} (r_j - logsumexp_{k >= j} r_k)} with rewards best first.
 * For two responses it is Bradley-Terry: {@code link(t) = sigmoid(t)}.
 *
 * <p>Concave in the rewards, so reward learning by maximum likelihood is well posed; the sampler
 * adds Gumbel noise to the rewards and sorts, which draws exactly from this model.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class PlackettLuce implements PreferenceModel {

  /** The single instance. */
  public static final PlackettLuce INSTANCE = new PlackettLuce();

  private PlackettLuce() {}

  @Override
  public double link(double t) {
    return LogMath.logistic(t);
  }

  @Override
  public double logLink(double t) {
    return -LogMath.log1pExp(-t);
  }

  @Override
  public double linkDerivative(double t) {
    return link(t) * link(-t);
  }

  @Override
  public double logLinkDerivative(double t) {
    return link(-t);
  }

  @Override
  public int maxRankingLength() {
    return Integer.MAX_VALUE;
  }

  @Override
  public double logLikelihood(double[] rewardsBestFirst) {
    checkRankingLength(rewardsBestFirst.length);
    // r_j - logsumexp_{k >= j} r_k = -log(1 + exp(logsumexp_{k > j} r_k - r_j)): no cancellation
    // when r_j dominates
    double total = 0.0;
    double[] tails = tails(rewardsBestFirst);
    for (int j = 0; j < rewardsBestFirst.length - 1; j++) {
      total -= LogMath.log1pExp(tails[j + 1] - rewardsBestFirst[j]);
    }
    return total;
  }

  /**
   * {@code d/dr_i log P = [i < m-1] - sum_{j <= min(i, m-2)} exp(r_i - logsumexp_{k >= j} r_k)}.
   */
  @Override
  public void logLikelihoodGradient(double[] rewardsBestFirst, double[] out) {
    checkRankingLength(rewardsBestFirst.length);
    int m = rewardsBestFirst.length;
    double[] tails = tails(rewardsBestFirst);
    for (int i = 0; i < m; i++) {
      double g = i < m - 1 ? 1.0 : 0.0;
      for (int j = 0; j <= Math.min(i, m - 2); j++) {
        g -= Math.exp(rewardsBestFirst[i] - tails[j]);
      }
      out[i] = g;
    }
  }

  /** Gumbel-max: sorting {@code r_i + G_i} (G standard Gumbel) descending draws a ranking. */
  @Override
  public int[] sampleRanking(double[] rewards, RandomGenerator random) {
    checkRankingLength(rewards.length);
    int m = rewards.length;
    double[] key = new double[m];
    Integer[] order = new Integer[m];
    for (int i = 0; i < m; i++) {
      key[i] = rewards[i] - Math.log(-Math.log(1.0 - random.nextDouble()));
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Double.compare(key[b], key[a]));
    int[] out = new int[m];
    for (int i = 0; i < m; i++) {
      out[i] = order[i];
    }
    return out;
  }

  /** {@code tails[j] = logsumexp_{k >= j} r_k}. */
  private static double[] tails(double[] r) {
    double[] tails = new double[r.length];
    double acc = Double.NEGATIVE_INFINITY;
    for (int j = r.length - 1; j >= 0; j--) {
      acc = LogMath.logAddExp(acc, r[j]);
      tails[j] = acc;
    }
    return tails;
  }

  @Override
  public String toString() {
    return "plackett-luce";
  }
}

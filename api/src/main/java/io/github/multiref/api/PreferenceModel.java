package io.github.multiref.api;

import java.util.random.RandomGenerator;

/**
 * A preference model: {@code P(y1 preferred to y2 | x) = link(r(x,y1) - r(x,y2))} for pairs, and,
 * for models that rank more than two responses (Plackett-Luce), the probability of a whole ranking.
 *
 * <p>Contract: {@code link} is increasing with {@code link(-t) = 1 - link(t)}, so {@code link(0) =
 * 1/2}; {@link #logLink(double)} is finite for every finite gap whose true value is a double
 * (no {@code log(0)}; a Gaussian link's {@code -t^2/2} leaves the double range only beyond
 * 1e154); the log-likelihood of a ranking is concave in the rewards (reward learning relies on it).
 * Implementations are final, immutable and thread-safe; randomness is always passed in.
 *
 * <p>Reward learners use only {@link #logLikelihood(double[])} and {@link
 * #logLikelihoodGradient(double[], double[])}, so a plugin model is learned from without the core
 * knowing it.
 */
@Stability(Stability.Status.STABLE)
public interface PreferenceModel {

  /** {@code link(t)}, the probability that the response with the larger reward by t wins. */
  double link(double t);

  /** {@code log link(t)}, finite for every finite t. */
  double logLink(double t);

  /** {@code link'(t) > 0}. */
  double linkDerivative(double t);

  /**
   * {@code d/dt log link(t) = link'(t) / link(t)}, evaluated without cancellation or overflow, as
   * reward learning needs it for any gap.
   */
  double logLinkDerivative(double t);

  /**
   * {@link #logLink(double)} and {@link #logLinkDerivative(double)} over {@code t[0..n)}; models
   * override it with a vectorized kernel where one exists.
   */
  default void logLinkBatch(double[] t, double[] logLink, double[] derivative, int n) {
    for (int i = 0; i < n; i++) {
      logLink[i] = logLink(t[i]);
      derivative[i] = logLinkDerivative(t[i]);
    }
  }

  /**
   * {@code kappa(R_max) = 1 / min_{|t| <= R_max} link'(t)}: converts label-probability errors into
   * reward-difference errors in the sample-complexity bounds.
   *
   * <p>The default assumes the slope decreases in |t| (true for Bradley-Terry and Thurstone), so the
   * minimum is at {@code |t| = R_max}; override it otherwise.
   *
   * @throws IllegalArgumentException unless {@code rMax >= 0} and finite
   */
  default double kappa(double rMax) {
    if (!(rMax >= 0.0 && rMax < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("rMax must be finite and >= 0, got " + rMax);
    }
    return 1.0 / linkDerivative(rMax);
  }

  /**
   * Draws one label: {@code true} when the first response wins, with probability {@code link(t)}.
   */
  default boolean sample(double t, RandomGenerator random) {
    return random.nextDouble() < link(t);
  }

  /** The longest ranking the model assigns a probability to: 2 for pairwise models. */
  default int maxRankingLength() {
    return 2;
  }

  /**
   * The log-probability of observing responses ranked best first, given their rewards in that
   * order. For pairwise models this is {@code logLink(r[0] - r[1])}.
   *
   * @throws IllegalArgumentException for fewer than 2 responses, or more than {@link
   *     #maxRankingLength()}
   */
  default double logLikelihood(double[] rewardsBestFirst) {
    checkRankingLength(rewardsBestFirst.length);
    return logLink(rewardsBestFirst[0] - rewardsBestFirst[1]);
  }

  /**
   * The gradient of {@link #logLikelihood(double[])} with respect to each reward, into {@code
   * out} (same length). For pairwise models {@code (d, -d)} with {@code d = logLinkDerivative(r[0]
   * - r[1])}.
   */
  default void logLikelihoodGradient(double[] rewardsBestFirst, double[] out) {
    checkRankingLength(rewardsBestFirst.length);
    double d = logLinkDerivative(rewardsBestFirst[0] - rewardsBestFirst[1]);
    out[0] = d;
    out[1] = -d;
  }

  /**
   * Draws a ranking of responses with the given rewards: their indices, best first. For pairwise
   * models two responses, ordered by {@link #sample(double, RandomGenerator)}.
   */
  default int[] sampleRanking(double[] rewards, RandomGenerator random) {
    checkRankingLength(rewards.length);
    return sample(rewards[0] - rewards[1], random) ? new int[] {0, 1} : new int[] {1, 0};
  }

  /** Refuses ranking lengths outside {@code [2, maxRankingLength()]}. */
  default void checkRankingLength(int length) {
    if (length < 2 || length > maxRankingLength()) {
      throw new IllegalArgumentException("this model ranks 2 to " + maxRankingLength()
          + " responses, got " + length);
    }
  }
}

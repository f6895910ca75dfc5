package io.github.multiref.api;

import java.util.random.RandomGenerator;

/**
 * A pairwise preference model: {@code P(y1 preferred to y2 | x) = link(r(x,y1) - r(x,y2))}.
 *
 * <p>Contract: {@code link} is increasing with {@code link(-t) = 1 - link(t)}, so {@code link(0) =
 * 1/2}; {@link #logLink(double)} is finite for every finite gap (no {@code log(0)}). Implementations
 * are final, immutable and thread-safe; randomness is always passed in.
 */
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
}

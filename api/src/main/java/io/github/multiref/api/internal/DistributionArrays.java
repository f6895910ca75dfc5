package io.github.multiref.api.internal;

import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.Stability;

/**
 * The arrays inside a {@link LogDistribution}, for the project's hot loops: the escort of the
 * reverse-KL solver reads every reference once without copying it. Not part of the public API
 * (the package is exported to the project's own modules only); the arrays must not be written.
 *
 * <p>{@code LogDistribution} hands its arrays over through {@link Access}, which its class
 * initializer installs: every call here has a distribution in hand, so the access is in place.
 */
@Stability(Stability.Status.INTERNAL)
public final class DistributionArrays {

  /** How a distribution's arrays are reached; implemented inside {@code LogDistribution}. */
  @Stability(Stability.Status.INTERNAL)
  public interface Access {
    /** The log-probabilities, not copied. */
    double[] logProbs(LogDistribution d);

    /** The probabilities, not copied. */
    double[] probs(LogDistribution d);
  }

  private static volatile Access access;

  private DistributionArrays() {}

  /**
   * Called once, by {@code LogDistribution}'s class initializer.
   *
   * @throws IllegalStateException on any later call
   */
  public static synchronized void install(Access a) {
    if (access != null || a == null) {
      throw new IllegalStateException("the access to LogDistribution's arrays is installed");
    }
    access = a;
  }

  /** The log-probabilities of d, not copied: read them, never write them. */
  public static double[] logProbs(LogDistribution d) {
    return access.logProbs(d);
  }

  /** The probabilities of d, not copied: read them, never write them. */
  public static double[] probs(LogDistribution d) {
    return access.probs(d);
  }

  /**
   * {@code target[y] += weight * log p(y)} (nothing when the weight is 0, so that {@code 0 * -inf}
   * adds nothing) and returns {@code E_p[f]} (0 when f is null), reading the distribution once: the
   * inner loop of the multi-reference escort and its Hoelder bound.
   *
   * @throws IllegalArgumentException if target or f has another length than d
   */
  public static double addWeightedLogProbsAndExpect(LogDistribution d, double weight,
      double[] target, double[] f) {
    checkLength(d, target, "target");
    if (f != null) {
      checkLength(d, f, "values");
    }
    return ArrayKernels.accumulateAndDot(logProbs(d), weight, target, probs(d), f, d.size());
  }

  private static void checkLength(LogDistribution d, double[] array, String what) {
    if (array.length != d.size()) {
      throw new IllegalArgumentException(
          what + " must have " + d.size() + " entries, got " + array.length);
    }
  }
}

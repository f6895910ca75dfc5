package io.github.multiref.api.internal;

import io.github.multiref.api.LogMath;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.Stability;

/**
 * The mixture of the references, {@code pibar(y) = sum_i alpha_i pi_i(y)}, the one implementation
 * that the mixture combiner and the forward-KL solver share: the linear mixture from the
 * references' probabilities in one pass, which response has mass so small that it underflows,
 * and the exact {@code log pibar(y)} also there.
 */
@Stability(Stability.Status.INTERNAL)
public final class MixtureArrays {

  private final double[] weights;
  private final double[][] logs;
  private final int[] logsFrom;
  private final double[] mix;
  private final boolean[] tiny;
  private final int tinyCount;

  /**
   * Accumulates the mixture into {@code mix} and flags into {@code tiny} the responses whose
   * mixture underflows to 0 although a weighted reference gives them mass. Both arrays must
   * arrive cleared (zeros, false) and hold one entry per response.
   */
  public MixtureArrays(ReferenceSet refs, double[] mix, boolean[] tiny) {
    this(refs.weights(), logsOf(refs), new int[refs.size()], probsOf(refs), refs.responses(), mix,
        tiny);
  }

  /**
   * The same over references held as arrays: reference i's log-probabilities at {@code
   * logs[i][logsFrom[i] + y]} and its probabilities at {@code probs[i][y]}, for y below n (the
   * arrays may be longer); references of weight 0 are not read. {@code mix} and {@code tiny}
   * arrive cleared over their first n entries.
   */
  public MixtureArrays(double[] weights, double[][] logs, int[] logsFrom, double[][] probs, int n,
      double[] mix, boolean[] tiny) {
    this.weights = weights;
    this.logs = logs;
    this.logsFrom = logsFrom;
    this.mix = mix;
    this.tiny = tiny;
    for (int i = 0; i < weights.length; i++) {
      double a = weights[i];
      if (a > 0.0) {
        double[] p = probs[i];
        for (int y = 0; y < n; y++) {
          mix[y] += a * p[y];
        }
      }
    }
    int count = 0;
    for (int y = 0; y < n; y++) {
      if (mix[y] == 0.0) {
        for (int i = 0; i < weights.length; i++) {
          tiny[y] |= weights[i] > 0 && logs[i][logsFrom[i] + y] > Double.NEGATIVE_INFINITY;
        }
        count += tiny[y] ? 1 : 0;
      }
    }
    this.tinyCount = count;
  }

  /**
   * How many responses have mass whose mixture underflows to 0 in linear space: where there are
   * none, the support is exactly where {@code mix() > 0}.
   */
  public int tiny() {
    return tinyCount;
  }

  private static double[][] logsOf(ReferenceSet refs) {
    double[][] out = new double[refs.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = DistributionArrays.logProbs(refs.reference(i));
    }
    return out;
  }

  private static double[][] probsOf(ReferenceSet refs) {
    double[][] out = new double[refs.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = DistributionArrays.probs(refs.reference(i));
    }
    return out;
  }

  /** {@code pibar(y)} in linear space (0 where it underflows): the array itself. */
  public double[] mix() {
    return mix;
  }

  /** Whether a reference with positive weight gives y mass. */
  public boolean inSupport(int y) {
    return mix[y] > 0 || tiny[y];
  }

  /** {@code log pibar(y)}, exact also where {@code pibar(y)} underflows; -inf off the support. */
  public double logMix(int y) {
    if (!tiny[y] && mix[y] > Double.MIN_NORMAL) {
      return Math.log(mix[y]);
    }
    double out = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] > 0) {
        out = LogMath.logAddExp(out, Math.log(weights[i]) + logs[i][logsFrom[i] + y]);
      }
    }
    return out;
  }
}

package io.github.multiref.api;

import java.util.Arrays;

/**
 * A finite probability distribution over one prompt's candidate responses, held as natural-log
 * probabilities.
 *
 * <p>Entries may be {@code -inf} (zero mass). Construction rejects an empty array, NaN, {@code
 * +inf}, and mass whose total differs from 1 by more than the tolerance. Instances are immutable:
 * arrays are copied on the way in and on the way out.
 */
public final class LogDistribution {

  /** Default tolerance on {@code |sum_y p(y) - 1|}. */
  public static final double DEFAULT_TOLERANCE = 1e-9;

  private final double[] logProbs;

  private LogDistribution(double[] logProbs) {
    this.logProbs = logProbs;
  }

  /**
   * A distribution from normalized log-probabilities, checked with {@link #DEFAULT_TOLERANCE}.
   *
   * @throws IllegalArgumentException naming the offending index and value, or the total mass
   */
  public static LogDistribution of(double... logProbs) {
    return of(logProbs, DEFAULT_TOLERANCE);
  }

  /**
   * A distribution from normalized log-probabilities whose mass sums to 1 within {@code
   * tolerance}. The values are kept as given (not renormalized).
   *
   * @throws IllegalArgumentException naming the offending index and value, or the total mass
   */
  public static LogDistribution of(double[] logProbs, double tolerance) {
    if (!(tolerance >= 0.0 && tolerance < 1.0)) {
      throw new IllegalArgumentException(
          "tolerance must be in [0, 1), got " + tolerance);
    }
    double[] copy = checkedCopy(logProbs);
    double logMass = LogMath.logSumExp(copy);
    double mass = Math.exp(logMass);
    if (!(Math.abs(mass - 1.0) <= tolerance)) {
      throw new IllegalArgumentException(
          "probabilities must sum to 1 within " + tolerance + ", got " + mass
              + " (log of the total " + logMass + ")");
    }
    return new LogDistribution(copy);
  }

  /**
   * The distribution proportional to {@code exp(logWeights)}: {@code log p(y) = w(y) -
   * logsumexp(w)}. This is how unnormalized sequence log-probabilities over a candidate set become
   * a distribution.
   *
   * @throws IllegalArgumentException on empty input, NaN, {@code +inf}, or when every weight is
   *     {@code -inf} (no mass to normalize)
   */
  public static LogDistribution normalize(double... logWeights) {
    double[] copy = checkedCopy(logWeights);
    double logMass = LogMath.logSumExp(copy);
    if (logMass == Double.NEGATIVE_INFINITY) {
      throw new IllegalArgumentException(
          "cannot normalize: every one of the " + copy.length + " log-weights is -inf (no mass)");
    }
    for (int i = 0; i < copy.length; i++) {
      copy[i] -= logMass;
    }
    return new LogDistribution(copy);
  }

  /** The uniform distribution over {@code n >= 1} responses. */
  public static LogDistribution uniform(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("size must be >= 1, got " + n);
    }
    double[] lp = new double[n];
    Arrays.fill(lp, -Math.log(n));
    return new LogDistribution(lp);
  }

  private static double[] checkedCopy(double[] logProbs) {
    if (logProbs == null) {
      throw new IllegalArgumentException("log-probabilities must not be null");
    }
    if (logProbs.length == 0) {
      throw new IllegalArgumentException("log-probabilities must not be empty");
    }
    double[] copy = logProbs.clone();
    for (int i = 0; i < copy.length; i++) {
      double v = copy[i];
      if (Double.isNaN(v)) {
        throw new IllegalArgumentException("log-probability at index " + i + " is NaN");
      }
      if (v == Double.POSITIVE_INFINITY) {
        throw new IllegalArgumentException(
            "log-probability at index " + i + " is +inf; expected a finite value or -inf");
      }
    }
    return copy;
  }

  /** Number of responses (at least 1). */
  public int size() {
    return logProbs.length;
  }

  /** {@code log p(y_i)}, possibly {@code -inf}. */
  public double logProb(int i) {
    return logProbs[i];
  }

  /** {@code p(y_i)}. */
  public double prob(int i) {
    return Math.exp(logProbs[i]);
  }

  /** A copy of all log-probabilities. */
  public double[] logProbs() {
    return logProbs.clone();
  }

  /** A copy of all probabilities. */
  public double[] probs() {
    double[] p = new double[logProbs.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.exp(logProbs[i]);
    }
    return p;
  }

  /** Whether response i has positive mass. */
  public boolean inSupport(int i) {
    return logProbs[i] > Double.NEGATIVE_INFINITY;
  }

  /** Number of responses with positive mass. */
  public int supportSize() {
    int n = 0;
    for (double v : logProbs) {
      if (v > Double.NEGATIVE_INFINITY) {
        n++;
      }
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogDistribution && Arrays.equals(logProbs, ((LogDistribution) o).logProbs);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(logProbs);
  }

  @Override
  public String toString() {
    return "LogDistribution" + Arrays.toString(logProbs);
  }
}

package io.github.multiref.api;

import io.github.multiref.api.internal.ArrayKernels;
import io.github.multiref.api.internal.DistributionArrays;
import java.util.Arrays;

/**
 * A finite probability distribution over one prompt's candidate responses, held as natural-log
 * probabilities.
 *
 * <p>Entries may be {@code -inf} (zero mass). Construction rejects an empty array, NaN, {@code
 * +inf}, and mass whose total differs from 1 by more than the tolerance. Instances are immutable:
 * arrays are copied on the way in and on the way out.
 */
@Stability(Stability.Status.STABLE)
public final class LogDistribution {

  /** Default tolerance on {@code |sum_y p(y) - 1|}. */
  public static final double DEFAULT_TOLERANCE = 1e-9;

  private final double[] logProbs;
  /** {@code exp(logProbs)}, kept because validation computes it anyway. */
  private final double[] probs;

  static {
    // the project's hot loops read the arrays in place (api.internal, not exported to users)
    DistributionArrays.install(new DistributionArrays.Access() {
      @Override
      public double[] logProbs(LogDistribution d) {
        return d.logProbs;
      }

      @Override
      public double[] probs(LogDistribution d) {
        return d.probs;
      }
    });
  }

  private LogDistribution(double[] logProbs, double[] probs) {
    this.logProbs = logProbs;
    this.probs = probs;
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
    int n = checkedLength(logProbs);
    double[] copy = new double[n];
    double[] p = new double[n];
    double mass = ArrayKernels.copyAndExp(logProbs, copy, p, n);
    if (!(mass < Double.POSITIVE_INFINITY)) {
      rejectNonFinite(copy); // NaN or +inf make the mass NaN or infinite
    }
    if (!(Math.abs(mass - 1.0) <= tolerance)) {
      throw new IllegalArgumentException(
          "probabilities must sum to 1 within " + tolerance + ", got " + mass
              + " (log of the total " + LogMath.logSumExp(copy) + ")");
    }
    return new LogDistribution(copy, p);
  }

  /**
   * A distribution from log-probabilities whose probabilities the caller has already computed (a
   * solver that forms {@code pi(y)} and {@code log pi(y)} in one pass): the total mass is checked on
   * {@code probs}, so no exponential is recomputed.
   *
   * <p>The caller guarantees {@code probs[i] = exp(logProbs[i])} to rounding; this is not
   * re-derived. What is checked: equal non-zero lengths, no NaN or {@code +inf} log-probability,
   * probabilities finite and non-negative, zero where the log-probability is {@code -inf}, summing
   * to 1 within {@code tolerance}.
   *
   * @throws IllegalArgumentException naming the offending index and value, or the total mass
   */
  public static LogDistribution withProbabilities(double[] logProbs, double[] probs,
      double tolerance) {
    int n = checkedLength(logProbs);
    if (probs == null || probs.length != n) {
      throw new IllegalArgumentException("probabilities must have " + n
          + " entries, got " + (probs == null ? "null" : probs.length));
    }
    double[] copy = new double[n];
    double[] p = new double[n];
    double mass = ArrayKernels.copyCheckedProbabilities(logProbs, probs, copy, p, n);
    if (Double.isNaN(mass)) { // find the first offending entry for the message
      rejectNonFinite(copy);
      for (int i = 0; i < n; i++) {
        if (!ArrayKernels.isProbabilityEntry(copy[i], p[i])) {
          throw new IllegalArgumentException("probability at index " + i + " is " + p[i]
              + " for log-probability " + copy[i]);
        }
      }
    }
    if (!(Math.abs(mass - 1.0) <= tolerance)) {
      throw new IllegalArgumentException(
          "probabilities must sum to 1 within " + tolerance + ", got " + mass);
    }
    return new LogDistribution(copy, p);
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
    return normalizeWithMass(logWeights).distribution();
  }

  /**
   * A distribution and the log of the mass it was normalized by.
   *
   * @param distribution {@code exp(logWeights) / exp(logMass)}
   * @param logMass {@code logsumexp(logWeights)}, finite
   */
  @Stability(Stability.Status.STABLE)
  public record Normalized(LogDistribution distribution, double logMass) {}

  /**
   * As {@link #normalize(double...)}, also returning {@code logsumexp(logWeights)} (a partition
   * function, such as {@code log(Z F_alpha)} of a tilted escort), in one pass over the weights.
   *
   * @throws IllegalArgumentException on empty input, NaN, {@code +inf}, or no mass
   */
  public static Normalized normalizeWithMass(double... logWeights) {
    double[] copy = copyOf(logWeights);
    double max = ArrayKernels.max(copy, copy.length);
    if (!(max < Double.POSITIVE_INFINITY)) {
      rejectNonFinite(copy); // Math.max propagates NaN, and +inf is the maximum
    }
    if (max == Double.NEGATIVE_INFINITY) {
      throw new IllegalArgumentException(
          "cannot normalize: every one of the " + copy.length + " log-weights is -inf (no mass)");
    }
    double[] p = new double[copy.length];
    double sum = ArrayKernels.expShifted(copy, max, p, copy.length);
    double logMass = max + Math.log(sum);
    double inverse = 1.0 / sum;
    for (int i = 0; i < copy.length; i++) {
      copy[i] -= logMass;
      p[i] *= inverse;
    }
    return new Normalized(new LogDistribution(copy, p), logMass);
  }

  /** The uniform distribution over {@code n >= 1} responses. */
  public static LogDistribution uniform(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("size must be >= 1, got " + n);
    }
    double[] lp = new double[n];
    Arrays.fill(lp, -Math.log(n));
    double[] p = new double[n];
    Arrays.fill(p, 1.0 / n);
    return new LogDistribution(lp, p);
  }

  private static double[] copyOf(double[] logProbs) {
    checkedLength(logProbs);
    return logProbs.clone();
  }

  private static int checkedLength(double[] logProbs) {
    if (logProbs == null) {
      throw new IllegalArgumentException("log-probabilities must not be null");
    }
    if (logProbs.length == 0) {
      throw new IllegalArgumentException("log-probabilities must not be empty");
    }
    return logProbs.length;
  }

  /** Throws for the first NaN or +inf entry, naming its index. */
  private static void rejectNonFinite(double[] copy) {
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
  }

  /** Number of responses (at least 1). */
  public int size() {
    return logProbs.length;
  }

  /** {@code log p(y_i)}, possibly {@code -inf}. */
  public double logProb(int i) {
    return logProbs[i];
  }

  /** {@code p(y_i) = exp(log p(y_i))}, without recomputing the exponential. */
  public double prob(int i) {
    return probs[i];
  }

  /** A copy of all log-probabilities. */
  public double[] logProbs() {
    return logProbs.clone();
  }

  /** A copy of all probabilities. */
  public double[] probs() {
    return probs.clone();
  }

  /**
   * {@code E_p[f] = sum_y p(y) f(y)}: responses without mass contribute nothing, and f must be
   * finite wherever p has mass.
   *
   * @throws IllegalArgumentException if {@code f} has another length
   */
  public double expectation(double[] f) {
    checkLength(f, "values");
    return ArrayKernels.dot(probs, f, probs.length);
  }

  /** The Shannon entropy {@code -sum_y p(y) log p(y)}, with {@code 0 log 0 = 0}. */
  public double entropy() {
    return -ArrayKernels.dotWherePositive(probs, logProbs, probs.length);
  }

  private void checkLength(double[] array, String what) {
    if (array.length != logProbs.length) {
      throw new IllegalArgumentException(
          what + " must have " + logProbs.length + " entries, got " + array.length);
    }
  }

  /** Whether response i has positive mass. */
  public boolean inSupport(int i) {
    return logProbs[i] > Double.NEGATIVE_INFINITY;
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

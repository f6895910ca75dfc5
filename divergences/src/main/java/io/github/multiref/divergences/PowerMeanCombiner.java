package io.github.multiref.divergences;

import io.github.multiref.api.CombinedReference;
import io.github.multiref.api.LogMath;
import io.github.multiref.api.ReferenceCombiner;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.Stability;

/**
 * The weighted power mean of order p, normalized: {@code M_p(y) = (sum_i alpha_i pi_i(y)^p)^(1/p)},
 * with {@code M_0} the geometric mean (escort), {@code M_1} the mixture, {@code M_-1} the harmonic
 * mean. {@code M_p} is non-decreasing in p pointwise.
 *
 * <p>Weights are taken relative to their sum (which {@link ReferenceSet} holds to 1 within 1e-9):
 * as p -> 0 the factor {@code W^(1/p)} would otherwise amplify rounding in the weights.
 *
 * <p>Numerics: with W the fraction of the weight on references that have mass at y and mu their weighted mean
 * log-probability, {@code log M_p = log(W)/p + mu + log(sum_i (alpha_i/W) e^(p (l_i - mu)))/p}; the
 * last log is taken as {@code log1p(sum (alpha_i/W) expm1(p (l_i - mu)))} when {@code |p| *
 * spread <= 1}, so orders near 0 lose no accuracy, and by log-sum-exp otherwise. For {@code p <= 0}
 * a weighted reference with no mass makes {@code M_p = 0}.
 */
@Stability(Stability.Status.STABLE)
public final class PowerMeanCombiner implements ReferenceCombiner {

  private final double p;

  private PowerMeanCombiner(double p) {
    this.p = p;
  }

  /**
   * The power mean of order p.
   *
   * @throws IllegalArgumentException unless p is finite
   */
  public static PowerMeanCombiner of(double p) {
    if (!Double.isFinite(p)) {
      throw new IllegalArgumentException("power-mean order p must be finite, got " + p);
    }
    return new PowerMeanCombiner(p);
  }

  /** The order p. */
  public double order() {
    return p;
  }

  @Override
  public double[] logUnnormalized(ReferenceSet refs) {
    int n = refs.responses();
    int k = refs.size();
    double[][] lp = new double[k][];
    for (int i = 0; i < k; i++) {
      lp[i] = refs.reference(i).logProbs();
    }
    double[] weights = refs.weights();
    double total = 0.0;
    for (double a : weights) {
      total += a;
    }
    double[] out = new double[n];
    double[] column = new double[k];
    for (int y = 0; y < n; y++) {
      for (int i = 0; i < k; i++) {
        column[i] = lp[i][y];
      }
      out[y] = logPowerMean(column, weights, total);
    }
    return out;
  }

  private double logPowerMean(double[] logValues, double[] weights, double totalWeight) {
    double w = 0.0;
    double weightedSum = 0.0;
    for (int i = 0; i < logValues.length; i++) {
      if (weights[i] == 0.0) {
        continue;
      }
      if (logValues[i] == Double.NEGATIVE_INFINITY) {
        if (p <= 0.0) {
          return Double.NEGATIVE_INFINITY;
        }
        continue;
      }
      w += weights[i];
      weightedSum += weights[i] * logValues[i];
    }
    if (w == 0.0) {
      return Double.NEGATIVE_INFINITY;
    }
    double mu = weightedSum / w;
    if (p == 0.0) {
      return mu;
    }
    double spread = 0.0;
    for (int i = 0; i < logValues.length; i++) {
      if (weights[i] != 0.0 && logValues[i] != Double.NEGATIVE_INFINITY) {
        spread = Math.max(spread, Math.abs(logValues[i] - mu));
      }
    }
    double logMean;
    if (Math.abs(p) * spread <= 1.0) {
      double s = 0.0;
      for (int i = 0; i < logValues.length; i++) {
        if (weights[i] != 0.0 && logValues[i] != Double.NEGATIVE_INFINITY) {
          s += weights[i] / w * Math.expm1(p * (logValues[i] - mu));
        }
      }
      logMean = Math.log1p(s);
    } else {
      double[] terms = new double[logValues.length];
      for (int i = 0; i < logValues.length; i++) {
        terms[i] = weights[i] != 0.0 && logValues[i] != Double.NEGATIVE_INFINITY
            ? Math.log(weights[i] / w) + p * (logValues[i] - mu)
            : Double.NEGATIVE_INFINITY;
      }
      logMean = LogMath.logSumExp(terms);
    }
    // W is the fraction of the weight on references with mass here: exactly 1 when all have mass,
    // so rounding in weights that sum to 1 only within 1e-16 is not amplified by 1/p
    double logFraction = w == totalWeight ? 0.0 : Math.log(w / totalWeight);
    return logFraction / p + mu + logMean / p;
  }

  @Override
  public CombinedReference combine(ReferenceSet refs) {
    return CombinedReference.normalize(toString(), refs.prompt(), logUnnormalized(refs));
  }

  @Override
  public String toString() {
    return "power-mean:p=" + p;
  }
}

package io.github.multiref.api;

import java.util.OptionalDouble;

/**
 * A sample-complexity bound on a gap (sub-optimality or optimality) that holds with probability at
 * least {@code 1 - delta} over the preference data.
 *
 * <p>Contract: {@link #evaluate(BoundInputs)} is non-increasing in n and non-decreasing in delta^-1,
 * |R|, kappa and the coverage; it states its formula. Implementations are final, immutable and
 * thread-safe.
 */
@Stability(Stability.Status.STABLE)
public interface BoundCalculator {

  /** The bound at the given inputs. */
  BoundResult evaluate(BoundInputs inputs);

  /**
   * The smallest n (with the other inputs fixed) whose bound is at most {@code epsilon}, found by
   * doubling then bisection, which is exact because the bound is non-increasing in n.
   *
   * @throws IllegalArgumentException unless {@code epsilon > 0}
   * @throws ArithmeticException if no n below 2^62 reaches epsilon
   */
  default long minimumSamples(BoundInputs inputs, double epsilon) {
    if (!(epsilon > 0.0)) {
      throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon);
    }
    double logEpsilon = Math.log(epsilon);
    long hi = 1;
    while (evaluate(inputs.withN(hi)).logValue() > logEpsilon) {
      if (hi >= (1L << 62)) {
        throw new ArithmeticException("no n below 2^62 brings the bound below " + epsilon);
      }
      hi <<= 1;
    }
    long lo = hi / 2; // bound(lo) > epsilon, or lo = 0
    while (hi - lo > 1) {
      long mid = lo + (hi - lo) / 2;
      if (evaluate(inputs.withN(mid)).logValue() <= logEpsilon) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  /**
   * {@code log10} of the smallest n whose bound is at most {@code epsilon}, also where that n is
   * beyond any integer type (or the double range): what a vacuous bound needs. The default is
   * exact while n is below 2^62 and throws beyond; implementations with a closed form in n
   * override it.
   *
   * @throws IllegalArgumentException unless {@code epsilon > 0}
   * @throws ArithmeticException if the default cannot tell
   */
  default double log10MinimumSamples(BoundInputs inputs, double epsilon) {
    return Math.log10(minimumSamples(inputs, epsilon));
  }

  /**
   * {@code log C} of the coverage constant that holds without data for this bound's setting (for
   * reverse KL with the escort as sampling policy, {@code R_max / beta}), or NaN when its
   * derivation gives none, in which case a caller must supply the coverage. The default is NaN.
   */
  default double worstCaseLogCoverage(double rMax, double beta) {
    return Double.NaN;
  }

  /**
   * {@code log C} for one prompt under a coverage condition, measured against the reference this
   * bound's derivation assumes (for the paper's bounds, the escort for reverse KL and the mixture
   * for forward KL), {@code +inf} where the condition gives no finite constant. For several prompts
   * the constant is the largest (the sup over x). Empty when the bound does not compute coverage
   * (the default): then a caller must supply it.
   *
   * @param references the prompt's references and weights, each normalized over its responses
   * @param rMax the reward bound (rewards in {@code [0, R_max]}), {@code > 0}
   * @param beta the regularization strength, {@code > 0}
   */
  default OptionalDouble logCoverage(CoverageCondition condition, ReferenceSet references,
      double rMax, double beta) {
    return OptionalDouble.empty();
  }
}

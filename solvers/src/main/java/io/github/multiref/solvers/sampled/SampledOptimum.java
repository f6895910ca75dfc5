package io.github.multiref.solvers.sampled;

import io.github.multiref.api.Diagnostic;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.LogMath;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Stability;
import io.github.multiref.divergences.ForwardKl;
import io.github.multiref.solvers.ForwardKlSolver;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The multi-reference optimum estimated from responses <em>sampled</em> from a proposal q, rather
 * than solved over candidates that are the whole response space (docs/math.md#sampled-responses).
 *
 * <p>Each of the N responses {@code y_j} was drawn i.i.d. from q (duplicates are separate draws)
 * and comes with its reward {@code r_j}, its sequence log-probability {@code l_i(y_j)} under
 * every reference (a model's own, never renormalized over the samples) and {@code log q(y_j)}.
 *
 * <ul>
 *   <li>Reverse KL: with {@code u(y) = exp(sum_i alpha_i l_i(y) + r(y)/beta)}, the optimum is
 *       {@code pi* = u / C}, {@code J* = beta log C}, and {@code w_j = u(y_j)/q(y_j)} has mean C
 *       under q. The estimate of {@code log C} is {@code log((1/N) sum_j w_j)}.
 *   <li>Forward KL: {@code pi* = beta mbar / (lambda - r)} with {@code mbar} the alpha-mixture of
 *       the references; lambda solves the sample normalization {@code (1/N) sum_j beta mbar(y_j) /
 *       (q(y_j)(lambda - r_j)) = 1}, which is the exact forward-KL problem over the samples with
 *       the one reference {@code mbar/q} (normalized) and beta times {@code (1/N) sum_j mbar/q}.
 *       {@link ForwardKlSolver} solves it, so this estimator inherits its bracket and tolerance.
 * </ul>
 *
 * <p>Both give the self-normalized weights of the samples under the optimum, the estimated
 * optimal objective with a 95% interval (the delta method: on {@code log} of the mean of w for
 * reverse KL; for forward KL on the objective's importance-sampling mean, with lambda's own
 * sampling noise propagated through its estimating equation), the expected reward, the
 * divergence to each reference, and Kish's effective sample size {@code (sum w)^2 / sum w^2}.
 *
 * <p>All arithmetic is in log space: log-probabilities of -1e4 and references hundreds of nats
 * apart are ordinary inputs.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class SampledOptimum {

  /** The two-sided 95% quantile of the standard normal. */
  static final double Z95 = 1.959963984540054;

  /** Below this fraction of N, the effective sample size makes the estimate untrustworthy. */
  public static final double ESS_WARNING_FRACTION = 0.1;

  private SampledOptimum() {}

  /**
   * What the samples say about the optimum.
   *
   * @param logWeights {@code log(w_j / sum_k w_k)}, the self-normalized weights ({@code -inf} for
   *     a sample the optimum gives no mass)
   * @param logNormalizer reverse KL: {@code log((1/N) sum_j w_j)}, the estimate of {@code log C};
   *     NaN for forward KL, which has no such normalizer
   * @param lambda forward KL: the multiplier of the sample normalization; NaN for reverse KL
   * @param value the estimate of the optimal objective {@code J*}
   * @param valueLow the lower end of its 95% interval
   * @param valueHigh the upper end of its 95% interval
   * @param expectedReward {@code sum_j w~_j r_j}
   * @param klToReferences reverse KL: the estimate of {@code KL(pi* || pi_i)} for each i; forward
   *     KL: of {@code KL(pi_i || pi*)}, the divergence the objective charges
   * @param ess {@code (sum w)^2 / sum w^2}, between 1 and N
   * @param samples N
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Estimate(double[] logWeights, double logNormalizer, double lambda, double value,
      double valueLow, double valueHigh, double expectedReward, double[] klToReferences,
      double ess, int samples) {

    public Estimate {
      logWeights = logWeights.clone();
      klToReferences = klToReferences.clone();
    }

    @Override
    public double[] logWeights() {
      return logWeights.clone();
    }

    @Override
    public double[] klToReferences() {
      return klToReferences.clone();
    }

    /** Whether {@code ess < 0.1 N}: too few effective samples for the estimate to be trusted. */
    public boolean essWarning() {
      return ess < ESS_WARNING_FRACTION * samples;
    }
  }

  /**
   * The reverse-KL optimum from samples.
   *
   * @param reward {@code r_j}, finite
   * @param refLogprobs K arrays {@code l_i(y_j)}, each of N entries, {@code <= 0} or {@code -inf}
   * @param proposalLogprobs {@code log q(y_j)}, finite and {@code <= 0}
   * @param alpha K weights on the simplex
   * @param beta the regularization strength, finite and {@code > 0}
   * @throws IllegalArgumentException naming the array, the index and the value, or when no sample
   *     has positive weight under the optimum
   */
  public static Estimate reverseKl(double[] reward, double[][] refLogprobs,
      double[] proposalLogprobs, double[] alpha, double beta) {
    int n = check(reward, refLogprobs, proposalLogprobs, alpha, beta);
    int k = alpha.length;
    double[] logU = new double[n];
    double[] logW = new double[n];
    for (int j = 0; j < n; j++) {
      double s = reward[j] / beta;
      for (int i = 0; i < k; i++) {
        if (alpha[i] > 0) { // 0 * -inf is no contribution
          s += alpha[i] * refLogprobs[i][j];
        }
      }
      logU[j] = s;
      logW[j] = s - proposalLogprobs[j];
    }
    double logSum = logSumExpOrRefuse(logW);
    double logNormalizer = logSum - Math.log(n);
    double[] logWeights = new double[n];
    double sumSquares = 0; // sum_j w~_j^2, for the ESS
    double relative = 0; // sum_j (N w~_j - 1)^2, for the interval
    double expectedReward = 0;
    double[] kl = new double[k];
    for (int j = 0; j < n; j++) {
      double lw = logW[j] - logSum;
      logWeights[j] = lw;
      double p = Math.exp(lw);
      sumSquares += p * p;
      double d = n * p - 1;
      relative += d * d;
      if (p > 0) {
        expectedReward += p * reward[j];
        double logPi = logU[j] - logNormalizer;
        for (int i = 0; i < k; i++) {
          kl[i] += p * (logPi - refLogprobs[i][j]); // +inf where pi_i has no mass
        }
      }
    }
    double value = beta * logNormalizer;
    // delta method: se(log mean w) = sd(w) / (sqrt(N) mean w), with sd(w)/mean(w) from w~
    double half = n > 1 ? Z95 * beta * Math.sqrt(relative / ((double) n * (n - 1)))
        : Double.POSITIVE_INFINITY;
    return new Estimate(logWeights, logNormalizer, Double.NaN, value, value - half, value + half,
        expectedReward, kl, 1.0 / sumSquares, n);
  }

  /**
   * The forward-KL optimum from samples, with lambda from the sample normalization.
   *
   * @param reward {@code r_j}, finite
   * @param refLogprobs K arrays {@code l_i(y_j)}, each of N entries, {@code <= 0} or {@code -inf}
   * @param proposalLogprobs {@code log q(y_j)}, finite and {@code <= 0}
   * @param alpha K weights on the simplex
   * @param beta the regularization strength, finite and {@code > 0}
   * @param solver the forward-KL solver for lambda (its tolerance and budget apply)
   * @throws IllegalArgumentException naming the array, the index and the value, when no sample
   *     has mixture mass, or when {@code (1/N) sum mbar/q} leaves the double range
   */
  public static Estimate forwardKl(double[] reward, double[][] refLogprobs,
      double[] proposalLogprobs, double[] alpha, double beta, ForwardKlSolver solver) {
    int n = check(reward, refLogprobs, proposalLogprobs, alpha, beta);
    Objects.requireNonNull(solver, "solver");
    int k = alpha.length;
    double[] logMix = new double[n]; // log mbar(y_j)
    double[] logRatio = new double[n]; // log mbar(y_j) / q(y_j)
    double[] terms = new double[k];
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < k; i++) {
        terms[i] = alpha[i] > 0 ? Math.log(alpha[i]) + refLogprobs[i][j]
            : Double.NEGATIVE_INFINITY;
      }
      logMix[j] = LogMath.logSumExp(terms);
      logRatio[j] = logMix[j] - proposalLogprobs[j];
    }
    double logMeanRatio = logSumExpOrRefuse(logRatio) - Math.log(n);
    double scaledBeta = beta * Math.exp(logMeanRatio);
    if (!(scaledBeta > 0 && scaledBeta < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("beta * (1/N) sum_j mbar(y_j)/q(y_j) = beta * exp("
          + logMeanRatio + ") leaves the double range; the proposal's log-probabilities are"
          + " far from the references'");
    }
    RegularizedProblem samplesProblem = RegularizedProblem.of(
        ReferenceSet.of(List.of(LogDistribution.normalize(logRatio)), 1.0), reward, scaledBeta,
        ForwardKl.INSTANCE);
    PolicySolution s = solver.solve(samplesProblem);
    double lambda = s.diagnostic(Diagnostic.MULTIPLIER).orElseThrow();
    double[] logWeights = s.policy().logProbs(); // pi*(y_j)/q(y_j) / N, normalized
    double[] w = new double[n]; // pi*(y_j)/q(y_j), mean 1
    double sumSquares = 0;
    double expectedReward = 0;
    double[] kl = new double[k];
    double[] h = new double[n]; // the objective's importance-sampling terms
    for (int j = 0; j < n; j++) {
      double p = Math.exp(logWeights[j]);
      w[j] = n * p;
      sumSquares += p * p;
      expectedReward += p * reward[j];
      double logPi = Math.log(n) + logWeights[j] + proposalLogprobs[j];
      double charge = 0;
      for (int i = 0; i < k; i++) {
        if (refLogprobs[i][j] > Double.NEGATIVE_INFINITY) {
          double v = Math.exp(refLogprobs[i][j] - proposalLogprobs[j]); // pi_i(y_j)/q(y_j)
          double term = v * (refLogprobs[i][j] - logPi);
          kl[i] += term / n;
          if (alpha[i] > 0) {
            charge += alpha[i] * term;
          }
        }
      }
      h[j] = w[j] * reward[j] - beta * charge;
    }
    double value = expectedReward;
    for (int i = 0; i < k; i++) {
      if (alpha[i] > 0) {
        value -= beta * alpha[i] * kl[i];
      }
    }
    double half = Z95 * forwardStandardError(h, w, reward, lambda, value);
    return new Estimate(logWeights, Double.NaN, lambda, value, value - half, value + half,
        expectedReward, kl, 1.0 / sumSquares, n);
  }

  /**
   * The delta-method standard error of the forward-KL value: the influence of sample j is {@code
   * h_j - value - D psi_j / psi'}, with {@code psi_j = w_j - 1} lambda's estimating equation,
   * {@code psi' = -mean(w_j / (lambda - r_j))} its derivative and {@code D = mean(dh_j/dlambda) =
   * -mean(w_j lambda / (lambda - r_j))}. Where lambda sits at a sample's reward (a response no
   * reference covers takes the rest of the mass), lambda's term is left out.
   */
  private static double forwardStandardError(double[] h, double[] w, double[] reward,
      double lambda, double value) {
    int n = h.length;
    if (n < 2) {
      return Double.POSITIVE_INFINITY;
    }
    double dPsi = 0;
    double dH = 0;
    boolean regular = true;
    for (int j = 0; j < n; j++) {
      if (w[j] == 0) {
        continue;
      }
      double gap = lambda - reward[j];
      if (!(gap > 0)) {
        regular = false;
        break;
      }
      dPsi -= w[j] / gap / n;
      dH -= w[j] * lambda / gap / n;
    }
    double correction = regular && dPsi < 0 ? dH / dPsi : 0;
    double sum = 0;
    for (int j = 0; j < n; j++) {
      double influence = h[j] - value - correction * (w[j] - 1);
      sum += influence * influence;
    }
    return Math.sqrt(sum / ((double) n * (n - 1)));
  }

  /**
   * Sampling-importance-resampling: M indices drawn with replacement from the self-normalized
   * weights, the draws of best-of-N against the exact multi-reference target.
   *
   * @param logWeights normalized log-weights ({@link Estimate#logWeights()})
   * @param m how many draws, {@code >= 0}
   * @param random the source of randomness (seeded by the caller)
   */
  public static int[] resample(double[] logWeights, int m, RandomGenerator random) {
    if (m < 0) {
      throw new IllegalArgumentException("resample count must be >= 0, got " + m);
    }
    Objects.requireNonNull(random, "random");
    double[] cumulative = new double[logWeights.length];
    double total = 0;
    for (int j = 0; j < logWeights.length; j++) {
      total += Math.exp(logWeights[j]);
      cumulative[j] = total;
    }
    if (!(total > 0)) {
      throw new IllegalArgumentException("no sample has positive weight to resample");
    }
    int[] draws = new int[m];
    for (int d = 0; d < m; d++) {
      double u = random.nextDouble() * total;
      int j = Arrays.binarySearch(cumulative, u);
      j = j >= 0 ? j + 1 : -j - 1; // the first cumulative weight above u
      while (j < cumulative.length - 1 && Math.exp(logWeights[j]) == 0) {
        j++; // never a sample of zero weight
      }
      draws[d] = Math.min(j, cumulative.length - 1);
    }
    return draws;
  }

  private static double logSumExpOrRefuse(double[] logW) {
    double s = LogMath.logSumExp(logW);
    if (s == Double.NEGATIVE_INFINITY) {
      throw new IllegalArgumentException("no sample has positive weight under the optimum: every"
          + " sample has zero mass under a reference of positive weight");
    }
    return s;
  }

  private static int check(double[] reward, double[][] refLogprobs, double[] proposalLogprobs,
      double[] alpha, double beta) {
    Objects.requireNonNull(reward, "reward");
    Objects.requireNonNull(refLogprobs, "refLogprobs");
    Objects.requireNonNull(proposalLogprobs, "proposalLogprobs");
    Objects.requireNonNull(alpha, "alpha");
    if (!(beta > 0 && beta < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("beta must be finite and > 0, got " + beta);
    }
    int n = reward.length;
    if (n == 0) {
      throw new IllegalArgumentException("no samples");
    }
    if (refLogprobs.length != alpha.length || alpha.length == 0) {
      throw new IllegalArgumentException("refLogprobs has " + refLogprobs.length
          + " references but alpha has " + alpha.length + " weights");
    }
    double total = 0;
    for (int i = 0; i < alpha.length; i++) {
      if (!(alpha[i] >= 0 && alpha[i] <= 1)) {
        throw new IllegalArgumentException("alpha[" + i + "] must be in [0, 1], got " + alpha[i]);
      }
      total += alpha[i];
    }
    if (Math.abs(total - 1) > ReferenceSet.WEIGHT_TOLERANCE) {
      throw new IllegalArgumentException("alpha must sum to 1, got " + total);
    }
    if (proposalLogprobs.length != n) {
      throw new IllegalArgumentException("proposalLogprobs has " + proposalLogprobs.length
          + " entries but reward has " + n);
    }
    for (int j = 0; j < n; j++) {
      if (!Double.isFinite(reward[j])) {
        throw new IllegalArgumentException("reward[" + j + "] must be finite, got " + reward[j]);
      }
      if (!(Double.isFinite(proposalLogprobs[j]) && proposalLogprobs[j] <= 0)) {
        throw new IllegalArgumentException("proposalLogprobs[" + j + "] must be a finite"
            + " log-probability <= 0 (the response was drawn from q), got " + proposalLogprobs[j]);
      }
    }
    for (int i = 0; i < refLogprobs.length; i++) {
      if (refLogprobs[i] == null || refLogprobs[i].length != n) {
        throw new IllegalArgumentException("refLogprobs[" + i + "] has "
            + (refLogprobs[i] == null ? "no" : refLogprobs[i].length) + " entries but reward has "
            + n);
      }
      for (int j = 0; j < n; j++) {
        double l = refLogprobs[i][j];
        if (Double.isNaN(l) || l > 0) {
          throw new IllegalArgumentException("refLogprobs[" + i + "][" + j + "] must be a"
              + " log-probability <= 0 or -inf, got " + l);
        }
      }
    }
    return n;
  }
}

package io.github.multiref.solvers.dpo;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogMath;
import io.github.multiref.api.Stability;

/**
 * Scores preference pairs by direct preference optimization with K references: the loss, the
 * logit {@code z = beta sum_i alpha_i (f'(e^{u_{i,w}}) - f'(e^{u_{i,l}}))} with {@code u} the
 * policy-to-reference log-ratios, its gradients in the policy's two log-probabilities, and the
 * implicit rewards (docs/math.md#dpo, where each case and its tests are written out).
 *
 * <p>The path is chosen by what the divergence declares, never by its class: a logarithmic power
 * form (reverse KL and its multiples) gives a linear logit, scored column by column for fixed
 * weights; any other declared power form sums each side in log space, exact at any log-ratio; the
 * rest sum exact per-reference differences {@link Divergence#fPrimeDifference(double, double)}
 * and refuse, with an {@link ArithmeticException}, a logit beyond the double range whose sign is
 * undefined. Immutable and thread-safe; {@link #scoreBatch} writes to the caller's arrays.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class MultiReferenceDpo {

  private final Divergence f;
  private final double beta;
  private final double logBeta;
  private final DpoLoss loss;
  private final ReferenceWeighting weighting;
  private final double power; // p of a power-type derivative, NaN if not one
  private final double scale; // c of a power-type derivative
  private final double logScale; // scale of a logarithmic derivative (reverse KL), NaN if not one

  private MultiReferenceDpo(Divergence f, double beta, DpoLoss loss, ReferenceWeighting weighting) {
    this.f = f;
    this.beta = beta;
    this.logBeta = Math.log(beta);
    this.loss = loss;
    this.weighting = weighting;
    // f'(t) = shift + scale (t^e - 1)/e = c t^e + const with c = scale/e, from what f declares
    Divergence.PowerForm form = f.powerForm().orElse(null);
    if (form != null && form.exponent() != 0.0) {
      power = form.exponent();
      scale = form.scale() / form.exponent();
    } else {
      power = Double.NaN;
      scale = Double.NaN;
    }
    // f'(t) = shift + scale log t: the reward is beta scale (l - sum_i alpha_i l_i), linear
    logScale = form != null && form.exponent() == 0.0 ? form.scale() : Double.NaN;
  }

  /**
   * A scorer.
   *
   * @throws IllegalArgumentException unless beta is finite and positive and the parts are given
   */
  public static MultiReferenceDpo of(Divergence divergence, double beta, DpoLoss loss,
      ReferenceWeighting weighting) {
    if (divergence == null || loss == null || weighting == null) {
      throw new IllegalArgumentException("divergence, loss and weighting must be given");
    }
    if (!(beta > 0 && beta < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("beta must be finite and > 0, got " + beta);
    }
    return new MultiReferenceDpo(divergence, beta, loss, weighting);
  }

  /**
   * Scores one pair.
   *
   * @param chosen {@code log pi(y_w)}, finite
   * @param rejected {@code log pi(y_l)}, finite
   * @param refChosen {@code log pi_i(y_w)} for each reference, finite
   * @param refRejected {@code log pi_i(y_l)} for each reference, finite
   * @throws IllegalArgumentException on non-finite input or mismatched lengths
   * @throws ArithmeticException when the logit is beyond the double range with an undefined sign
   */
  public PairScore score(double chosen, double rejected, double[] refChosen,
      double[] refRejected) {
    int k = refChosen.length;
    if (k == 0 || refRejected.length != k) {
      throw new IllegalArgumentException("chosen and rejected need the same number (>= 1) of"
          + " reference log-probabilities, got " + k + " and " + refRejected.length);
    }
    if (!Double.isFinite(chosen) || !Double.isFinite(rejected)) {
      throw new IllegalArgumentException("policy log-probabilities must be finite, got " + chosen
          + " and " + rejected);
    }
    double[] alpha = weighting.weights(refChosen, refRejected);
    double[] uw = new double[k];
    double[] ul = new double[k];
    for (int i = 0; i < k; i++) {
      if (!Double.isFinite(refChosen[i]) || !Double.isFinite(refRejected[i])) {
        throw new IllegalArgumentException("reference " + i + " log-probabilities must be finite,"
            + " got " + refChosen[i] + " and " + refRejected[i]);
      }
      uw[i] = chosen - refChosen[i];
      ul[i] = rejected - refRejected[i];
    }
    double chosenReward;
    double rejectedReward;
    double z;
    if (!Double.isNaN(power) && smallExponents(uw, ul)) {
      // f'(t) = scale t^p + const, all t^p near 1: sum_i alpha_i (t_i^p - 1) = sum_i alpha_i
      // expm1(p u_i), no cancellation
      double ew = weightedExpm1(alpha, uw);
      double el = weightedExpm1(alpha, ul);
      chosenReward = beta * scale * ew;
      rejectedReward = beta * scale * el;
      z = beta * scale * (ew - el);
    } else if (!Double.isNaN(power)) {
      // large ratios: sum_i alpha_i f'(t_i) - f'(1) = scale (exp(S) - 1),
      // S = logsumexp_i(log alpha_i + p u_i), and the two sides differ by one exp difference
      double sw = weightedLogSumExp(alpha, uw, power);
      double sl = weightedLogSumExp(alpha, ul, power);
      chosenReward = beta * scale * Math.expm1(sw);
      rejectedReward = beta * scale * Math.expm1(sl);
      z = beta * scale * LogMath.expDifference(sw, sl);
    } else {
      chosenReward = beta * scaledSum(alpha, uw, null);
      rejectedReward = beta * scaledSum(alpha, ul, null);
      z = beta * scaledSum(alpha, uw, ul);
    }
    double lossValue = loss.value(z, beta);
    double logSlope = loss.logAbsDerivative(z, beta);
    double sign = Math.signum(loss.derivative(z, beta));
    double gradChosen = sign == 0 ? 0.0
        : sign * Math.exp(logSlope + logBeta + logSlopeSum(alpha, uw));
    double gradRejected = sign == 0 ? 0.0
        : -sign * Math.exp(logSlope + logBeta + logSlopeSum(alpha, ul));
    return new PairScore(lossValue, z, gradChosen, gradRejected, chosenReward, rejectedReward);
  }

  private boolean smallExponents(double[] uw, double[] ul) {
    for (int i = 0; i < uw.length; i++) {
      if (Math.abs(power * uw[i]) > 1.0 || Math.abs(power * ul[i]) > 1.0) {
        return false;
      }
    }
    return true;
  }

  /** {@code sum_i alpha_i expm1(p u_i)}. */
  private double weightedExpm1(double[] alpha, double[] u) {
    double sum = 0;
    for (int i = 0; i < u.length; i++) {
      sum += alpha[i] * Math.expm1(power * u[i]);
    }
    return sum;
  }

  /**
   * Scores a batch into {@code out}, with the same results as {@link #score} pair by pair. Fixed
   * weights with reverse KL take a column-wise path (vectorized where the JVM allows); everything
   * else is scored pair by pair. Not thread-safe for a shared {@code out}; callers parallelize over
   * separate batches.
   *
   * @throws IllegalArgumentException naming the first pair (by index) with invalid input
   */
  public void scoreBatch(DpoBatch batch, PairScores out) {
    int n = batch.size();
    double[] fixedAlpha = weighting.fixedWeights().orElse(null);
    if (!Double.isNaN(logScale) && fixedAlpha != null) {
      double[] alpha = fixedAlpha;
      if (alpha.length != batch.references()) {
        throw new IllegalArgumentException("there are " + alpha.length + " weights but "
            + batch.references() + " references");
      }
      reverseKlColumns(batch, alpha, out);
      return;
    }
    double[] rw = new double[batch.references()];
    double[] rl = new double[batch.references()];
    for (int p = 0; p < n; p++) {
      for (int k = 0; k < rw.length; k++) {
        rw[k] = batch.refChosen()[k][p];
        rl[k] = batch.refRejected()[k][p];
      }
      PairScore s;
      try {
        s = score(batch.chosen()[p], batch.rejected()[p], rw, rl);
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw new IllegalArgumentException("pair " + p + ": " + e.getMessage(), e);
      }
      out.loss[p] = s.loss();
      out.logit[p] = s.logit();
      out.gradChosen[p] = s.gradChosen();
      out.gradRejected[p] = s.gradRejected();
      out.chosenReward[p] = s.chosenReward();
      out.rejectedReward[p] = s.rejectedReward();
    }
  }

  /**
   * A logarithmic derivative ({@code f'(t) = shift + scale log t}: reverse KL and its multiples)
   * with fixed weights: {@code reward = beta scale (l - sum_i alpha_i l_i)}, the slope of z in each
   * log-probability is {@code beta scale}, so every column is a short loop.
   */
  private void reverseKlColumns(DpoBatch batch, double[] alpha, PairScores out) {
    int n = batch.size();
    double[] c = batch.chosen();
    double[] r = batch.rejected();
    for (int p = 0; p < n; p++) {
      if (!Double.isFinite(c[p]) || !Double.isFinite(r[p])) {
        throw new IllegalArgumentException("pair " + p + ": policy log-probabilities must be"
            + " finite, got " + c[p] + " and " + r[p]);
      }
      out.chosenReward[p] = c[p];
      out.rejectedReward[p] = r[p];
    }
    for (int k = 0; k < alpha.length; k++) {
      double a = alpha[k];
      double[] rc = batch.refChosen()[k];
      double[] rr = batch.refRejected()[k];
      for (int p = 0; p < n; p++) {
        out.chosenReward[p] -= a * rc[p];
        out.rejectedReward[p] -= a * rr[p];
      }
    }
    double slopeScale = beta * logScale; // the slope of z in each log-probability
    for (int p = 0; p < n; p++) {
      double w = slopeScale * out.chosenReward[p];
      double l = slopeScale * out.rejectedReward[p];
      out.chosenReward[p] = w;
      out.rejectedReward[p] = l;
      out.logit[p] = w - l;
    }
    for (int p = 0; p < n; p++) {
      if (!Double.isFinite(out.logit[p])) { // a non-finite reference log-probability
        for (int k = 0; k < alpha.length; k++) {
          double rc = batch.refChosen()[k][p];
          double rr = batch.refRejected()[k][p];
          if (!Double.isFinite(rc) || !Double.isFinite(rr)) {
            throw new IllegalArgumentException("pair " + p + ": reference " + k
                + " log-probabilities must be finite, got " + rc + " and " + rr);
          }
        }
      }
    }
    loss.evaluate(out.logit, beta, out.loss, out.gradChosen, n);
    for (int p = 0; p < n; p++) {
      double slope = out.gradChosen[p]; // dL/dz
      out.gradChosen[p] = slopeScale * slope;
      out.gradRejected[p] = -slopeScale * slope;
    }
  }

  /** {@code logsumexp_i(log alpha_i + p u_i)} over the references with positive weight. */
  private static double weightedLogSumExp(double[] alpha, double[] u, double p) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < u.length; i++) {
      if (alpha[i] > 0) {
        max = Math.max(max, Math.log(alpha[i]) + p * u[i]);
      }
    }
    double sum = 0;
    for (int i = 0; i < u.length; i++) {
      if (alpha[i] > 0) {
        sum += Math.exp(Math.log(alpha[i]) + p * u[i] - max);
      }
    }
    return max + Math.log(sum);
  }

  /**
   * {@code sum_i alpha_i (f'(e^{a_i}) - f'(e^{b_i}))} (b = 0 when null), each difference exact,
   * summed after scaling by the largest so that no partial sum overflows.
   */
  private double scaledSum(double[] alpha, double[] a, double[] b) {
    double[] d = new double[a.length];
    double largest = 0;
    for (int i = 0; i < a.length; i++) {
      d[i] = alpha[i] == 0 ? 0.0 : f.fPrimeDifference(a[i], b == null ? 0.0 : b[i]);
      largest = Math.max(largest, Math.abs(d[i]));
    }
    if (largest == 0 || largest == Double.POSITIVE_INFINITY) {
      double plain = 0;
      for (int i = 0; i < a.length; i++) {
        plain += alpha[i] * d[i];
      }
      if (Double.isNaN(plain)) {
        throw new ArithmeticException("the " + f + " DPO logit is beyond the double range with"
            + " an undefined sign: two references' terms overflow in opposite directions");
      }
      return plain;
    }
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += alpha[i] * (d[i] / largest);
    }
    return sum * largest;
  }

  /** {@code logsumexp_i(log alpha_i + log(t f''(t)))} at {@code t = exp(u_i)}. */
  private double logSlopeSum(double[] alpha, double[] u) {
    double max = Double.NEGATIVE_INFINITY;
    double[] terms = new double[u.length];
    for (int i = 0; i < u.length; i++) {
      terms[i] = alpha[i] > 0 ? Math.log(alpha[i]) + f.logSlopeOfFPrime(u[i])
          : Double.NEGATIVE_INFINITY;
      max = Math.max(max, terms[i]);
    }
    if (max == Double.NEGATIVE_INFINITY || max == Double.POSITIVE_INFINITY) {
      return max;
    }
    double sum = 0;
    for (double t : terms) {
      sum += Math.exp(t - max);
    }
    return max + Math.log(sum);
  }

  /** The divergence. */
  public Divergence divergence() {
    return f;
  }

  /** beta. */
  public double beta() {
    return beta;
  }

  /** The loss. */
  public DpoLoss loss() {
    return loss;
  }

  /** The weighting. */
  public ReferenceWeighting weighting() {
    return weighting;
  }
}

package io.github.multiref.solvers;

import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.Stability;

/**
 * The sensitivity of an optimal policy to the reward (the paper's eq. 1 and Lemma 5.4): the
 * Jacobian {@code S[y][y'] = d pi*(y) / d r(y')} on a finite response set (docs/math.md#sensitivity).
 * <ul>
 *   <li>reverse KL (a softmax of {@code log pi_alpha + r / beta}): {@code pi(y) (1[y = y'] -
 *       pi(y')) / beta};
 *   <li>forward KL ({@code pi = beta pibar / (lambda - r)}, lambda fixed by {@code sum pi = 1}):
 *       {@code q(y) (1[y = y'] - q(y') / Q)} with {@code q = pi / (lambda - r)} and {@code Q =
 *       sum q}.
 * </ul>
 * Each matrix is symmetric and positive semi-definite ({@code diag(v) - v v^T / sum v}), and its
 * rows and columns sum to 0: a shift of the reward moves nothing, and the policy stays a
 * distribution.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class Sensitivity {

  private Sensitivity() {}

  /**
   * Reverse KL: {@code d pi*(y) / d r(y') = pi*(y) (1[y = y'] - pi*(y')) / beta}.
   *
   * @param policy the reverse-KL optimum (a tilted escort)
   */
  public static double[][] reverseKl(LogDistribution policy, double beta) {
    if (!(beta > 0 && beta < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("beta must be finite and > 0, got " + beta);
    }
    return outerForm(policy.probs(), 1.0, beta);
  }

  /**
   * Forward KL: {@code d pi*(y) / d r(y') = q(y) (1[y = y'] - q(y') / Q)}, {@code q(y) = pi*(y) /
   * (lambda - r(y))}, from implicit differentiation of {@code sum_y beta pibar(y) / (lambda -
   * r(y)) = 1}: {@code d lambda / d r(y') = q(y') / Q}. Beta enters through pi and lambda only.
   *
   * @param policy the forward-KL optimum
   * @param reward the reward it is optimal for
   * @param lambda its multiplier ({@link io.github.multiref.api.Diagnostic#MULTIPLIER})
   * @throws IllegalArgumentException if a response with mass has {@code r(y) >= lambda}: the
   *     optimum then puts mass outside the mixture's support (lambda = max r), where the policy is
   *     not differentiable in r in this form
   */
  public static double[][] forwardKl(LogDistribution policy, double[] reward, double lambda) {
    int n = policy.size();
    if (reward.length != n) {
      throw new IllegalArgumentException("a reward over " + reward.length + " responses for a"
          + " policy over " + n);
    }
    double[] q = new double[n];
    double total = 0;
    for (int y = 0; y < n; y++) {
      if (policy.inSupport(y)) {
        double gap = lambda - reward[y];
        if (!(gap > 0)) {
          throw new IllegalArgumentException("response " + y + " has mass and reward "
              + reward[y] + " >= lambda = " + lambda + ": the optimum's mass lies outside the"
              + " mixture's support there, where this form does not apply");
        }
        q[y] = policy.prob(y) / gap;
        total += q[y];
      }
    }
    return outerForm(q, total, 1.0);
  }

  /**
   * {@code (diag(v) - v v^T / total) / divisor}, each off-diagonal entry as {@code -(v_y v_z) /
   * total / divisor}, so that the matrix is symmetric to the bit.
   */
  private static double[][] outerForm(double[] v, double total, double divisor) {
    int n = v.length;
    double[][] s = new double[n][n];
    for (int y = 0; y < n; y++) {
      for (int z = 0; z < n; z++) {
        s[y][z] = y == z ? v[y] * (1.0 - v[y] / total) / divisor
            : -(v[y] * v[z]) / total / divisor;
      }
    }
    return s;
  }
}

package io.github.multiref.sequences;

import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.LogMath;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Stability;
import io.github.multiref.divergences.ForwardKl;
import io.github.multiref.divergences.ReverseKl;
import io.github.multiref.solvers.ForwardKlSolver;
import io.github.multiref.solvers.MrpoSolver;
import io.github.multiref.solvers.Objectives;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Token-level policies over a {@link TokenTree} (docs/math.md#token-trees): the exact
 * multi-reference optimum per token, and the per-token ensembles used in practice, with each
 * one's exact multi-reference objective on the tree.
 *
 * <p>With K references of weights alpha and strength beta, the reverse-KL optimum over sequences
 * is {@code pi*(y) proportional to prod_i pi_i(y)^alpha_i exp(R(y)/beta)}. Its conditionals come
 * from one backward sweep: {@code V(leaf) = exp(r_leaf/beta)}, {@code V(s) = sum_a prod_i pi_i(a|s)^
 * alpha_i exp(r(s,a)/beta) V(sa)} and {@code pi*(a|s) = prod_i pi_i(a|s)^alpha_i exp(r(s,a)/beta)
 * V(sa) / V(s)}, all in log space.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class PerToken {

  private PerToken() {}

  /** The exact reverse-KL optimum per token, and {@code log V(root)}. */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Optimum(TokenPolicy policy, double logValue) {}

  /**
   * The reverse-KL multi-reference optimum, per token, by backward recursion. On a full tree
   * {@code beta * logValue} is the optimal objective {@code J*}.
   */
  public static Optimum reverseKl(TokenTree tree, double[] alpha, double beta) {
    check(tree, alpha, beta);
    double[] edge = new double[tree.nodes()]; // log of prod_i pi_i(a|s)^alpha_i exp(r(s,a)/beta)
    for (int node = 1; node < tree.nodes(); node++) {
      double s = tree.tokenReward(node) / beta;
      for (int i = 0; i < alpha.length; i++) {
        if (alpha[i] > 0) { // a weight-0 reference never matters, even with no mass
          s += alpha[i] * tree.logProb(i, node);
        }
      }
      edge[node] = s;
    }
    return tilt(tree, edge, beta);
  }

  /**
   * The optimum of {@code E_pi R - beta KL(pi || rho)} for one token-level reference rho (an
   * ensemble, say): rho tilted by {@code exp(R/beta)}, as DPO against rho would train toward.
   */
  public static TokenPolicy tilted(TokenPolicy reference, double beta) {
    TokenTree tree = reference.tree();
    double[] edge = new double[tree.nodes()];
    for (int node = 1; node < tree.nodes(); node++) {
      edge[node] = reference.logConditional(node) + tree.tokenReward(node) / beta;
    }
    return tilt(tree, edge, beta).policy();
  }

  /** The backward sweep over per-edge log-weights; leaves carry {@code exp(r_leaf/beta)}. */
  private static Optimum tilt(TokenTree tree, double[] edge, double beta) {
    int n = tree.nodes();
    double[] logV = new double[n];
    java.util.Arrays.fill(logV, Double.NEGATIVE_INFINITY);
    for (int node = n - 1; node >= 0; node--) {
      if (tree.children(node) == 0) {
        logV[node] = tree.sequenceReward(node) / beta;
      }
      if (node > 0) {
        int p = tree.parent(node);
        logV[p] = LogMath.logAddExp(logV[p], edge[node] + logV[node]);
      }
    }
    if (logV[0] == Double.NEGATIVE_INFINITY) {
      throw new IllegalArgumentException("no sequence has mass under every reference of positive"
          + " weight");
    }
    double[] cond = new double[n];
    for (int node = 1; node < n; node++) {
      double parent = logV[tree.parent(node)];
      cond[node] = parent == Double.NEGATIVE_INFINITY
          ? -Math.log(tree.children(tree.parent(node))) : edge[node] + logV[node] - parent;
    }
    return new Optimum(new TokenPolicy(tree, cond), logV[0]);
  }

  /**
   * The geometric per-token ensemble {@code g(a|s) proportional to prod_i pi_i(a|s)^alpha_i},
   * renormalized over the children at every step.
   */
  public static TokenPolicy geometricEnsemble(TokenTree tree, double[] alpha) {
    check(tree, alpha, 1);
    double[] cond = new double[tree.nodes()];
    for (int node = 1; node < tree.nodes(); node++) {
      double s = 0;
      for (int i = 0; i < alpha.length; i++) {
        if (alpha[i] > 0) {
          s += alpha[i] * tree.logProb(i, node);
        }
      }
      cond[node] = s;
    }
    return renormalizedPerStep(tree, cond);
  }

  /**
   * The arithmetic per-token ensemble {@code sum_i alpha_i pi_i(a|s)}, renormalized over the
   * children at every step (on a full tree it already sums to 1).
   */
  public static TokenPolicy arithmeticEnsemble(TokenTree tree, double[] alpha) {
    check(tree, alpha, 1);
    double[] cond = new double[tree.nodes()];
    double[] terms = new double[alpha.length];
    for (int node = 1; node < tree.nodes(); node++) {
      for (int i = 0; i < alpha.length; i++) {
        terms[i] = alpha[i] > 0 ? Math.log(alpha[i]) + tree.logProb(i, node)
            : Double.NEGATIVE_INFINITY;
      }
      cond[node] = LogMath.logSumExp(terms);
    }
    return renormalizedPerStep(tree, cond);
  }

  private static TokenPolicy renormalizedPerStep(TokenTree tree, double[] cond) {
    for (int node = 0; node < tree.nodes(); node++) {
      int k = tree.children(node);
      if (k == 0) {
        continue;
      }
      int first = tree.firstChild(node);
      double z = LogMath.logSumExp(cond, first, first + k);
      for (int c = first; c < first + k; c++) {
        cond[c] = z == Double.NEGATIVE_INFINITY ? -Math.log(k) : cond[c] - z;
      }
    }
    return new TokenPolicy(tree, cond);
  }

  /**
   * The multi-reference problem over the tree's leaves: each reference's sequence distribution
   * (renormalized over the leaves of a trie, as {@code solve} renormalizes candidates; exact on a
   * full tree), the leaves' total rewards, beta and the divergence.
   */
  public static RegularizedProblem leafProblem(TokenTree tree, double[] alpha, double beta,
      boolean forward) {
    List<LogDistribution> refs = new ArrayList<>();
    for (int i = 0; i < tree.references(); i++) {
      refs.add(LogDistribution.normalize(tree.leafLogProbs(i)));
    }
    return RegularizedProblem.of(ReferenceSet.of(refs, alpha), tree.leafRewards(), beta,
        forward ? ForwardKl.INSTANCE : ReverseKl.INSTANCE);
  }

  /** The forward-KL optimum over the leaves ({@link ForwardKlSolver}), as conditionals. */
  public static TokenPolicy forwardKl(TokenTree tree, double[] alpha, double beta) {
    check(tree, alpha, beta);
    PolicySolution s = ForwardKlSolver.DEFAULT.solve(leafProblem(tree, alpha, beta, true));
    return TokenPolicy.fromLeaves(tree, s.policy().logProbs());
  }

  /** MRPO's surrogate over the leaves ({@link MrpoSolver}), as conditionals. */
  public static TokenPolicy mrpo(TokenTree tree, double[] alpha, double beta) {
    check(tree, alpha, beta);
    PolicySolution s = MrpoSolver.INSTANCE.solve(leafProblem(tree, alpha, beta, false));
    return TokenPolicy.fromLeaves(tree, s.policy().logProbs());
  }

  /**
   * One policy measured on the tree, exactly (sums over every leaf).
   *
   * @param name what the policy is
   * @param reverseObjective {@code J_R(pi) = E_pi R - beta sum_i alpha_i KL(pi || pi_i)}
   * @param reverseGap {@code J_R(pi*) - J_R(pi) >= 0}
   * @param forwardObjective {@code J_F(pi) = E_pi R - beta sum_i alpha_i KL(pi_i || pi)}
   * @param forwardGap {@code J_F(pi_F*) - J_F(pi) >= 0}
   * @param klFromOptimum {@code KL(pi* || pi)}, pi* the reverse-KL optimum
   * @param expectedReward {@code E_pi R}
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Measured(String name, double reverseObjective, double reverseGap,
      double forwardObjective, double forwardGap, double klFromOptimum, double expectedReward) {}

  /**
   * The exact optima and the per-token ensembles, each measured on the tree: {@code exact}
   * (the reverse-KL optimum per token), {@code forward-kl-exact}, {@code geometric-tilted} and
   * {@code arithmetic-tilted} (each ensemble tilted by the reward) and {@code mrpo}; also the
   * untilted ensembles, {@code geometric} and {@code arithmetic}.
   */
  public static List<Measured> compare(TokenTree tree, double[] alpha, double beta) {
    Map<String, TokenPolicy> policies = new LinkedHashMap<>();
    Optimum exact = reverseKl(tree, alpha, beta);
    policies.put("exact", exact.policy());
    policies.put("forward-kl-exact", forwardKl(tree, alpha, beta));
    TokenPolicy geometric = geometricEnsemble(tree, alpha);
    TokenPolicy arithmetic = arithmeticEnsemble(tree, alpha);
    policies.put("geometric-tilted", tilted(geometric, beta));
    policies.put("arithmetic-tilted", tilted(arithmetic, beta));
    policies.put("mrpo", mrpo(tree, alpha, beta));
    policies.put("geometric", geometric);
    policies.put("arithmetic", arithmetic);
    RegularizedProblem reverse = leafProblem(tree, alpha, beta, false);
    RegularizedProblem forward = leafProblem(tree, alpha, beta, true);
    double[] optimum = exact.policy().leafLogProbs();
    double bestReverse = Objectives.evaluate(distribution(optimum), reverse).value();
    double bestForward = Objectives.evaluate(distribution(
        policies.get("forward-kl-exact").leafLogProbs()), forward).value();
    double[] reward = tree.leafRewards();
    List<Measured> out = new ArrayList<>();
    for (Map.Entry<String, TokenPolicy> e : policies.entrySet()) {
      double[] lp = e.getValue().leafLogProbs();
      LogDistribution pi = distribution(lp);
      double jr = Objectives.evaluate(pi, reverse).value();
      double jf = Objectives.evaluate(pi, forward).value();
      double kl = 0;
      double er = 0;
      for (int l = 0; l < lp.length; l++) {
        double p = Math.exp(optimum[l]);
        if (p > 0) {
          kl += p * (optimum[l] - lp[l]);
        }
        if (lp[l] > Double.NEGATIVE_INFINITY) {
          er += Math.exp(lp[l]) * reward[l];
        }
      }
      out.add(new Measured(e.getKey(), jr, bestReverse - jr, jf, bestForward - jf, kl, er));
    }
    return out;
  }

  /** Sequence log-probabilities that sum to 1 up to rounding, as a distribution. */
  private static LogDistribution distribution(double[] leafLogProbs) {
    return LogDistribution.normalize(leafLogProbs);
  }

  private static void check(TokenTree tree, double[] alpha, double beta) {
    if (alpha.length != tree.references()) {
      throw new IllegalArgumentException("alpha has " + alpha.length + " weights but the tree has "
          + tree.references() + " references");
    }
    ReferenceSet.of(java.util.Collections.nCopies(alpha.length, LogDistribution.uniform(1)),
        alpha); // the weights' own checks: non-negative, summing to 1
    if (!(beta > 0 && beta < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("beta must be finite and > 0, got " + beta);
    }
  }
}

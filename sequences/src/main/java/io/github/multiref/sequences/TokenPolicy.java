package io.github.multiref.sequences;

import io.github.multiref.api.LogMath;
import io.github.multiref.api.Stability;

/**
 * A policy over a {@link TokenTree} as a decoder uses it: {@code log pi(a | s)} on every edge. Its
 * sequence log-probabilities are the sums along the paths. Immutable.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class TokenPolicy {

  private final TokenTree tree;
  private final double[] logConditional; // per node: the edge into it; 0 at the root

  TokenPolicy(TokenTree tree, double[] logConditional) {
    this.tree = tree;
    this.logConditional = logConditional;
  }

  /**
   * The conditionals of a policy given by its sequence log-probabilities over the leaves
   * (leaves in {@link TokenTree#leaf} order): {@code pi(a | s) = pi(subtree of sa) / pi(subtree
   * of s)}, each subtree's mass a log-sum-exp of its leaves. An edge into a subtree of no mass
   * gets {@code -inf}; below a node of no mass the conditionals are uniform over its children.
   */
  public static TokenPolicy fromLeaves(TokenTree tree, double[] leafLogProbs) {
    if (leafLogProbs.length != tree.leafCount()) {
      throw new IllegalArgumentException("leafLogProbs has " + leafLogProbs.length
          + " entries but the tree has " + tree.leafCount() + " leaves");
    }
    int n = tree.nodes();
    double[] logMass = new double[n];
    java.util.Arrays.fill(logMass, Double.NEGATIVE_INFINITY);
    for (int l = 0; l < tree.leafCount(); l++) {
      logMass[tree.leaf(l)] = leafLogProbs[l];
    }
    for (int node = n - 1; node > 0; node--) { // children before parents
      int p = tree.parent(node);
      logMass[p] = LogMath.logAddExp(logMass[p], logMass[node]);
    }
    double[] cond = new double[n];
    for (int node = 1; node < n; node++) {
      double parentMass = logMass[tree.parent(node)];
      cond[node] = parentMass == Double.NEGATIVE_INFINITY
          ? -Math.log(tree.children(tree.parent(node))) : logMass[node] - parentMass;
    }
    return new TokenPolicy(tree, cond);
  }

  public TokenTree tree() {
    return tree;
  }

  /** {@code log pi(token(node) | prefix(parent(node)))}; 0 at the root. */
  public double logConditional(int node) {
    return logConditional[node];
  }

  /** The sequence log-probability of every leaf: the conditionals summed along its path. */
  public double[] leafLogProbs() {
    return tree.leafSums(logConditional);
  }
}

package io.github.multiref.sequences;

import io.github.multiref.api.LogMath;
import io.github.multiref.api.Stability;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * K autoregressive references over sequences, as a tree of prefixes: every node is a prefix, and
 * the edge into it carries each reference's next-token log-probability {@code log pi_i(a | s)} and
 * the reward collected on that token. The leaves are the complete sequences.
 *
 * <p>Two shapes: the {@linkplain #full full tree} of every sequence of length T over a vocabulary
 * of V tokens (at every node the conditionals of each reference sum to 1, so each reference's
 * leaf probabilities do too), and the {@linkplain #trie trie} of a set of sequences (sampled
 * ones, say), whose edges are the tokens the sequences use with the conditionals the models give
 * them, so each reference's mass over the leaves is at most 1.
 *
 * <p>Nodes are numbered breadth first from the root (node 0): a node's children are contiguous and
 * come after it, so one backward sweep over the node numbers visits children before parents.
 * Immutable.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class TokenTree {

  /** The most leaves a tree may have (a full tree of 4^12, 16.8 M sequences, and no more). */
  public static final int MAX_LEAVES = 1 << 24;

  /** Each reference's next-token distribution after a prefix. */
  @Stability(Stability.Status.EXPERIMENTAL)
  @FunctionalInterface
  public interface Model {
    /**
     * Fills {@code out[i][a]} with {@code log pi_i(a | prefix[0 .. length - 1])} for every token a
     * of the vocabulary and every reference i; each row must be a distribution (it sums to 1).
     */
    void nextLogProbs(int[] prefix, int length, double[][] out);
  }

  /** The reward: per token, per complete sequence, or both (they add up along a path). */
  @Stability(Stability.Status.EXPERIMENTAL)
  public interface Rewards {
    /** The reward of emitting {@code token} after {@code prefix[0 .. length - 1]}. */
    double token(int[] prefix, int length, int token);

    /** The reward of the complete sequence {@code sequence[0 .. length - 1]}. */
    double sequence(int[] sequence, int length);

    /** No reward anywhere. */
    Rewards NONE = new Rewards() {
      @Override
      public double token(int[] prefix, int length, int token) {
        return 0;
      }

      @Override
      public double sequence(int[] sequence, int length) {
        return 0;
      }
    };
  }

  /** How far a reference's conditionals at a node of a full tree may be from summing to 1. */
  static final double NORMALIZATION_TOLERANCE = 1e-9;

  private final int vocabulary;
  private final int[] parent;
  private final int[] token;
  private final int[] depth;
  private final int[] firstChild;
  private final int[] childCount;
  private final double[][] logProb; // [reference][node], 0 at the root
  private final double[] tokenReward; // on the edge into the node, 0 at the root
  private final double[] sequenceReward; // at leaves, 0 elsewhere
  private final int[] leaves;
  private final boolean full;

  private TokenTree(int vocabulary, int[] parent, int[] token, int[] depth, int[] firstChild,
      int[] childCount, double[][] logProb, double[] tokenReward, double[] sequenceReward,
      boolean full) {
    this.vocabulary = vocabulary;
    this.parent = parent;
    this.token = token;
    this.depth = depth;
    this.firstChild = firstChild;
    this.childCount = childCount;
    this.logProb = logProb;
    this.tokenReward = tokenReward;
    this.sequenceReward = sequenceReward;
    this.full = full;
    int count = 0;
    for (int c : childCount) {
      count += c == 0 ? 1 : 0;
    }
    leaves = new int[count];
    for (int n = 0, l = 0; n < childCount.length; n++) {
      if (childCount[n] == 0) {
        leaves[l++] = n;
      }
    }
  }

  /**
   * Every sequence of {@code length} tokens over a vocabulary of {@code vocabulary}.
   *
   * @param references K, the number of rows {@code model} fills
   * @throws IllegalArgumentException when the tree would have more than {@link #MAX_LEAVES}
   *     leaves, or a conditional of the model is not a distribution (naming the prefix)
   */
  public static TokenTree full(int vocabulary, int length, int references, Model model,
      Rewards rewards) {
    if (vocabulary < 1 || length < 1 || references < 1) {
      throw new IllegalArgumentException("vocabulary, length and references must be >= 1, got "
          + vocabulary + ", " + length + ", " + references);
    }
    long leafCount = 1;
    long nodes = 1;
    for (int t = 0; t < length; t++) {
      leafCount *= vocabulary;
      if (leafCount > MAX_LEAVES) {
        throw new IllegalArgumentException("a full tree of vocabulary " + vocabulary
            + " and length " + length + " has more than " + MAX_LEAVES + " leaves; use a"
            + " shorter length, a smaller vocabulary, or the trie of sampled sequences");
      }
      nodes += leafCount;
    }
    int n = (int) nodes;
    Building b = new Building(n, references, vocabulary);
    int next = 1;
    int[] prefix = new int[length];
    double[][] out = new double[references][vocabulary];
    for (int node = 0; node < n; node++) {
      int d = b.depth[node];
      if (d == length) {
        b.sequenceReward[node] = rewards.sequence(b.prefix(node, prefix), d);
        continue;
      }
      b.prefix(node, prefix);
      model.nextLogProbs(prefix, d, out);
      checkDistribution(out, prefix, d, true);
      b.firstChild[node] = next;
      b.childCount[node] = vocabulary;
      for (int a = 0; a < vocabulary; a++, next++) {
        b.attach(next, node, a, out, rewards.token(prefix, d, a));
      }
    }
    return b.done(vocabulary, true);
  }

  /**
   * The trie of a set of sequences (each a token array, none a proper prefix of another;
   * duplicates count once): its leaves are the distinct sequences.
   *
   * @throws IllegalArgumentException naming the sequence that is empty, holds a token outside the
   *     vocabulary or is a prefix of another
   */
  public static TokenTree trie(List<int[]> sequences, int vocabulary, int references,
      Model model, Rewards rewards) {
    Objects.requireNonNull(sequences, "sequences");
    if (sequences.isEmpty()) {
      throw new IllegalArgumentException("no sequences");
    }
    // the prefixes level by level: each distinct prefix once, with its children in token order
    List<Map<List<Integer>, Integer>> levels = new ArrayList<>();
    int maxLength = 0;
    for (int s = 0; s < sequences.size(); s++) {
      int[] seq = sequences.get(s);
      if (seq.length == 0) {
        throw new IllegalArgumentException("sequence " + s + " is empty");
      }
      for (int t : seq) {
        if (t < 0 || t >= vocabulary) {
          throw new IllegalArgumentException("sequence " + s + " holds token " + t
              + ", outside the vocabulary of " + vocabulary);
        }
      }
      maxLength = Math.max(maxLength, seq.length);
    }
    Map<List<Integer>, Boolean> ends = new HashMap<>();
    for (int[] seq : sequences) {
      ends.put(boxed(seq, seq.length), Boolean.TRUE);
    }
    for (int s = 0; s < sequences.size(); s++) {
      int[] seq = sequences.get(s);
      for (int l = 1; l < seq.length; l++) {
        if (ends.containsKey(boxed(seq, l))) {
          throw new IllegalArgumentException("a sequence is a proper prefix of sequence " + s
              + "; end every sequence with an end-of-sequence token");
        }
      }
    }
    // children of each prefix, sorted
    Map<List<Integer>, java.util.TreeSet<Integer>> children = new HashMap<>();
    for (int[] seq : sequences) {
      for (int l = 0; l < seq.length; l++) {
        children.computeIfAbsent(boxed(seq, l), x -> new java.util.TreeSet<>()).add(seq[l]);
      }
    }
    int count = 1;
    for (java.util.TreeSet<Integer> c : children.values()) {
      count += c.size();
    }
    if (ends.size() > MAX_LEAVES) {
      throw new IllegalArgumentException("more than " + MAX_LEAVES + " distinct sequences");
    }
    Building b = new Building(count, references, vocabulary);
    List<List<Integer>> order = new ArrayList<>(count);
    order.add(List.of());
    int next = 1;
    int[] prefix = new int[maxLength];
    double[][] out = new double[references][vocabulary];
    for (int node = 0; node < count; node++) {
      List<Integer> p = order.get(node);
      int d = p.size();
      b.prefix(node, prefix);
      java.util.TreeSet<Integer> kids = children.get(p);
      if (kids == null) {
        b.sequenceReward[node] = rewards.sequence(prefix, d);
        continue;
      }
      model.nextLogProbs(prefix, d, out);
      checkDistribution(out, prefix, d, false);
      b.firstChild[node] = next;
      b.childCount[node] = kids.size();
      for (int a : kids) {
        List<Integer> child = new ArrayList<>(p);
        child.add(a);
        order.add(child);
        b.attach(next++, node, a, out, rewards.token(prefix, d, a));
      }
    }
    return b.done(vocabulary, false);
  }

  private static List<Integer> boxed(int[] seq, int length) {
    List<Integer> l = new ArrayList<>(length);
    for (int i = 0; i < length; i++) {
      l.add(seq[i]);
    }
    return l;
  }

  private static void checkDistribution(double[][] out, int[] prefix, int length,
      boolean full) {
    for (int i = 0; i < out.length; i++) {
      for (double v : out[i]) {
        if (Double.isNaN(v) || v > 0) {
          throw new IllegalArgumentException("reference " + i + " after prefix "
              + Arrays.toString(Arrays.copyOf(prefix, length)) + " gives a log-probability of "
              + v + "; expected <= 0");
        }
      }
      double total = LogMath.logSumExp(out[i]);
      if (!(Math.abs(total) <= NORMALIZATION_TOLERANCE)) {
        throw new IllegalArgumentException("reference " + i + " after prefix "
            + Arrays.toString(Arrays.copyOf(prefix, length)) + " is not a distribution: its"
            + " log-probabilities sum to log " + Math.exp(total) + (full ? "" : " over the"
            + " vocabulary"));
      }
    }
  }

  /** The arrays of a tree being built. */
  private static final class Building {
    final int[] parent;
    final int[] token;
    final int[] depth;
    final int[] firstChild;
    final int[] childCount;
    final double[][] logProb;
    final double[] tokenReward;
    final double[] sequenceReward;

    Building(int n, int references, int vocabulary) {
      parent = new int[n];
      token = new int[n];
      depth = new int[n];
      firstChild = new int[n];
      childCount = new int[n];
      logProb = new double[references][n];
      tokenReward = new double[n];
      sequenceReward = new double[n];
      parent[0] = -1;
      token[0] = -1;
    }

    /** The tokens of node's prefix into {@code prefix}, which it returns. */
    int[] prefix(int node, int[] prefix) {
      for (int n = node, d = depth[node] - 1; n > 0; n = parent[n], d--) {
        prefix[d] = token[n];
      }
      return prefix;
    }

    void attach(int child, int node, int a, double[][] out, double reward) {
      if (!Double.isFinite(reward)) {
        throw new IllegalArgumentException("the reward of token " + a + " at node " + node
            + " is " + reward + "; expected a finite number");
      }
      parent[child] = node;
      token[child] = a;
      depth[child] = depth[node] + 1;
      for (int i = 0; i < out.length; i++) {
        logProb[i][child] = out[i][a];
      }
      tokenReward[child] = reward;
    }

    TokenTree done(int vocabulary, boolean full) {
      for (double r : sequenceReward) {
        if (!Double.isFinite(r)) {
          throw new IllegalArgumentException("a sequence reward is " + r
              + "; expected a finite number");
        }
      }
      return new TokenTree(vocabulary, parent, token, depth, firstChild, childCount, logProb,
          tokenReward, sequenceReward, full);
    }
  }

  /** The number of nodes, the root included. */
  public int nodes() {
    return parent.length;
  }

  /** K. */
  public int references() {
    return logProb.length;
  }

  public int vocabulary() {
    return vocabulary;
  }

  /** Whether this is a full tree (every reference's leaf probabilities sum to 1). */
  public boolean isFull() {
    return full;
  }

  /** The parent of a node; -1 for the root. */
  public int parent(int node) {
    return parent[node];
  }

  /** The token on the edge into a node; -1 for the root. */
  public int token(int node) {
    return token[node];
  }

  public int depth(int node) {
    return depth[node];
  }

  /** The first child of a node (meaningless for a leaf). */
  public int firstChild(int node) {
    return firstChild[node];
  }

  /** The number of children of a node; 0 for a leaf. */
  public int children(int node) {
    return childCount[node];
  }

  /** {@code log pi_i(token(node) | prefix(parent(node)))}; 0 at the root. */
  public double logProb(int reference, int node) {
    return logProb[reference][node];
  }

  /** The reward of the token on the edge into a node; 0 at the root. */
  public double tokenReward(int node) {
    return tokenReward[node];
  }

  /** The sequence reward of a leaf; 0 for other nodes. */
  public double sequenceReward(int node) {
    return sequenceReward[node];
  }

  /** The number of leaves: the complete sequences. */
  public int leafCount() {
    return leaves.length;
  }

  /** The node of leaf l (leaves in node order). */
  public int leaf(int l) {
    return leaves[l];
  }

  /** The tokens of a node's prefix. */
  public int[] sequence(int node) {
    int[] s = new int[depth[node]];
    for (int n = node, d = s.length - 1; n > 0; n = parent[n], d--) {
      s[d] = token[n];
    }
    return s;
  }

  /** Reference i's sequence log-probability of every leaf: its conditionals summed along paths. */
  public double[] leafLogProbs(int reference) {
    return leafSums(logProb[reference]);
  }

  /** The total reward of every leaf: token rewards along its path plus its sequence reward. */
  public double[] leafRewards() {
    double[] sums = pathSums(tokenReward);
    double[] out = new double[leaves.length];
    for (int l = 0; l < leaves.length; l++) {
      out[l] = sums[leaves[l]] + sequenceReward[leaves[l]];
    }
    return out;
  }

  /** Per-node values summed from the root, read at the leaves. */
  double[] leafSums(double[] perNode) {
    double[] sums = pathSums(perNode);
    double[] out = new double[leaves.length];
    for (int l = 0; l < leaves.length; l++) {
      out[l] = sums[leaves[l]];
    }
    return out;
  }

  private double[] pathSums(double[] perNode) {
    double[] sums = new double[parent.length];
    for (int n = 1; n < parent.length; n++) {
      sums[n] = sums[parent[n]] + perNode[n];
    }
    return sums;
  }
}

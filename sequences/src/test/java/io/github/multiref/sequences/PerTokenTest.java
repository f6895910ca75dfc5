package io.github.multiref.sequences;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.api.LogMath;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.solvers.ForwardKlSolver;
import io.github.multiref.solvers.ReverseKlSolver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The per-token optimum against the sequence-level solvers on the enumerated leaves, and the
 * per-token ensembles against it.
 */
class PerTokenTest {

  private static final double[] ALPHA = {0.5, 0.3, 0.2};

  private static TokenTree full(double disagreement, double beta, long seed) {
    SyntheticReferences model = new SyntheticReferences(4, new double[] {1, 0.7, 1.5}, 3,
        disagreement, seed);
    return TokenTree.full(4, 6, 3, model, SyntheticReferences.rewards(seed, 0.5, 2));
  }

  /** n sequences of the given length drawn from reference 0, each ended by token V - 1. */
  private static List<int[]> sampled(TokenTree.Model model, int vocabulary, int k, int n,
      int length, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<int[]> out = new ArrayList<>();
    double[][] lp = new double[k][vocabulary];
    for (int s = 0; s < n; s++) {
      int[] seq = new int[length + 1];
      for (int t = 0; t < length; t++) {
        model.nextLogProbs(seq, t, lp);
        double u = rng.nextDouble();
        int a = 0;
        double c = 0;
        for (; a < vocabulary - 2; a++) { // never the end token inside a sequence
          c += Math.exp(lp[0][a]);
          if (u * (1 - Math.exp(lp[0][vocabulary - 1])) < c) {
            break;
          }
        }
        seq[t] = a;
      }
      seq[length] = vocabulary - 1;
      out.add(seq);
    }
    return out;
  }

  @Test
  void thePerTokenOptimumMultipliedAlongEveryPathIsSolvesSolutionOnTheLeaves() {
    for (double beta : new double[] {0.05, 1, 20}) {
      TokenTree tree = full(2, beta, 1);
      assertThat(tree.leafCount()).isEqualTo(4096);
      PerToken.Optimum optimum = PerToken.reverseKl(tree, ALPHA, beta);
      PolicySolution solved = ReverseKlSolver.INSTANCE.solve(
          PerToken.leafProblem(tree, ALPHA, beta, false));
      double[] perToken = optimum.policy().leafLogProbs();
      double[] sequence = solved.policy().logProbs();
      for (int l = 0; l < perToken.length; l++) {
        assertThat(perToken[l]).isCloseTo(sequence[l], within(1e-12));
      }
      assertThat(beta * optimum.logValue()).isCloseTo(solved.objective(),
          within(1e-12 * Math.max(1, Math.abs(solved.objective()))));
    }
  }

  @Test
  void onATrieOfSampledSequencesAtRealMagnitudesTooAndAgainstForwardKl() {
    SyntheticReferences model = new SyntheticReferences(40, new double[] {1, 0.8, 1.3}, 2, 2,
        7);
    List<int[]> sequences = sampled(model, 40, 3, 300, 100, 8);
    TokenTree trie = TokenTree.trie(sequences, 40, 3, model,
        SyntheticReferences.rewards(9, 0.2, 5));
    assertThat(trie.leafCount()).isEqualTo(300);
    for (int i = 0; i < 3; i++) { // sequence log-probabilities of a real model's magnitude
      for (double v : trie.leafLogProbs(i)) {
        assertThat(v).isBetween(-1000.0, -50.0);
      }
    }
    double beta = 2;
    double[] perToken = PerToken.reverseKl(trie, ALPHA, beta).policy().leafLogProbs();
    double[] sequence = ReverseKlSolver.INSTANCE.solve(
        PerToken.leafProblem(trie, ALPHA, beta, false)).policy().logProbs();
    for (int l = 0; l < perToken.length; l++) {
      assertThat(perToken[l]).isCloseTo(sequence[l], within(1e-12));
    }
    // the forward-KL optimum's conditionals multiply back to the sequence-level solution
    double[] forward = PerToken.forwardKl(trie, ALPHA, beta).leafLogProbs();
    double[] solvedForward = ForwardKlSolver.DEFAULT.solve(
        PerToken.leafProblem(trie, ALPHA, beta, true)).policy().logProbs();
    for (int l = 0; l < forward.length; l++) {
      assertThat(forward[l]).isCloseTo(solvedForward[l], within(1e-12));
    }
  }

  @Test
  void withIdenticalReferencesEveryEnsembleIsExact() {
    SyntheticReferences same = new SyntheticReferences(5, new double[] {1.2, 1.2, 1.2}, 3, 0, 3);
    TokenTree tree = TokenTree.full(5, 5, 3, same, SyntheticReferences.rewards(4, 1, 1));
    Map<String, PerToken.Measured> m = byName(PerToken.compare(tree, ALPHA, 0.7));
    for (String name : new String[] {"exact", "geometric-tilted", "arithmetic-tilted", "mrpo"}) {
      assertThat(m.get(name).reverseGap()).as(name).isCloseTo(0, within(1e-12));
      assertThat(m.get(name).klFromOptimum()).as(name).isCloseTo(0, within(1e-12));
    }
    assertThat(m.get("forward-kl-exact").forwardGap()).isCloseTo(0, within(1e-12));
  }

  @Test
  void theGeometricEnsembleIsExactOnlyWhenThePerStepNormalizersAgree() {
    // normalizers equal across the prefixes of each length (they differ between lengths):
    // reference 2 is reference 1 with its tokens permuted, by a permutation that depends on the
    // prefix's length alone, and both have the same next-token distribution after every prefix
    double[] shape = {-0.2, -1.9, -3.4, -4.1};
    double z = LogMath.logSumExp(shape);
    TokenTree.Model permuted = (prefix, length, out) -> {
      for (int a = 0; a < 4; a++) {
        out[0][a] = shape[a] - z;
        out[1][a] = shape[(a + 1 + length % 3) % 4] - z;
      }
    };
    double[] half = {0.5, 0.5};
    TokenTree equal = TokenTree.full(4, 6, 2, permuted, SyntheticReferences.rewards(5, 1, 1));
    assertThat(normalizersPerLength(equal, half)).isEqualTo(1);
    assertThat(byName(PerToken.compare(equal, half, 0.5)).get("geometric-tilted").reverseGap())
        .isCloseTo(0, within(1e-12));
    // normalizers that differ across prefixes: the geometric ensemble is strictly worse
    for (long seed = 1; seed <= 5; seed++) {
      SyntheticReferences model = new SyntheticReferences(4, new double[] {1, 1}, 2, 1.5, seed);
      TokenTree tree = TokenTree.full(4, 6, 2, model, SyntheticReferences.rewards(seed, 1, 1));
      assertThat(normalizersPerLength(tree, half)).isGreaterThan(1);
      Map<String, PerToken.Measured> m = byName(PerToken.compare(tree, half, 0.5));
      assertThat(m.get("geometric-tilted").reverseGap()).isGreaterThan(1e-6);
      assertThat(m.get("geometric-tilted").klFromOptimum()).isGreaterThan(1e-6);
      for (PerToken.Measured row : m.values()) {
        assertThat(row.reverseGap()).as(row.name()).isGreaterThanOrEqualTo(-1e-12);
        assertThat(row.forwardGap()).as(row.name()).isGreaterThanOrEqualTo(-1e-12);
      }
    }
  }

  /**
   * The most distinct per-step normalizers {@code log sum_a prod_i pi_i(a|s)^alpha_i} (to 1e-12)
   * among the prefixes of one length.
   */
  private static int normalizersPerLength(TokenTree tree, double[] alpha) {
    Map<Integer, java.util.Set<Long>> byDepth = new java.util.HashMap<>();
    for (int node = 0; node < tree.nodes(); node++) {
      if (tree.children(node) == 0) {
        continue;
      }
      double[] terms = new double[tree.children(node)];
      for (int c = 0; c < terms.length; c++) {
        for (int i = 0; i < alpha.length; i++) {
          terms[c] += alpha[i] * tree.logProb(i, tree.firstChild(node) + c);
        }
      }
      byDepth.computeIfAbsent(tree.depth(node), d -> new java.util.HashSet<>())
          .add(Math.round(LogMath.logSumExp(terms) * 1e12));
    }
    return byDepth.values().stream().mapToInt(java.util.Set::size).max().orElseThrow();
  }

  @Test
  void characterNgramsAreDistributionsWithTheCountsOfTheirText() {
    CharNgram bigram = CharNgram.train("abab abba", "ab ", 2, 0.5);
    double[] out = new double[3];
    bigram.nextLogProbs(new int[] {0}, 1, out); // after 'a' (3 times, the last 'a' ends): b 3
    assertThat(Math.exp(out[1])).isCloseTo((3 + 0.5) / (3 + 1.5), within(1e-15));
    assertThat(Math.exp(LogMath.logSumExp(out))).isCloseTo(1, within(1e-15));
    bigram.nextLogProbs(new int[0], 0, out); // no context: the unigram counts 4 a, 4 b, 1 ' '
    assertThat(Math.exp(out[2])).isCloseTo((1 + 0.5) / (9 + 1.5), within(1e-15));
    CharNgram unigram = CharNgram.train("abab abba", "ab ", 1, 0.5);
    TokenTree tree = TokenTree.full(3, 4, 2, CharNgram.references(List.of(bigram, unigram)),
        TokenTree.Rewards.NONE);
    for (int i = 0; i < 2; i++) {
      assertThat(Math.exp(LogMath.logSumExp(tree.leafLogProbs(i)))).isCloseTo(1, within(1e-12));
    }
  }

  @Test
  void badModelsAndTreesAreRefusedByName() {
    TokenTree.Model unnormalized = (prefix, length, out) -> Arrays.fill(out[0], -1.0);
    assertThatThrownBy(() -> TokenTree.full(3, 2, 1, unnormalized, TokenTree.Rewards.NONE))
        .hasMessageStartingWith("reference 0 after prefix [] is not a distribution");
    assertThatThrownBy(() -> TokenTree.full(4, 13, 1, unnormalized, TokenTree.Rewards.NONE))
        .hasMessageContaining("has more than 16777216 leaves");
    SyntheticReferences model = new SyntheticReferences(3, new double[] {1}, 1, 0, 1);
    assertThatThrownBy(() -> TokenTree.trie(List.of(new int[] {0, 1}, new int[] {0}), 3, 1,
        model, TokenTree.Rewards.NONE)).hasMessageContaining("is a proper prefix of sequence 0");
    assertThatThrownBy(() -> TokenTree.trie(List.of(new int[] {0, 3}), 3, 1, model,
        TokenTree.Rewards.NONE)).hasMessage("sequence 0 holds token 3, outside the vocabulary of 3");
  }

  private static Map<String, PerToken.Measured> byName(List<PerToken.Measured> rows) {
    return rows.stream().collect(Collectors.toMap(PerToken.Measured::name, Function.identity()));
  }
}

package io.github.multiref.training;

import io.github.multiref.api.LogMath;
import io.github.multiref.api.Stability;
import java.util.Arrays;

/**
 * What multi-reference DPO trains on: each prompt's candidate responses with every reference's
 * log-probability of each (renormalized over the candidates), and preference pairs among them.
 * Flat arrays with offsets: candidate j of prompt x is row {@code offset(x) + j}. Immutable.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class DpoData {

  private final int[] offsets; // prompts + 1
  private final int references;
  private final double[] refLogProbs; // [row * K + i]
  private final int[] pairPrompt;
  private final int[] chosen; // rows
  private final int[] rejected;

  private DpoData(int[] offsets, int references, double[] refLogProbs, int[] pairPrompt,
      int[] chosen, int[] rejected) {
    this.offsets = offsets;
    this.references = references;
    this.refLogProbs = refLogProbs;
    this.pairPrompt = pairPrompt;
    this.chosen = chosen;
    this.rejected = rejected;
  }

  /**
   * Validated data.
   *
   * @param refLogProbs for each prompt, K arrays of log-probabilities over its candidates
   *     ({@code refLogProbs[x][i][j]}); each is renormalized over the candidates and must give
   *     every candidate positive mass (DPO's log-ratios are then finite)
   * @param pairs one row per pair: {@code {prompt, chosen candidate, rejected candidate}}
   * @throws IllegalArgumentException naming the prompt, the reference or the pair
   */
  public static DpoData of(double[][][] refLogProbs, int[][] pairs) {
    int prompts = refLogProbs.length;
    if (prompts == 0) {
      throw new IllegalArgumentException("no prompts");
    }
    int k = refLogProbs[0].length;
    int[] offsets = new int[prompts + 1];
    for (int x = 0; x < prompts; x++) {
      if (refLogProbs[x].length != k || k == 0) {
        throw new IllegalArgumentException("prompt " + x + " has " + refLogProbs[x].length
            + " references but prompt 0 has " + k);
      }
      int n = refLogProbs[x][0].length;
      if (n < 2) {
        throw new IllegalArgumentException("prompt " + x + " has " + n + " candidates; a"
            + " preference needs at least 2");
      }
      offsets[x + 1] = Math.addExact(offsets[x], n);
    }
    double[] flat = new double[Math.multiplyExact(offsets[prompts], k)];
    for (int x = 0; x < prompts; x++) {
      int n = offsets[x + 1] - offsets[x];
      for (int i = 0; i < k; i++) {
        double[] lp = refLogProbs[x][i];
        if (lp.length != n) {
          throw new IllegalArgumentException("prompt " + x + ", reference " + i + " has "
              + lp.length + " log-probabilities but reference 0 has " + n);
        }
        for (int j = 0; j < n; j++) {
          if (!(lp[j] > Double.NEGATIVE_INFINITY && lp[j] <= 1e-12)) {
            throw new IllegalArgumentException("prompt " + x + ", reference " + i + ", candidate "
                + j + ": log-probability " + lp[j] + "; DPO needs a finite log-probability <= 0"
                + " for every candidate");
          }
        }
        double z = LogMath.logSumExp(lp);
        for (int j = 0; j < n; j++) {
          flat[(offsets[x] + j) * k + i] = lp[j] - z;
        }
      }
    }
    int[] pp = new int[pairs.length];
    int[] w = new int[pairs.length];
    int[] l = new int[pairs.length];
    for (int p = 0; p < pairs.length; p++) {
      int[] pair = pairs[p];
      if (pair.length != 3 || pair[0] < 0 || pair[0] >= prompts) {
        throw new IllegalArgumentException("pair " + p + " must be {prompt, chosen, rejected}"
            + " with a prompt below " + prompts + ", got " + Arrays.toString(pair));
      }
      int n = offsets[pair[0] + 1] - offsets[pair[0]];
      if (pair[1] < 0 || pair[1] >= n || pair[2] < 0 || pair[2] >= n || pair[1] == pair[2]) {
        throw new IllegalArgumentException("pair " + p + " compares candidates " + pair[1]
            + " and " + pair[2] + " of prompt " + pair[0] + ", which has " + n
            + "; expected two different candidates");
      }
      pp[p] = pair[0];
      w[p] = offsets[pair[0]] + pair[1];
      l[p] = offsets[pair[0]] + pair[2];
    }
    if (pairs.length == 0) {
      throw new IllegalArgumentException("no pairs");
    }
    return new DpoData(offsets, k, flat, pp, w, l);
  }

  /** The same candidates and references with the pairs {@code pairs} (indices into these). */
  public DpoData subset(int[] pairs) {
    int[] pp = new int[pairs.length];
    int[] w = new int[pairs.length];
    int[] l = new int[pairs.length];
    for (int i = 0; i < pairs.length; i++) {
      pp[i] = pairPrompt[pairs[i]];
      w[i] = chosen[pairs[i]];
      l[i] = rejected[pairs[i]];
    }
    if (pairs.length == 0) {
      throw new IllegalArgumentException("no pairs");
    }
    return new DpoData(offsets, references, refLogProbs, pp, w, l);
  }

  public int prompts() {
    return offsets.length - 1;
  }

  /** The candidates of prompt x. */
  public int candidates(int x) {
    return offsets[x + 1] - offsets[x];
  }

  /** The row of prompt x's first candidate. */
  public int offset(int x) {
    return offsets[x];
  }

  /** All candidates of all prompts. */
  public int rows() {
    return offsets[offsets.length - 1];
  }

  /** K. */
  public int references() {
    return references;
  }

  /** {@code log pi_i(row)}, renormalized over the row's prompt's candidates. */
  public double refLogProb(int row, int i) {
    return refLogProbs[row * references + i];
  }

  public int pairs() {
    return chosen.length;
  }

  public int pairPrompt(int p) {
    return pairPrompt[p];
  }

  /** The chosen candidate's row. */
  public int chosen(int p) {
    return chosen[p];
  }

  /** The rejected candidate's row. */
  public int rejected(int p) {
    return rejected[p];
  }
}

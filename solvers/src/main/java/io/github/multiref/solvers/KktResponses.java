package io.github.multiref.solvers;

import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;

/**
 * One prompt's responses as the KKT conditions of the general solver see them (docs/math.md#any-f-divergence): which responses can carry mass, and for each the weighted references
 * that have mass there, with the response's reward gap to the best such response.
 *
 * <p>A response is <em>regular</em> when some reference with positive weight has mass at it and,
 * if {@code f'(inf) = +inf}, every one has (a reference without mass then forbids any);
 * <em>degenerate</em> when {@code f'(inf)} is finite and no weighted reference has mass there (its
 * marginal value {@code r(y) - beta f'(inf)} is constant); <em>infeasible</em> otherwise.
 */
final class KktResponses {

  static final byte INFEASIBLE = 0;
  static final byte REGULAR = 1;
  static final byte DEGENERATE = 2;

  final String prompt;
  final int n;
  final double beta;
  final byte[] kind;
  /** {@code log pi_i(y)} of the weighted references with mass at y, for regular y. */
  final double[][] logRef;
  /** Their weights {@code alpha_i}. */
  final double[][] weight;
  /** {@code log} of the weights. */
  final double[][] logWeight;
  /** The total weight of the references with mass at y. */
  final double[] massWeight;
  final double[] minLogRef;
  final double[] maxLogRef;
  /** {@code W}: the total of the positive weights (1 within the weights' tolerance). */
  final double totalWeight;
  /** The best reward among regular responses. */
  final double bestReward;
  /** {@code bestReward - r(y)} for regular y, {@code >= 0}. */
  final double[] gap;
  /** {@code log gap(y)}, {@code -inf} for the best responses. */
  final double[] logGap;
  final int regularCount;
  /** The best reward among degenerate responses ({@code -inf} when there are none). */
  final double bestDegenerateReward;
  private final double[] rewards;

  KktResponses(RegularizedProblem problem, boolean zeroMassForbids) {
    ReferenceSet refs = problem.references();
    prompt = refs.prompt();
    n = refs.responses();
    beta = problem.beta();
    rewards = problem.rewards();
    kind = new byte[n];
    logRef = new double[n][];
    weight = new double[n][];
    logWeight = new double[n][];
    massWeight = new double[n];
    minLogRef = new double[n];
    maxLogRef = new double[n];
    gap = new double[n];
    logGap = new double[n];
    double total = 0;
    for (int i = 0; i < refs.size(); i++) {
      total += refs.weight(i);
    }
    totalWeight = total;
    int regular = 0;
    double best = Double.NEGATIVE_INFINITY;
    double bestDegenerate = Double.NEGATIVE_INFINITY;
    for (int y = 0; y < n; y++) {
      kind[y] = classify(refs, y, zeroMassForbids);
      if (kind[y] == REGULAR) {
        regular++;
        best = Math.max(best, rewards[y]);
        collect(refs, y);
      } else if (kind[y] == DEGENERATE) {
        bestDegenerate = Math.max(bestDegenerate, rewards[y]);
      }
    }
    regularCount = regular;
    bestReward = best;
    bestDegenerateReward = bestDegenerate;
    for (int y = 0; y < n; y++) {
      if (kind[y] == REGULAR) {
        gap[y] = best - rewards[y];
        logGap[y] = Math.log(gap[y]);
      }
    }
  }

  private static byte classify(ReferenceSet refs, int y, boolean zeroMassForbids) {
    boolean withMass = false;
    boolean withoutMass = false;
    for (int i = 0; i < refs.size(); i++) {
      if (refs.weight(i) > 0) {
        if (refs.reference(i).inSupport(y)) {
          withMass = true;
        } else {
          withoutMass = true;
        }
      }
    }
    if (withoutMass && zeroMassForbids) {
      return INFEASIBLE;
    }
    return withMass ? REGULAR : DEGENERATE;
  }

  private void collect(ReferenceSet refs, int y) {
    int count = 0;
    for (int i = 0; i < refs.size(); i++) {
      if (refs.weight(i) > 0 && refs.reference(i).inSupport(y)) {
        count++;
      }
    }
    logRef[y] = new double[count];
    weight[y] = new double[count];
    logWeight[y] = new double[count];
    minLogRef[y] = Double.POSITIVE_INFINITY;
    maxLogRef[y] = Double.NEGATIVE_INFINITY;
    int j = 0;
    double total = 0;
    for (int i = 0; i < refs.size(); i++) {
      double w = refs.weight(i);
      double lq = refs.reference(i).logProb(y);
      if (w > 0 && lq > Double.NEGATIVE_INFINITY) {
        logRef[y][j] = lq;
        weight[y][j] = w;
        logWeight[y][j] = Math.log(w);
        total += w;
        minLogRef[y] = Math.min(minLogRef[y], lq);
        maxLogRef[y] = Math.max(maxLogRef[y], lq);
        j++;
      }
    }
    massWeight[y] = total;
  }

  double reward(int y) {
    return rewards[y];
  }

  /** Whether every weighted reference with mass at y gives it the same log-probability. */
  boolean referencesAgree(int y) {
    return minLogRef[y] == maxLogRef[y];
  }
}

package io.github.multiref.divergences;

import io.github.multiref.api.LogMath;
import io.github.multiref.api.ReferenceSet;

/** Per-response reductions over the weighted references, shared by the combiners. */
final class WeightedColumns {

  private WeightedColumns() {}

  /**
   * {@code logsumexp_i(log alpha_i + sign * log pi_i(y))} for every response y, over the references
   * with positive weight only (a zero weight never contributes, even with no mass at y).
   */
  static double[] logSumExp(ReferenceSet refs, double sign) {
    int n = refs.responses();
    int k = refs.size();
    double[][] lp = new double[k][];
    double[] logW = new double[k];
    for (int i = 0; i < k; i++) {
      lp[i] = refs.reference(i).logProbs();
      logW[i] = Math.log(refs.weight(i));
    }
    double[] out = new double[n];
    double[] column = new double[k];
    for (int y = 0; y < n; y++) {
      for (int i = 0; i < k; i++) {
        column[i] = logW[i] == Double.NEGATIVE_INFINITY ? logW[i] : logW[i] + sign * lp[i][y];
      }
      out[y] = LogMath.logSumExp(column);
    }
    return out;
  }
}

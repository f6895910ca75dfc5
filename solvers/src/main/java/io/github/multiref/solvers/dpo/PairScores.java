package io.github.multiref.solvers.dpo;

import io.github.multiref.api.Stability;

/** Output columns of batched scoring, each at least as long as the batch; mutable buffers. */
@Stability(Stability.Status.EXPERIMENTAL)
public final class PairScores {
  public final double[] loss;
  public final double[] logit;
  public final double[] gradChosen;
  public final double[] gradRejected;
  public final double[] chosenReward;
  public final double[] rejectedReward;

  /** Buffers for {@code capacity} pairs. */
  public PairScores(int capacity) {
    loss = new double[capacity];
    logit = new double[capacity];
    gradChosen = new double[capacity];
    gradRejected = new double[capacity];
    chosenReward = new double[capacity];
    rejectedReward = new double[capacity];
  }

  /** Pair p as a record. */
  public PairScore get(int p) {
    return new PairScore(loss[p], logit[p], gradChosen[p], gradRejected[p], chosenReward[p],
        rejectedReward[p]);
  }
}

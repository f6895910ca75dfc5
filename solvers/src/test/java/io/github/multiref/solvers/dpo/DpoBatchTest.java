package io.github.multiref.solvers.dpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.api.Divergence;
import io.github.multiref.divergences.ReverseKl;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Batched scoring gives the per-pair results, on both its paths. */
class DpoBatchTest {

  @Test
  void batchEqualsPairByPair() {
    SplittableRandom rng = new SplittableRandom(4);
    int n = 203;
    int k = 3;
    double[] c = new double[n];
    double[] r = new double[n];
    double[][] rc = new double[k][n];
    double[][] rr = new double[k][n];
    for (int p = 0; p < n; p++) {
      c[p] = -50 * rng.nextDouble();
      r[p] = -50 * rng.nextDouble();
      for (int i = 0; i < k; i++) {
        rc[i][p] = c[p] + Math.pow(10, 3 * rng.nextDouble() - 1) * (rng.nextBoolean() ? 1 : -1);
        rr[i][p] = r[p] + Math.pow(10, 3 * rng.nextDouble() - 1) * (rng.nextBoolean() ? 1 : -1);
      }
    }
    DpoBatch batch = new DpoBatch(n, c, r, rc, rr);
    for (Divergence f : DpoPropertiesTest.DIVERGENCES) {
      for (DpoLoss loss : DpoPropertiesTest.LOSSES) {
        for (ReferenceWeighting w : List.of(ReferenceWeighting.fixed(0.2, 0.5, 0.3),
            ReferenceWeighting.adaptive())) {
          MultiReferenceDpo dpo = MultiReferenceDpo.of(f, 0.2, loss, w);
          PairScores out = new PairScores(n);
          dpo.scoreBatch(batch, out);
          for (int p = 0; p < n; p++) {
            PairScore one = dpo.score(c[p], r[p], new double[] {rc[0][p], rc[1][p], rc[2][p]},
                new double[] {rr[0][p], rr[1][p], rr[2][p]});
            PairScore got = out.get(p);
            String what = f + " " + loss.describe() + " " + w.describe() + " pair " + p;
            close(got.loss(), one.loss(), what + " loss");
            close(got.logit(), one.logit(), what + " logit");
            close(got.gradChosen(), one.gradChosen(), what + " grad_chosen");
            close(got.gradRejected(), one.gradRejected(), what + " grad_rejected");
            close(got.chosenReward(), one.chosenReward(), what + " chosen_reward");
            close(got.rejectedReward(), one.rejectedReward(), what + " rejected_reward");
          }
        }
      }
    }
  }

  private static void close(double got, double want, String what) {
    if (Double.isInfinite(want)) {
      assertThat(got).as(what).isEqualTo(want);
    } else {
      assertThat(got).as(what).isCloseTo(want, within(1e-12 * (1 + Math.abs(want))));
    }
  }

  @Test
  void badPairsAreNamedByIndex() {
    double[][] rc = {{-1, -1}};
    double[][] rr = {{-1, Double.NaN}};
    DpoBatch batch = new DpoBatch(2, new double[] {-1, -1}, new double[] {-1, -1}, rc, rr);
    assertThatThrownBy(() -> MultiReferenceDpo.of(ReverseKl.INSTANCE, 1, DpoLosses.SIGMOID,
        ReferenceWeighting.fixed(1.0)).scoreBatch(batch, new PairScores(2)))
        .hasMessage("pair 1: reference 0 log-probabilities must be finite, got -1.0 and NaN");
    assertThatThrownBy(() -> MultiReferenceDpo.of(ReverseKl.INSTANCE, 1, DpoLosses.SIGMOID,
        ReferenceWeighting.adaptive()).scoreBatch(batch, new PairScores(2)))
        .hasMessage("pair 1: reference 0 log-probabilities must be finite, got -1.0 and NaN");
    assertThatThrownBy(() -> new DpoBatch(3, new double[2], new double[3], rc, rr))
        .hasMessage("chosen and rejected must hold 3 pairs");
  }
}

package io.github.multiref.plugins.plackettluce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PlackettLuceTest {

  private final PlackettLuce pl = PlackettLuce.INSTANCE;

  @Test
  void twoResponsesAreBradleyTerry() {
    for (double t : new double[] {-40, -2, 0, 0.5, 30}) {
      assertThat(pl.logLikelihood(new double[] {t, 0})).isCloseTo(pl.logLink(t), within(1e-15));
      assertThat(Math.exp(pl.logLink(t))).isCloseTo(1 / (1 + Math.exp(-t)), within(1e-15));
    }
  }

  @Test
  void aRankingIsASequenceOfSoftmaxPicks() {
    // the closed form by hand; the contract kit (PlackettLuceContractTest) checks that the
    // probabilities of all orderings sum to 1, the gradient and the sampler
    double z = Math.exp(0.3) + Math.exp(-1.2) + Math.exp(2.0) + 1;
    assertThat(Math.exp(pl.logLikelihood(new double[] {2.0, 0.3, 0.0, -1.2})))
        .isCloseTo(Math.exp(2.0) / z * Math.exp(0.3) / (z - Math.exp(2.0))
            * 1 / (1 + Math.exp(-1.2)), within(1e-15));
  }

  @Test
  void gradientOfLongRankingsMatchesFiniteDifferences() {
    SplittableRandom rng = new SplittableRandom(1);
    for (int m = 2; m <= 6; m++) {
      double[] r = new double[m];
      for (int i = 0; i < m; i++) {
        r[i] = 4 * rng.nextDouble() - 2;
      }
      double[] g = new double[m];
      pl.logLikelihoodGradient(r, g);
      for (int i = 0; i < m; i++) {
        double h = 1e-6;
        double[] up = r.clone();
        double[] down = r.clone();
        up[i] += h;
        down[i] -= h;
        double numeric = (pl.logLikelihood(up) - pl.logLikelihood(down)) / (2 * h);
        assertThat(g[i]).as("m=%d i=%d", m, i).isCloseTo(numeric, within(1e-8));
      }
    }
  }
}

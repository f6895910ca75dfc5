package io.github.multiref.plugins.plackettluce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
  void probabilitiesOfAllRankingsSumToOne() {
    double[] r = {0.3, -1.2, 2.0, 0.0};
    double total = 0;
    for (int[] perm : permutations(4)) {
      double[] ordered = new double[4];
      for (int i = 0; i < 4; i++) {
        ordered[i] = r[perm[i]];
      }
      total += Math.exp(pl.logLikelihood(ordered));
    }
    assertThat(total).isCloseTo(1.0, within(1e-14));
    // the first pick alone: softmax
    double z = Math.exp(0.3) + Math.exp(-1.2) + Math.exp(2.0) + 1;
    assertThat(Math.exp(pl.logLikelihood(new double[] {2.0, 0.3, 0.0, -1.2})))
        .isCloseTo(Math.exp(2.0) / z * Math.exp(0.3) / (z - Math.exp(2.0))
            * 1 / (1 + Math.exp(-1.2)), within(1e-15));
  }

  @Test
  void gradientMatchesFiniteDifferences() {
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

  @Test
  void sampledRankingsFollowTheModel() {
    double[] r = {0.5, -0.5, 1.0};
    SplittableRandom rng = new SplittableRandom(7);
    int n = 300_000;
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      counts.merge(java.util.Arrays.toString(pl.sampleRanking(r, rng)), 1, Integer::sum);
    }
    for (int[] perm : permutations(3)) {
      double p = Math.exp(pl.logLikelihood(new double[] {r[perm[0]], r[perm[1]], r[perm[2]]}));
      double freq = counts.getOrDefault(java.util.Arrays.toString(perm), 0) / (double) n;
      // five standard errors
      assertThat(freq).as(java.util.Arrays.toString(perm))
          .isCloseTo(p, within(5 * Math.sqrt(p * (1 - p) / n)));
    }
  }

  private static List<int[]> permutations(int m) {
    List<int[]> out = new ArrayList<>();
    permute(new int[m], new boolean[m], 0, out);
    return out;
  }

  private static void permute(int[] current, boolean[] used, int depth, List<int[]> out) {
    if (depth == current.length) {
      out.add(current.clone());
      return;
    }
    for (int i = 0; i < current.length; i++) {
      if (!used[i]) {
        used[i] = true;
        current[depth] = i;
        permute(current, used, depth + 1, out);
        used[i] = false;
      }
    }
  }
}

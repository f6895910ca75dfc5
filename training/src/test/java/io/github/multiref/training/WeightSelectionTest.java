package io.github.multiref.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.divergences.ReverseKl;
import io.github.multiref.rewards.Lbfgs;
import io.github.multiref.solvers.dpo.DpoLosses;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The weight-selection schemes on a synthetic bandit with a known reward. */
class WeightSelectionTest {

  private static final int PROMPTS = 12;
  private static final int CANDIDATES = 6;

  /**
   * Reference 1 uniform over the candidates, reference 2 concentrated on one of them, reference 3
   * in between; Bradley-Terry pairs on a known reward.
   */
  private static DpoData bandit(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][][] refs = new double[PROMPTS][3][CANDIDATES];
    List<int[]> pairs = new ArrayList<>();
    for (int x = 0; x < PROMPTS; x++) {
      double[] truth = new double[CANDIDATES];
      for (int y = 0; y < CANDIDATES; y++) {
        refs[x][0][y] = 0;
        refs[x][1][y] = y == 0 ? 0 : -6;
        refs[x][2][y] = -rng.nextDouble() * 2;
        truth[y] = 2 * rng.nextDouble();
      }
      for (int rep = 0; rep < 150; rep++) {
        int a = rng.nextInt(CANDIDATES);
        int b = (a + 1 + rng.nextInt(CANDIDATES - 1)) % CANDIDATES;
        boolean aWins = rng.nextDouble() < 1 / (1 + Math.exp(truth[b] - truth[a]));
        pairs.add(aWins ? new int[] {x, a, b} : new int[] {x, b, a});
      }
    }
    return DpoData.of(refs, pairs.toArray(new int[0][]));
  }

  private static WeightSelection.Settings settings() {
    return new WeightSelection.Settings(ReverseKl.INSTANCE, 0.5, DpoLosses.SIGMOID, 1e-3, 4, 0.25,
        1.0, new DpoTrainer.Adam(0.05, 128, 3), Lbfgs.of(1e-9, 5000, 20), PolicyClass::tabular);
  }

  @Test
  void everySchemeGivesWeightsOnTheSimplexAndItsHeldOutScores() {
    DpoData data = bandit(1);
    WeightSelection.Split split = WeightSelection.splitPairs(data, 0.25, new SplittableRandom(2));
    assertThat(split.train().pairs() + split.validation().pairs()).isEqualTo(data.pairs());
    List<WeightSelection.Evaluated> rows = WeightSelection.run(split, settings(),
        new SplittableRandom(3));
    List<String> schemes = rows.stream().map(WeightSelection.Evaluated::scheme).toList();
    assertThat(schemes).contains("vertex:1", "vertex:2", "vertex:3", "grid", "mrpo-adaptive",
        "validation-accuracy", "validation-margin", "thompson", "bound");
    assertThat(schemes.stream().filter("grid"::equals).count()).isEqualTo(15 - 3);
    for (WeightSelection.Evaluated e : rows) {
      if (e.weights() != null) {
        assertThat(Arrays.stream(e.weights()).sum()).as(e.scheme()).isCloseTo(1, within(1e-12));
        for (double a : e.weights()) {
          assertThat(a).as(e.scheme()).isBetween(0.0, 1.0);
        }
      }
      assertThat(e.heldOutLogLikelihood()).as(e.scheme()).isNegative();
      // the reward is learnable: every trained policy's implicit reward orders most held-out
      // pairs as their labels do (MRPO's per-pair weights, which change from pair to pair,
      // least: 0.59 here against 0.62 for the fixed weights)
      assertThat(e.heldOutAccuracy()).as(e.scheme()).isGreaterThan(0.55);
    }
    // the uniform reference covers every candidate best: the bound picks it alone
    WeightSelection.Evaluated bound = rows.stream().filter(e -> e.scheme().equals("bound"))
        .findFirst().orElseThrow();
    assertThat(bound.weights()).containsExactly(1.0, 0.0, 0.0);
    // validation-accuracy is proportional to the vertices' held-out accuracy above 1/2
    double[] above = new double[3];
    for (int i = 0; i < 3; i++) {
      String name = "vertex:" + (i + 1);
      above[i] = rows.stream().filter(e -> e.scheme().equals(name)).findFirst().orElseThrow()
          .heldOutAccuracy() - 0.5;
    }
    double[] accuracy = rows.stream().filter(e -> e.scheme().equals("validation-accuracy"))
        .findFirst().orElseThrow().weights();
    for (int i = 0; i < 3; i++) {
      assertThat(accuracy[i]).isCloseTo(above[i] / Arrays.stream(above).sum(), within(1e-12));
    }
    // seeded: the bandit repeats itself
    assertThat(WeightSelection.thompson(split.train(), settings(), new SplittableRandom(4)))
        .containsExactly(WeightSelection.thompson(split.train(), settings(),
            new SplittableRandom(4)));
  }

  @Test
  void theHelpersDoWhatTheySay() {
    assertThat(WeightSelection.grid(3, 4)).hasSize(15)
        .allSatisfy(a -> assertThat(Arrays.stream(a).sum()).isCloseTo(1, within(1e-15)));
    double[] share = WeightSelection.proportional(new double[] {0.7, 0.4, 0.6}, 0.5);
    assertThat(share[0]).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(share[1]).isZero();
    assertThat(share[2]).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(WeightSelection.proportional(new double[] {0.1, 0.2}, 0.5))
        .containsExactly(0.5, 0.5);
    SplittableRandom rng = new SplittableRandom(5);
    double sum = 0;
    for (int i = 0; i < 20_000; i++) {
      sum += WeightSelection.beta(3, 7, rng);
    }
    assertThat(sum / 20_000).isCloseTo(0.3, within(0.005));
    DpoData data = bandit(6);
    WeightSelection.Split byPrompt = WeightSelection.split(data, 0.25, new SplittableRandom(7));
    for (int p = 0; p < byPrompt.validation().pairs(); p++) {
      int x = byPrompt.validation().pairPrompt(p);
      for (int q = 0; q < byPrompt.train().pairs(); q++) {
        assertThat(byPrompt.train().pairPrompt(q)).isNotEqualTo(x);
      }
    }
    assertThatThrownBy(() -> new WeightSelection.Settings(ReverseKl.INSTANCE, 0.5,
        DpoLosses.SIGMOID, 0, 4, 0.25, 1, new DpoTrainer.Adam(0.1, 8, 1), Lbfgs.of(1e-9, 10, 5),
        PolicyClass::tabular)).hasMessageStartingWith("l2 must be finite and > 0");
  }
}

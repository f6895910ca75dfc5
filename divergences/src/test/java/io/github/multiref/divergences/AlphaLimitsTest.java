package io.github.multiref.divergences;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.api.LogDistribution;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The alpha family at and near its ends, and its named special cases. */
class AlphaLimitsTest {

  private static final SplittableRandom RNG = new SplittableRandom(7);

  @ParameterizedTest(name = "a = 1 - {0}")
  @ValueSource(doubles = {0.0, 1e-4, 1e-7, 1e-10, 1e-13, 1e-15, -1e-7, -1e-13})
  void tendsToReverseKlAsATendsToOne(double offset) {
    for (int trial = 0; trial < 50; trial++) {
      LogDistribution p = Instances.distribution(RNG, 12, 2.0, 0.0);
      LogDistribution q = Instances.distribution(RNG, 12, 2.0, 0.0);
      double kl = ReverseKl.INSTANCE.divergence(p, q);
      double alpha = AlphaDivergence.of(1.0 - offset).divergence(p, q);
      // |d D_a / da| is bounded on these instances: the gap shrinks with the offset
      assertThat(alpha).isCloseTo(kl, within(1e-9 + 100 * Math.abs(offset) * (1 + kl)));
    }
  }

  @ParameterizedTest(name = "a = {0}")
  @ValueSource(doubles = {0.0, 1e-4, 1e-7, 1e-10, 1e-13, 1e-15, -1e-7, -1e-13})
  void tendsToForwardKlAsATendsToZero(double a) {
    for (int trial = 0; trial < 50; trial++) {
      LogDistribution p = Instances.distribution(RNG, 12, 2.0, 0.0);
      LogDistribution q = Instances.distribution(RNG, 12, 2.0, 0.0);
      double kl = ForwardKl.INSTANCE.divergence(p, q);
      double alpha = AlphaDivergence.of(a).divergence(p, q);
      assertThat(alpha).isCloseTo(kl, within(1e-9 + 100 * Math.abs(a) * (1 + kl)));
    }
  }

  @Test
  void agreesWithReverseAndForwardKlWithin1e9CloseToTheEnds() {
    for (int trial = 0; trial < 200; trial++) {
      LogDistribution p = Instances.distribution(RNG, 30, 3.0, 0.0);
      LogDistribution q = Instances.distribution(RNG, 30, 3.0, 0.0);
      assertThat(AlphaDivergence.of(1 - 1e-12).divergence(p, q))
          .isCloseTo(ReverseKl.INSTANCE.divergence(p, q), within(1e-9));
      assertThat(AlphaDivergence.of(1e-12).divergence(p, q))
          .isCloseTo(ForwardKl.INSTANCE.divergence(p, q), within(1e-9));
    }
  }

  @Test
  void halfIsTwiceSquaredHellingerAndTwoIsHalfPearson() {
    for (int trial = 0; trial < 100; trial++) {
      LogDistribution p = Instances.distribution(RNG, 10, 1.5, 0.2);
      LogDistribution q = Instances.distribution(RNG, 10, 1.5, 0.0);
      double hellinger = SquaredHellinger.INSTANCE.divergence(p, q);
      assertThat(AlphaDivergence.of(0.5).divergence(p, q))
          .isCloseTo(2 * hellinger, within(1e-12 * (1 + hellinger)));
      double pearson = PearsonChiSquared.INSTANCE.divergence(p, q);
      assertThat(AlphaDivergence.of(2.0).divergence(p, q))
          .isCloseTo(pearson / 2, within(1e-12 * (1 + pearson)));
    }
  }

  @Test
  void satisfiesTheDualitySwappingArguments() {
    for (double a : new double[] {-1.5, 0.2, 0.5, 0.9, 2.5}) {
      LogDistribution p = Instances.distribution(RNG, 10, 1.0, 0.0);
      LogDistribution q = Instances.distribution(RNG, 10, 1.0, 0.0);
      double forward = AlphaDivergence.of(a).divergence(p, q);
      assertThat(AlphaDivergence.of(1 - a).divergence(q, p))
          .isCloseTo(forward, within(1e-12 * (1 + forward)));
    }
  }

  @Test
  void refusesANonFiniteParameter() {
    assertThatThrownBy(() -> AlphaDivergence.of(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("alpha-divergence parameter a must be finite, got NaN");
    assertThatThrownBy(() -> AlphaDivergence.of(Double.POSITIVE_INFINITY))
        .hasMessage("alpha-divergence parameter a must be finite, got Infinity");
  }
}

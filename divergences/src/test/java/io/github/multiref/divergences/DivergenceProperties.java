package io.github.multiref.divergences;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** Properties every f-divergence has, over random distributions (with zero-mass responses). */
class DivergenceProperties {

  private static final List<Divergence> ALL = List.of(
      ReverseKl.INSTANCE, ForwardKl.INSTANCE, PearsonChiSquared.INSTANCE,
      SquaredHellinger.INSTANCE, JensenShannon.INSTANCE, AlphaDivergence.of(-0.7),
      AlphaDivergence.of(0.3), AlphaDivergence.of(0.5), AlphaDivergence.of(1.8));

  @Property(tries = 300)
  void isNonNegativeAndNeverNaN(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int n,
      @ForAll @DoubleRange(min = 0.1, max = 8) double scale) {
    SplittableRandom rng = new SplittableRandom(seed);
    LogDistribution p = Instances.distribution(rng, n, scale, 0.3);
    LogDistribution q = Instances.distribution(rng, n, scale, 0.3);
    for (Divergence d : ALL) {
      double value = d.divergence(p, q);
      assertThat(value).as("%s", d).isNotNaN().isGreaterThanOrEqualTo(-1e-12);
    }
  }

  @Property(tries = 300)
  void isZeroExactlyWhenTheArgumentsAreEqual(@ForAll long seed,
      @ForAll @IntRange(min = 2, max = 40) int n) {
    SplittableRandom rng = new SplittableRandom(seed);
    LogDistribution p = Instances.distribution(rng, n, 2.0, 0.3);
    for (Divergence d : ALL) {
      assertThat(d.divergence(p, p)).as("%s(p||p)", d).isCloseTo(0.0,
          org.assertj.core.data.Offset.offset(1e-14));
    }
    // a different distribution: the most likely response gains half its mass again, so the
    // divergence is clearly positive
    double[] moved = p.logProbs();
    int top = 0;
    for (int y = 1; y < n; y++) {
      top = moved[y] > moved[top] ? y : top;
    }
    moved[top] += Math.log(1.5);
    LogDistribution q = LogDistribution.normalize(moved);
    if (q.prob(top) < 1 - 1e-9) { // when one response holds all the mass, q equals p
      for (Divergence d : ALL) {
        assertThat(d.divergence(q, p)).as("%s(q||p) for q != p", d).isGreaterThan(0.0);
      }
    }
  }
}

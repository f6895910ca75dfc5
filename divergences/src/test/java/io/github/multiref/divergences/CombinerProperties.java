package io.github.multiref.divergences;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.api.CombinedReference;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.LogMath;
import io.github.multiref.api.ReferenceCombiner;
import io.github.multiref.api.ReferenceSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * docs/math.md#combiners, #reverse-kl and #forward-kl: combiner identities over random reference
 * sets.
 */
class CombinerProperties {

  private static final List<ReferenceCombiner> ALL = List.of(
      EscortCombiner.INSTANCE, MixtureCombiner.INSTANCE, HarmonicCombiner.INSTANCE,
      PowerMeanCombiner.of(-3.0), PowerMeanCombiner.of(0.5), PowerMeanCombiner.of(2.0));

  /** Lemma 5.1: sum_i alpha_i KL(q||pi_i) = KL(q||pi_alpha) - log F_alpha. */
  @Property(tries = 300)
  void lemma51(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int k,
      @ForAll @IntRange(min = 1, max = 60) int n,
      @ForAll @DoubleRange(min = 0.1, max = 6) double scale) {
    SplittableRandom rng = new SplittableRandom(seed);
    ReferenceSet refs = Instances.references(rng, k, n, scale);
    LogDistribution q = Instances.distribution(rng, n, scale, 0.3);
    double lhs = 0;
    for (int i = 0; i < k; i++) {
      lhs += refs.weight(i) * ReverseKl.INSTANCE.divergence(q, refs.reference(i));
    }
    CombinedReference escort = EscortCombiner.INSTANCE.combine(refs);
    double rhs = ReverseKl.INSTANCE.divergence(q, escort.distribution()) - escort.logNormalizer();
    assertThat(rhs).isCloseTo(lhs, within(1e-10 * Math.max(1, Math.abs(lhs))));
    // Hoelder: F_alpha <= 1; equality (K = 1 or equal references) leaves a few ulps of the logs
    assertThat(escort.logNormalizer()).isLessThanOrEqualTo(1e-12);
  }

  /** Lemma 6.1: sum_i alpha_i KL(pi_i||q) = KL(pibar||q) + sum_i alpha_i KL(pi_i||pibar). */
  @Property(tries = 300)
  void lemma61(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int k,
      @ForAll @IntRange(min = 1, max = 60) int n,
      @ForAll @DoubleRange(min = 0.1, max = 6) double scale) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<LogDistribution> list = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      list.add(Instances.distribution(rng, n, scale, 0.3)); // supports differ: the union matters
    }
    ReferenceSet refs = ReferenceSet.of("lemma61", list, Instances.weights(rng, k, 0.0));
    LogDistribution q = Instances.distribution(rng, n, scale, 0.0);
    LogDistribution mixture = MixtureCombiner.INSTANCE.combine(refs).distribution();
    double lhs = 0;
    double constant = 0;
    for (int i = 0; i < k; i++) {
      lhs += refs.weight(i) * ForwardKl.INSTANCE.divergence(q, refs.reference(i));
      constant += refs.weight(i) * ReverseKl.INSTANCE.divergence(refs.reference(i), mixture);
    }
    double rhs = ForwardKl.INSTANCE.divergence(q, mixture) + constant;
    assertThat(rhs).isCloseTo(lhs, within(1e-10 * Math.max(1, Math.abs(lhs))));
  }

  /** Power means are ordered pointwise: M_-1 <= M_0 <= M_1 (unnormalized). */
  @Property(tries = 300)
  void powerMeansAreOrdered(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int k,
      @ForAll @IntRange(min = 1, max = 60) int n,
      @ForAll @DoubleRange(min = 0.1, max = 20) double scale) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<LogDistribution> list = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      list.add(Instances.distribution(rng, n, scale, 0.2));
    }
    ReferenceSet refs = ReferenceSet.of("order", list, Instances.weights(rng, k, 0.3));
    double[] harmonic = HarmonicCombiner.INSTANCE.logUnnormalized(refs);
    double[] geometric = EscortCombiner.INSTANCE.logUnnormalized(refs);
    double[] arithmetic = MixtureCombiner.INSTANCE.logUnnormalized(refs);
    double[] p3 = PowerMeanCombiner.of(3.0).logUnnormalized(refs);
    for (int y = 0; y < n; y++) {
      double slack = Double.isFinite(p3[y]) ? 1e-12 * (1 + Math.abs(p3[y])) : 0.0;
      assertThat(harmonic[y]).isLessThanOrEqualTo(geometric[y] + slack);
      assertThat(geometric[y]).isLessThanOrEqualTo(arithmetic[y] + slack);
      assertThat(arithmetic[y]).isLessThanOrEqualTo(p3[y] + slack);
    }
  }

  /** The power mean at p = -1, 0, 1 is the harmonic mean, the escort and the mixture. */
  @Property(tries = 200)
  void powerMeanFamilyContainsTheNamedMeans(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 8) int k, @ForAll @IntRange(min = 1, max = 40) int n) {
    SplittableRandom rng = new SplittableRandom(seed);
    ReferenceSet refs = Instances.references(rng, k, n, 4.0);
    assertSame(PowerMeanCombiner.of(-1).combine(refs), HarmonicCombiner.INSTANCE.combine(refs));
    assertSame(PowerMeanCombiner.of(0).combine(refs), EscortCombiner.INSTANCE.combine(refs));
    assertSame(PowerMeanCombiner.of(1).combine(refs), MixtureCombiner.INSTANCE.combine(refs));
    // and it is continuous at 0
    assertSame(PowerMeanCombiner.of(1e-12).combine(refs), EscortCombiner.INSTANCE.combine(refs));
  }

  /** Every combiner is normalized and ignores the order of the references. */
  @Property(tries = 200)
  void normalizedAndOrderInvariant(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int k,
      @ForAll @IntRange(min = 1, max = 40) int n) {
    SplittableRandom rng = new SplittableRandom(seed);
    ReferenceSet refs = Instances.references(rng, k, n, 3.0);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new java.util.Random(seed));
    List<LogDistribution> shuffled = new ArrayList<>();
    double[] weights = new double[k];
    for (int i = 0; i < k; i++) {
      shuffled.add(refs.reference(order.get(i)));
      weights[i] = refs.weight(order.get(i));
    }
    ReferenceSet permuted = ReferenceSet.of("permuted", shuffled, weights);
    for (ReferenceCombiner c : ALL) {
      CombinedReference combined = c.combine(refs);
      assertThat(Math.exp(LogMath.logSumExp(combined.distribution().logProbs())))
          .as("%s total mass", c).isCloseTo(1.0, within(1e-12));
      assertSame(c.combine(permuted), combined);
    }
  }

  private static void assertSame(CombinedReference actual, CombinedReference expected) {
    for (int y = 0; y < expected.distribution().size(); y++) {
      double e = expected.distribution().logProb(y);
      assertThat(actual.distribution().logProb(y))
          .isCloseTo(e, within(1e-10 * Math.max(1, Math.abs(e))));
    }
    assertThat(actual.logNormalizer()).isCloseTo(expected.logNormalizer(),
        within(1e-10 * Math.max(1, Math.abs(expected.logNormalizer()))));
  }
}

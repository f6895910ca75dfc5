package io.github.multiref.divergences;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.api.CombinedReference;
import io.github.multiref.api.EmptySupportException;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.ReferenceCombiner;
import io.github.multiref.api.ReferenceSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Zero mass, disjoint supports, extreme log-probs, K = 1 and zero weights. */
class CombinerEdgeCasesTest {

  private static final double NEG_INF = Double.NEGATIVE_INFINITY;

  static Stream<ReferenceCombiner> combiners() {
    return Stream.of(EscortCombiner.INSTANCE, MixtureCombiner.INSTANCE, HarmonicCombiner.INSTANCE,
        PowerMeanCombiner.of(-2.0), PowerMeanCombiner.of(0.3), PowerMeanCombiner.of(4.0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("combiners")
  void oneReferenceIsReturnedUnchanged(ReferenceCombiner c) {
    LogDistribution only = LogDistribution.of(Math.log(0.5), NEG_INF, Math.log(0.3),
        Math.log(0.2));
    CombinedReference combined = c.combine(ReferenceSet.of(List.of(only), 1.0));
    for (int y = 0; y < 4; y++) {
      assertThat(combined.distribution().logProb(y)).isCloseTo(only.logProb(y), within(1e-15));
    }
    assertThat(combined.logNormalizer()).isCloseTo(0.0, within(1e-15));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("combiners")
  void allWeightOnOneReferenceIgnoresTheOthersEvenWhereTheyHaveNoMass(ReferenceCombiner c) {
    LogDistribution kept = LogDistribution.of(Math.log(0.6), Math.log(0.4), NEG_INF);
    LogDistribution ignored = LogDistribution.of(NEG_INF, NEG_INF, 0.0);
    CombinedReference combined = c.combine(ReferenceSet.of(List.of(ignored, kept), 0.0, 1.0));
    assertThat(combined.distribution().probs()).containsExactly(new double[] {0.6, 0.4, 0.0},
        within(1e-15));
  }

  @Test
  void escortSupportIsTheIntersectionAndMixtureSupportTheUnion() {
    LogDistribution a = LogDistribution.of(Math.log(0.5), Math.log(0.5), NEG_INF);
    LogDistribution b = LogDistribution.of(NEG_INF, Math.log(0.5), Math.log(0.5));
    ReferenceSet refs = ReferenceSet.of(List.of(a, b), 0.5, 0.5);
    assertThat(EscortCombiner.INSTANCE.combine(refs).distribution().probs())
        .containsExactly(new double[] {0.0, 1.0, 0.0}, within(1e-15));
    assertThat(HarmonicCombiner.INSTANCE.combine(refs).distribution().probs())
        .containsExactly(new double[] {0.0, 1.0, 0.0}, within(1e-15));
    assertThat(MixtureCombiner.INSTANCE.combine(refs).distribution().probs())
        .containsExactly(new double[] {0.25, 0.5, 0.25}, within(1e-15));
    // F_alpha = sqrt(0.5 * 0.5) = 0.5
    assertThat(EscortCombiner.INSTANCE.logF(refs)).isCloseTo(Math.log(0.5), within(1e-15));
  }

  @Test
  void disjointSupportsMakeTheEscortAnErrorNamingThePrompt() {
    LogDistribution a = LogDistribution.of(0.0, NEG_INF);
    LogDistribution b = LogDistribution.of(NEG_INF, 0.0);
    ReferenceSet refs = ReferenceSet.of("what is 2+2?", List.of(a, b), 0.3, 0.7);
    assertThatThrownBy(() -> EscortCombiner.INSTANCE.combine(refs))
        .isInstanceOf(EmptySupportException.class)
        .hasMessage("prompt 'what is 2+2?': the escort combination of the references has empty"
            + " support: no response has positive probability under every reference with"
            + " positive weight");
    assertThatThrownBy(() -> HarmonicCombiner.INSTANCE.combine(refs))
        .hasMessageStartingWith("prompt 'what is 2+2?': the harmonic combination");
    assertThatThrownBy(() -> PowerMeanCombiner.of(-0.5).combine(refs))
        .hasMessageStartingWith("prompt 'what is 2+2?': the power-mean:p=-0.5 combination");
    assertThat(EscortCombiner.INSTANCE.logF(refs)).isEqualTo(NEG_INF);
    // the mixture of disjoint references is fine, and so is a power mean of positive order
    assertThat(MixtureCombiner.INSTANCE.combine(refs).distribution().probs())
        .containsExactly(new double[] {0.3, 0.7}, within(1e-15));
    LogDistribution powerMean = PowerMeanCombiner.of(2).combine(refs).distribution();
    assertThat(IntStream.range(0, powerMean.size()).filter(powerMean::inSupport).count())
        .isEqualTo(2);
  }

  @Test
  void extremeLogProbabilitiesStayFiniteAndExact() {
    // two references that agree only on a response of probability e^-1e4 and on one likely one
    LogDistribution a = LogDistribution.normalize(0.0, -1e4, -5000.0, NEG_INF);
    LogDistribution b = LogDistribution.normalize(-3.0, -1e4, NEG_INF, 0.0);
    ReferenceSet refs = ReferenceSet.of(List.of(a, b), 0.25, 0.75);
    CombinedReference escort = EscortCombiner.INSTANCE.combine(refs);
    // geometric mean: exp(0.25*la + 0.75*lb) at responses 0 and 1 only
    double l0 = 0.25 * a.logProb(0) + 0.75 * b.logProb(0);
    double l1 = 0.25 * a.logProb(1) + 0.75 * b.logProb(1);
    assertThat(escort.distribution().logProb(0)).isCloseTo(0.0, within(1e-15));
    assertThat(escort.distribution().logProb(1)).isCloseTo(l1 - l0, within(1e-9));
    assertThat(escort.distribution().logProb(2)).isEqualTo(NEG_INF);
    assertThat(escort.logNormalizer()).isCloseTo(l0, within(1e-12));
    CombinedReference harmonic = HarmonicCombiner.INSTANCE.combine(refs);
    assertThat(harmonic.distribution().logProb(1)).isFinite().isLessThan(-9000.0);
  }

  @Test
  void sixtyFourReferencesWithWeightsOfZeroWork() {
    SplittableRandom rng = new SplittableRandom(3);
    ReferenceSet dense = Instances.references(rng, 64, 30, 100.0);
    double[] w = Instances.weights(rng, 64, 0.5);
    ReferenceSet refs = ReferenceSet.of("k64", dense.references(), w);
    combiners().forEach(c -> {
      CombinedReference combined = c.combine(refs);
      assertThat(combined.distribution().size()).isEqualTo(30);
      assertThat(combined.logNormalizer()).isFinite();
    });
  }
}

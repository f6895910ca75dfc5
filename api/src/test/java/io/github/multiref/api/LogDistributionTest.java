package io.github.multiref.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LogDistributionTest {

  private static final double NEG_INF = Double.NEGATIVE_INFINITY;

  @Test
  void acceptsNormalizedLogProbabilitiesWithZeroMass() {
    LogDistribution d = LogDistribution.of(Math.log(0.25), NEG_INF, Math.log(0.75));
    assertThat(d.size()).isEqualTo(3);
    assertThat(IntStream.range(0, d.size()).filter(d::inSupport).count()).isEqualTo(2);
    assertThat(d.inSupport(1)).isFalse();
    assertThat(d.probs()).containsExactly(new double[] {0.25, 0.0, 0.75}, within(1e-16));
  }

  @Test
  void rejectsEmptyAndNullInput() {
    assertThatThrownBy(() -> LogDistribution.of())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("log-probabilities must not be empty");
    assertThatThrownBy(() -> LogDistribution.of((double[]) null))
        .hasMessage("log-probabilities must not be null");
  }

  @Test
  void rejectsNaNAndPositiveInfinityNamingTheIndex() {
    assertThatThrownBy(() -> LogDistribution.of(0.0, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("log-probability at index 1 is NaN");
    assertThatThrownBy(() -> LogDistribution.of(-1.0, -2.0, Double.POSITIVE_INFINITY))
        .hasMessage("log-probability at index 2 is +inf; expected a finite value or -inf");
  }

  @Test
  void rejectsMassThatDoesNotSumToOne() {
    assertThatThrownBy(() -> LogDistribution.of(Math.log(0.5), Math.log(0.4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("probabilities must sum to 1 within 1.0E-9, got 0.9")
        .hasMessageContaining("(log of the total -0.10536051565782");
    assertThatThrownBy(() -> LogDistribution.of(NEG_INF, NEG_INF))
        .hasMessage("probabilities must sum to 1 within 1.0E-9, got 0.0 (log of the total"
            + " -Infinity)");
    // a looser tolerance accepts what the default refuses
    assertThat(LogDistribution.of(new double[] {Math.log(0.5), Math.log(0.5 + 1e-7)}, 1e-6)
        .size()).isEqualTo(2);
    assertThatThrownBy(() -> LogDistribution.of(new double[] {0.0}, Double.NaN))
        .hasMessage("tolerance must be in [0, 1), got NaN");
  }

  @Test
  void normalizesUnnormalizedLogWeightsEvenWhenVeryNegative() {
    LogDistribution d = LogDistribution.normalize(-1e4, -1e4 + Math.log(3), NEG_INF);
    // -1e4 + log 3 is itself rounded to about 1e-12 (the spacing of doubles near 1e4)
    assertThat(d.probs()).containsExactly(new double[] {0.25, 0.75, 0.0}, within(1e-11));
    assertThatThrownBy(() -> LogDistribution.normalize(NEG_INF, NEG_INF))
        .hasMessage("cannot normalize: every one of the 2 log-weights is -inf (no mass)");
    assertThatThrownBy(() -> LogDistribution.normalize(1.0, Double.NaN))
        .hasMessage("log-probability at index 1 is NaN");
  }

  @Test
  void isImmutable() {
    double[] input = {Math.log(0.5), Math.log(0.5)};
    LogDistribution d = LogDistribution.of(input);
    input[0] = 0.0;
    d.logProbs()[1] = 0.0;
    assertThat(d.logProb(0)).isEqualTo(Math.log(0.5));
    assertThat(d.logProb(1)).isEqualTo(Math.log(0.5));
    assertThat(d).isEqualTo(LogDistribution.uniform(2)).hasSameHashCodeAs(
        LogDistribution.uniform(2));
  }

  @Test
  void uniformNeedsAPositiveSize() {
    assertThat(LogDistribution.uniform(4).prob(3)).isCloseTo(0.25, within(1e-16));
    assertThatThrownBy(() -> LogDistribution.uniform(0)).hasMessage("size must be >= 1, got 0");
  }

  @Test
  void withProbabilitiesKeepsBothRepresentationsAndChecksThem() {
    double[] logs = {Math.log(0.25), Double.NEGATIVE_INFINITY, Math.log(0.75)};
    double[] probs = {0.25, 0.0, 0.75};
    LogDistribution d = LogDistribution.withProbabilities(logs, probs, 1e-12);
    logs[0] = 0.0; // the caller's arrays are copied
    probs[0] = 1.0;
    assertThat(d.logProbs()).containsExactly(Math.log(0.25), Double.NEGATIVE_INFINITY,
        Math.log(0.75));
    assertThat(d.probs()).containsExactly(0.25, 0.0, 0.75);

    double[] good = {Math.log(0.5), Math.log(0.5)};
    assertThatThrownBy(() -> LogDistribution.withProbabilities(good, new double[] {0.5}, 1e-9))
        .hasMessage("probabilities must have 2 entries, got 1");
    assertThatThrownBy(() -> LogDistribution.withProbabilities(good, null, 1e-9))
        .hasMessage("probabilities must have 2 entries, got null");
    assertThatThrownBy(() -> LogDistribution.withProbabilities(
        new double[] {0.0, Double.NaN}, new double[] {1, 0}, 1e-9))
        .hasMessage("log-probability at index 1 is NaN");
    assertThatThrownBy(() -> LogDistribution.withProbabilities(
        new double[] {Double.NEGATIVE_INFINITY, 0.0}, new double[] {0.1, 0.9}, 1e-9))
        .hasMessage("probability at index 0 is 0.1 for log-probability -Infinity");
    assertThatThrownBy(() -> LogDistribution.withProbabilities(
        good, new double[] {1.5, -0.5}, 1e-9))
        .hasMessage("probability at index 1 is -0.5 for log-probability " + Math.log(0.5));
    assertThatThrownBy(() -> LogDistribution.withProbabilities(
        good, new double[] {0.5, 0.6}, 1e-9))
        .hasMessageStartingWith("probabilities must sum to 1 within 1.0E-9, got 1.1");
  }
}

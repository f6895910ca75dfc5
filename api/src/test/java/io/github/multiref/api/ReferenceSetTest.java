package io.github.multiref.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReferenceSetTest {

  private static final LogDistribution A = LogDistribution.uniform(3);
  private static final LogDistribution B = LogDistribution.of(0.0, Double.NEGATIVE_INFINITY,
      Double.NEGATIVE_INFINITY);

  @Test
  void holdsReferencesAndWeights() {
    ReferenceSet s = ReferenceSet.of("p1", List.of(A, B), 0.25, 0.75);
    assertThat(s.size()).isEqualTo(2);
    assertThat(s.responses()).isEqualTo(3);
    assertThat(s.weight(1)).isEqualTo(0.75);
    assertThat(s.prompt()).isEqualTo("p1");
    assertThat(ReferenceSet.of(List.of(A), 1.0).prompt()).isEqualTo("<unnamed>");
  }

  @Test
  void isImmutable() {
    List<LogDistribution> refs = new ArrayList<>(List.of(A, B));
    double[] w = {0.5, 0.5};
    ReferenceSet s = ReferenceSet.of(refs, w);
    refs.clear();
    w[0] = 7;
    s.weights()[1] = 9;
    assertThat(s.size()).isEqualTo(2);
    assertThat(s.weights()).containsExactly(0.5, 0.5);
    assertThatThrownBy(() -> s.references().add(A))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void rejectsMissingReferencesAndWeights() {
    assertThatThrownBy(() -> ReferenceSet.of("x", List.of(), new double[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prompt 'x': at least one reference is required, got 0");
    assertThatThrownBy(() -> ReferenceSet.of("x", List.of(A), (double[]) null))
        .hasMessage("prompt 'x': weights must not be null");
    assertThatThrownBy(() -> ReferenceSet.of(null, List.of(A), 1.0))
        .hasMessage("prompt must not be null");
  }

  @Test
  void rejectsAWeightCountThatDoesNotMatchK() {
    assertThatThrownBy(() -> ReferenceSet.of("x", List.of(A, B), 1.0))
        .hasMessage("prompt 'x': weights has 1 entries but there are 2 references");
  }

  @Test
  void rejectsReferencesOfDifferentSizes() {
    assertThatThrownBy(() -> ReferenceSet.of("x", List.of(A, LogDistribution.uniform(2)), 0.5,
        0.5)).hasMessage("prompt 'x': reference 1 has 2 responses but reference 0 has 3");
  }

  @Test
  void rejectsNegativeNonFiniteAndUnnormalizedWeights() {
    assertThatThrownBy(() -> ReferenceSet.of("x", List.of(A, B), -0.5, 1.5))
        .hasMessage("prompt 'x': weight 0 must be finite and in [0, 1], got -0.5");
    assertThatThrownBy(() -> ReferenceSet.of("x", List.of(A, B), 0.5, Double.NaN))
        .hasMessage("prompt 'x': weight 1 must be finite and in [0, 1], got NaN");
    assertThatThrownBy(() -> ReferenceSet.of("x", List.of(A, B), 0.5, 0.4))
        .hasMessage("prompt 'x': weights must sum to 1 within 1.0E-9, got 0.9");
  }

  @Test
  void acceptsZeroWeights() {
    assertThat(ReferenceSet.of(List.of(A, B), 0.0, 1.0).weight(0)).isZero();
  }
}

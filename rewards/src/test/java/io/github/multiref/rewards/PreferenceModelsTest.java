package io.github.multiref.rewards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.api.PreferenceModel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PreferenceModelsTest {

  static Stream<PreferenceModel> models() {
    return Stream.of(BradleyTerry.INSTANCE, Thurstone.of(1.0), Thurstone.of(0.3),
        Thurstone.of(4.0));
  }

  private static final double[] GAPS = {-30, -7, -1.3, -0.2, 0, 0.4, 2, 9, 35};

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void linkIsSymmetricIncreasingAndHalfAtZero(PreferenceModel m) {
    assertThat(m.link(0)).isCloseTo(0.5, within(1e-16));
    double previous = 0;
    for (double t : GAPS) {
      assertThat(m.link(t) + m.link(-t)).as("t = %s", t).isCloseTo(1.0, within(1e-15));
      assertThat(m.link(t)).isGreaterThanOrEqualTo(previous);
      previous = m.link(t);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void derivativesMatchFiniteDifferences(PreferenceModel m) {
    for (double t : GAPS) {
      double h = 1e-5 * Math.max(1, Math.abs(t));
      double dLink = (m.link(t + h) - m.link(t - h)) / (2 * h);
      // a difference of values near 1 cannot resolve better than eps / h in absolute terms
      assertThat(m.linkDerivative(t)).as("link'(%s)", t)
          .isCloseTo(dLink, within(1e-7 * Math.abs(dLink) + 4e-16 / h));
      double dLog = (m.logLink(t + h) - m.logLink(t - h)) / (2 * h);
      assertThat(m.logLinkDerivative(t)).as("(log link)'(%s)", t)
          .isCloseTo(dLog, within(1e-7 * (1 + Math.abs(dLog))));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void logLikelihoodIsFiniteForAnyGap(PreferenceModel m) {
    for (double t : new double[] {-1e6, -1e4, -800, 800, 1e4, 1e6}) {
      assertThat(m.logLink(t)).as("log link(%s)", t).isFinite().isLessThanOrEqualTo(0.0);
      assertThat(m.logLinkDerivative(t)).isFinite().isGreaterThanOrEqualTo(0.0);
    }
    assertThat(m.logLink(-1e4)).isLessThan(-1e3);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void kappaIsTheInverseOfTheSmallestSlope(PreferenceModel m) {
    for (double rMax : new double[] {0.1, 1, 3}) {
      double smallest = Double.POSITIVE_INFINITY;
      for (int i = 0; i <= 2000; i++) {
        smallest = Math.min(smallest, m.linkDerivative(-rMax + 2 * rMax * i / 2000.0));
      }
      assertThat(m.kappa(rMax)).isCloseTo(1 / smallest, within(1e-9 / smallest));
    }
    assertThatThrownBy(() -> m.kappa(-1)).hasMessage("rMax must be finite and >= 0, got -1.0");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void sampledLabelsFollowTheLink(PreferenceModel m) {
    SplittableRandom rng = new SplittableRandom(11);
    for (double t : new double[] {-1.0, 0.0, 0.7}) {
      int n = 200_000;
      int wins = 0;
      for (int i = 0; i < n; i++) {
        wins += m.sample(t, rng) ? 1 : 0;
      }
      double p = m.link(t);
      // five standard errors: fails by chance with probability below 1e-6
      assertThat((double) wins / n).isCloseTo(p, within(5 * Math.sqrt(p * (1 - p) / n)));
    }
  }

  @Test
  void bradleyTerryKappaIsTheClosedFormOfMathMd() {
    assertThat(BradleyTerry.INSTANCE.kappa(1.0)).isCloseTo(2 + Math.E + 1 / Math.E,
        within(1e-15));
  }

  /** Phi, log Phi and phi/Phi against mpmath (resource reference/normal-cdf.csv). */
  @Test
  void thurstoneMatchesHighPrecisionNormalCdf() throws Exception {
    Thurstone unit = Thurstone.of(1.0);
    Thurstone scaled = Thurstone.of(2.5);
    int checked = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        getClass().getResourceAsStream("/reference/normal-cdf.csv"), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("#") || line.startsWith("u,")) {
          continue;
        }
        String[] f = line.split(",");
        double u = Double.parseDouble(f[0]);
        double phi = Double.parseDouble(f[1]);
        double logPhi = Double.parseDouble(f[2]);
        double ratio = Double.parseDouble(f[3]);
        assertThat(unit.link(u)).as("Phi(%s)", u).isCloseTo(phi, within(1e-12 * phi));
        assertThat(unit.logLink(u)).as("log Phi(%s)", u)
            .isCloseTo(logPhi, within(1e-13 * Math.max(1e-300, Math.abs(logPhi)) + 1e-16));
        assertThat(unit.logLinkDerivative(u)).as("phi/Phi(%s)", u)
            .isCloseTo(ratio, within(1e-13 * Math.max(1, ratio)));
        // the scale divides the gap: link_s(t) = Phi(t / s)
        assertThat(scaled.logLink(2.5 * u)).isCloseTo(unit.logLink(u),
            within(1e-13 * Math.max(1, Math.abs(logPhi))));
        checked++;
      }
    }
    assertThat(checked).isEqualTo(23);
  }

  @Test
  void pairwiseModelsRankTwoResponses() {
    PreferenceModel bt = BradleyTerry.INSTANCE;
    assertThat(bt.logLikelihood(new double[] {1.0, 0.2})).isEqualTo(bt.logLink(0.8));
    double[] g = new double[2];
    bt.logLikelihoodGradient(new double[] {1.0, 0.2}, g);
    assertThat(g).containsExactly(bt.logLinkDerivative(0.8), -bt.logLinkDerivative(0.8));
    assertThatThrownBy(() -> bt.logLikelihood(new double[] {1, 2, 3}))
        .hasMessage("this model ranks 2 to 2 responses, got 3");
    assertThatThrownBy(() -> Thurstone.of(0)).hasMessage(
        "Thurstone scale s must be finite and > 0, got 0.0");
  }
}

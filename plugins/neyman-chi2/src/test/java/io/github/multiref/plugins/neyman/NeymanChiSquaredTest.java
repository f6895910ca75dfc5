package io.github.multiref.plugins.neyman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.api.LogDistribution;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NeymanChiSquaredTest {

  private final NeymanChiSquared d = NeymanChiSquared.INSTANCE;

  @Test
  void matchesItsDefinitionOnASmallExample() {
    LogDistribution p = LogDistribution.of(Math.log(0.2), Math.log(0.8));
    LogDistribution q = LogDistribution.of(Math.log(0.5), Math.log(0.5));
    // (0.2-0.5)^2/0.2 + (0.8-0.5)^2/0.8
    assertThat(d.divergence(p, q)).isCloseTo(0.45 + 0.1125, within(1e-15));
  }

  @Test
  void derivativeAndItsInverseAreConsistent() {
    for (double t : new double[] {0.05, 0.5, 1.0, 3.0, 20.0}) {
      double h = 1e-6 * t;
      assertThat(d.fPrime(t)).isCloseTo((d.f(t + h) - d.f(t - h)) / (2 * h), within(1e-6));
      assertThat(d.fPrimeInverse(d.fPrime(t))).isCloseTo(t, within(1e-10 * t));
      assertThat(d.fPrimeOfLogRatio(Math.log(t))).isCloseTo(d.fPrime(t), within(1e-13));
    }
    assertThat(d.f(1.0)).isZero();
    assertThat(d.fPrimeAtInfinity()).isEqualTo(1.0);
    assertThat(d.fPrimeInverse(1.5)).isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  void zeroPolicyMassWhereTheReferenceHasSomeIsInfinite() {
    assertThat(d.term(Double.NEGATIVE_INFINITY, Math.log(0.3)))
        .isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(d.term(Math.log(0.3), Double.NEGATIVE_INFINITY)).isCloseTo(0.3, within(1e-16));
    assertThat(d.term(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY)).isZero();
  }

  /** Values from mpmath at 60 digits (see the header of the resource for the generator). */
  @Test
  void matchesHighPrecisionReferenceValues() throws Exception {
    int checked = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        getClass().getResourceAsStream("/neyman-terms.csv"), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("#") || line.startsWith("divergence,")) {
          continue;
        }
        String[] f = line.split(",");
        double expected = Double.parseDouble(f[4]);
        double actual = d.term(Double.parseDouble(f[2]), Double.parseDouble(f[3]));
        assertThat(Math.abs(actual - expected)).as(line)
            .isLessThanOrEqualTo(1e-12 * Math.abs(expected) + Double.MIN_NORMAL);
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(30);
  }
}

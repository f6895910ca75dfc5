package io.github.multiref.divergences;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.spi.ComponentConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The mathematical contract of {@link Divergence}, checked for every built-in. */
class DivergenceContractTest {

  static Stream<Divergence> divergences() {
    List<Divergence> all = new ArrayList<>();
    new BuiltinDivergencesPlugin().divergences()
        .forEach(f -> all.add(f.create(ComponentConfig.empty())));
    for (double a : new double[] {-2.0, -0.5, 1e-6, 0.25, 0.75, 1 - 1e-6, 1.5, 3.0, 0.0, 1.0}) {
      all.add(AlphaDivergence.of(a));
    }
    return all.stream();
  }

  private static final double[] GRID = {0.02, 0.1, 0.37, 1.0, 1.9, 4.2, 15.0};

  @ParameterizedTest(name = "{0}")
  @MethodSource("divergences")
  void generatorVanishesAtOne(Divergence d) {
    assertThat(d.f(1.0)).isCloseTo(0.0, within(1e-15));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("divergences")
  void derivativeMatchesCentralDifferences(Divergence d) {
    for (double t : GRID) {
      double h = 1e-5 * t;
      double numeric = (d.f(t + h) - d.f(t - h)) / (2 * h);
      assertThat(d.fPrime(t)).as("f'(%s)", t)
          .isCloseTo(numeric, within(1e-6 * (1 + Math.abs(numeric))));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("divergences")
  void derivativeOfLogRatioAgreesWithDerivative(Divergence d) {
    for (double t : GRID) {
      assertThat(d.fPrimeOfLogRatio(Math.log(t)))
          .isCloseTo(d.fPrime(t), within(1e-12 * (1 + Math.abs(d.fPrime(t)))));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("divergences")
  void slopeOfTheDerivativeMatchesCentralDifferences(Divergence d) {
    for (double t : GRID) {
      double u = Math.log(t);
      double h = 1e-5;
      double numeric = (d.fPrimeOfLogRatio(u + h) - d.fPrimeOfLogRatio(u - h)) / (2 * h);
      assertThat(Math.exp(d.logSlopeOfFPrime(u))).as("t f''(t) at %s", t)
          .isCloseTo(numeric, within(1e-7 * (1 + Math.abs(numeric))));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("divergences")
  void derivativeDifferenceMatchesTheDifferenceOfDerivatives(Divergence d) {
    for (double t1 : GRID) {
      for (double t2 : GRID) {
        double direct = d.fPrime(t1) - d.fPrime(t2);
        assertThat(d.fPrimeDifference(Math.log(t1), Math.log(t2)))
            .isCloseTo(direct, within(1e-12 * (1 + Math.abs(d.fPrime(t1)) + Math.abs(d.fPrime(t2)))));
      }
    }
    assertThat(d.fPrimeDifference(3.0, 3.0)).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("divergences")
  void inverseDerivativeInvertsDerivative(Divergence d) {
    for (double t : GRID) {
      double u = d.fPrime(t);
      assertThat(d.fPrimeInverse(u)).as("(f')^-1(f'(%s))", t).isCloseTo(t, within(1e-10 * t));
      assertThat(d.logFPrimeInverse(u)).isCloseTo(Math.log(t), within(1e-10));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("divergences")
  void inverseDerivativeIsExtendedByZeroAndInfinity(Divergence d) {
    double atZero = d.fPrimeAtZero();
    double atInfinity = d.fPrimeAtInfinity();
    assertThat(atZero).isLessThan(atInfinity);
    if (atZero > Double.NEGATIVE_INFINITY) {
      assertThat(d.fPrimeInverse(atZero - 1.0)).isEqualTo(0.0);
      assertThat(d.logFPrimeInverse(atZero - 1.0)).isEqualTo(Double.NEGATIVE_INFINITY);
    }
    if (atInfinity < Double.POSITIVE_INFINITY) {
      assertThat(d.fPrimeInverse(atInfinity + 1.0)).isEqualTo(Double.POSITIVE_INFINITY);
    }
    assertThat(d.fPrimeInverse(Double.NEGATIVE_INFINITY)).isEqualTo(0.0);
    assertThat(d.fPrimeInverse(Double.POSITIVE_INFINITY)).isEqualTo(Double.POSITIVE_INFINITY);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("divergences")
  void generatorIsConvexOnAGrid(Divergence d) {
    for (int i = 0; i < GRID.length; i++) {
      for (int j = i + 1; j < GRID.length; j++) {
        double mid = 0.5 * (GRID[i] + GRID[j]);
        assertThat(d.f(mid)).isLessThanOrEqualTo(0.5 * (d.f(GRID[i]) + d.f(GRID[j])) + 1e-12);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("divergences")
  void logSpaceTermMatchesDirectEvaluation(Divergence d) {
    double[] logs = {-6.0, -2.5, -1.0, -0.3, -0.01, 0.0};
    for (double lp : logs) {
      for (double lq : logs) {
        double q = Math.exp(lq);
        double direct = q * d.f(Math.exp(lp) / q);
        assertThat(d.term(lp, lq)).as("term(%s, %s)", lp, lq)
            .isCloseTo(direct, within(1e-11 * (Math.abs(direct) + Math.exp(lp) + q)));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("divergences")
  void zeroMassFollowsTheEdgeRulesAndNeverGivesNaN(Divergence d) {
    assertThat(d.term(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY)).isEqualTo(0.0);
    double lp = Math.log(0.3);
    // mass of the policy outside the reference's support: p * f'(inf)
    double outside = d.term(lp, Double.NEGATIVE_INFINITY);
    double expectedOutside = d.fPrimeAtInfinity() == Double.POSITIVE_INFINITY
        ? Double.POSITIVE_INFINITY : 0.3 * d.fPrimeAtInfinity();
    assertClose(outside, expectedOutside);
    // no policy mass where the reference has some: q * f(0)
    double missing = d.term(Double.NEGATIVE_INFINITY, lp);
    double expectedMissing = d.f(0.0) == Double.POSITIVE_INFINITY
        ? Double.POSITIVE_INFINITY : 0.3 * d.f(0.0);
    assertClose(missing, expectedMissing);
    // masses that underflow to zero are still positive masses
    assertThat(d.term(-800.0, Double.NEGATIVE_INFINITY)).isNotNaN();
    assertThat(d.term(Double.NEGATIVE_INFINITY, -800.0)).isNotNaN();
    assertThat(d.term(-1e4, 0.0)).isNotNaN();
    assertThat(d.term(0.0, -1e4)).isNotNaN();
  }

  private static void assertClose(double actual, double expected) {
    if (Double.isInfinite(expected)) {
      assertThat(actual).isEqualTo(expected);
    } else {
      assertThat(actual).isCloseTo(expected, within(1e-15));
    }
  }
}

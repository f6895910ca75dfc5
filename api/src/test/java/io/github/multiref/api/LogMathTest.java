package io.github.multiref.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

class LogMathTest {

  private static final double NEG_INF = Double.NEGATIVE_INFINITY;

  @Test
  void logSumExpHandlesInfinitiesAndHugeMagnitudes() {
    assertThat(LogMath.logSumExp(new double[0])).isEqualTo(NEG_INF);
    assertThat(LogMath.logSumExp(new double[] {NEG_INF, NEG_INF})).isEqualTo(NEG_INF);
    assertThat(LogMath.logSumExp(new double[] {1.0, Double.POSITIVE_INFINITY}))
        .isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(LogMath.logSumExp(new double[] {1000.0, 1000.0}))
        .isCloseTo(1000.0 + Math.log(2), within(1e-12));
    assertThat(LogMath.logSumExp(new double[] {-1e4, -1e4, NEG_INF}))
        .isCloseTo(-1e4 + Math.log(2), within(1e-11));
    assertThat(LogMath.logSumExp(new double[] {5, 1, 2, 3}, 1, 3))
        .isCloseTo(Math.log(Math.exp(1) + Math.exp(2)), within(1e-15));
  }

  @Test
  void logAddExpIsSymmetricAndExact() {
    assertThat(LogMath.logAddExp(NEG_INF, NEG_INF)).isEqualTo(NEG_INF);
    assertThat(LogMath.logAddExp(NEG_INF, -3.0)).isEqualTo(-3.0);
    assertThat(LogMath.logAddExp(-800.0, -801.0))
        .isCloseTo(-800.0 + Math.log1p(Math.exp(-1.0)), within(1e-12));
  }

  @Test
  void log1pExpIsSoftplus() {
    assertThat(LogMath.log1pExp(0.0)).isCloseTo(Math.log(2), within(1e-16));
    assertThat(LogMath.log1pExp(800.0)).isEqualTo(800.0);
    assertThat(LogMath.log1pExp(-800.0)).isEqualTo(0.0);
    assertThat(LogMath.log1pExp(-40.0)).isCloseTo(Math.exp(-40.0), within(1e-30));
  }

  /** log|e^x - 1| against BigDecimal arithmetic (series of e^x summed to 40 digits). */
  @Test
  void logAbsExpm1MatchesBigDecimal() {
    for (double x : new double[] {1e-15, -1e-15, 1e-8, -3e-6, 0.5, -0.5, 3.0, -3.0, 40.0}) {
      BigDecimal ex = exp(new BigDecimal(x));
      double expected = Math.log(ex.subtract(BigDecimal.ONE).abs().doubleValue());
      assertThat(LogMath.logAbsExpm1(x)).as("x = %s", x)
          .isCloseTo(expected, within(1e-14 * Math.max(1, Math.abs(expected))));
    }
    assertThat(LogMath.logAbsExpm1(0.0)).isEqualTo(NEG_INF);
    assertThat(LogMath.logAbsExpm1(1e4)).isCloseTo(1e4, within(1e-10));
    assertThat(LogMath.logAbsExpm1(NEG_INF)).isEqualTo(0.0);
  }

  @Test
  void log1mExp() {
    assertThat(LogMath.log1mExp(0.0)).isEqualTo(NEG_INF);
    assertThat(LogMath.log1mExp(-1e-20)).isCloseTo(Math.log(1e-20), within(1e-12));
    assertThat(LogMath.log1mExp(-50.0)).isCloseTo(-Math.exp(-50.0), within(1e-35));
    assertThat(LogMath.log1mExp(1.0)).isNaN();
  }

  private static BigDecimal exp(BigDecimal x) {
    MathContext mc = new MathContext(40);
    BigDecimal sum = BigDecimal.ONE;
    BigDecimal term = BigDecimal.ONE;
    for (int k = 1; k < 200; k++) {
      term = term.multiply(x, mc).divide(BigDecimal.valueOf(k), mc);
      sum = sum.add(term, mc);
    }
    return sum;
  }
}

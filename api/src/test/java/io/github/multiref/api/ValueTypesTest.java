package io.github.multiref.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Validation of the problem, solution and bound value types. */
class ValueTypesTest {

  private static final ReferenceSet REFS =
      ReferenceSet.of("p", List.of(LogDistribution.uniform(2)), 1.0);
  private static final Divergence ANY = new AnyDivergence();

  @Test
  void regularizedProblemValidatesBetaAndRewards() {
    RegularizedProblem ok = RegularizedProblem.of(REFS, new double[] {0.0, 1.0}, 0.5, ANY);
    assertThat(ok.reward(1)).isEqualTo(1.0);
    assertThatThrownBy(() -> RegularizedProblem.of(REFS, new double[] {0, 1}, 0.0, ANY))
        .hasMessage("prompt 'p': beta must be finite and > 0, got 0.0");
    assertThatThrownBy(() -> RegularizedProblem.of(REFS, new double[] {0, 1}, Double.NaN, ANY))
        .hasMessage("prompt 'p': beta must be finite and > 0, got NaN");
    assertThatThrownBy(() -> RegularizedProblem.of(REFS, new double[] {0}, 1.0, ANY))
        .hasMessage("prompt 'p': reward must have one entry per response (2), got 1");
    assertThatThrownBy(() -> RegularizedProblem.of(REFS, new double[] {0, Double.NaN}, 1.0, ANY))
        .hasMessage("prompt 'p': reward at index 1 must be finite, got NaN");
    assertThatThrownBy(() -> RegularizedProblem.of(REFS, new double[] {0, 1}, 1.0, null))
        .hasMessage("divergence must not be null");
  }

  @Test
  void policySolutionFreezesDiagnostics() {
    var diagnostics = new java.util.HashMap<Diagnostic, Double>(
        Map.of(Diagnostic.LOG_PARTITION, 1.0));
    PolicySolution s = new PolicySolution(LogDistribution.uniform(2), 1.0, 3, 1e-13, diagnostics);
    diagnostics.put(Diagnostic.MULTIPLIER, 2.0);
    assertThat(s.diagnostics()).containsOnlyKeys(Diagnostic.LOG_PARTITION);
    assertThatThrownBy(() -> new PolicySolution(LogDistribution.uniform(2), Double.NaN, 0, 0,
        Map.of())).hasMessage("objective must not be NaN");
    assertThatThrownBy(() -> new PolicySolution(LogDistribution.uniform(2), 0, -1, 0, Map.of()))
        .hasMessage("iterations must be >= 0, got -1");
  }

  @Test
  void boundInputsNameTheOffendingField() {
    assertThatThrownBy(() -> BoundInputs.withCoverage(0, 0.05, 1, 1, 10, 4, 1))
        .hasMessage("n must be >= 1, got 0");
    assertThatThrownBy(() -> BoundInputs.withCoverage(10, 1.0, 1, 1, 10, 4, 1))
        .hasMessage("delta must be in (0, 1), got 1.0");
    assertThatThrownBy(() -> BoundInputs.withCoverage(10, 0.05, -1, 1, 10, 4, 1))
        .hasMessage("beta must be finite and > 0, got -1.0");
    assertThatThrownBy(() -> BoundInputs.withCoverage(10, 0.05, 1, 0, 10, 4, 1))
        .hasMessage("rMax must be finite and > 0, got 0.0");
    assertThatThrownBy(() -> BoundInputs.withCoverage(10, 0.05, 1, 1, 0.5, 4, 1))
        .hasMessage("classSize must be finite and >= 1, got 0.5");
    assertThatThrownBy(() -> BoundInputs.withCoverage(10, 0.05, 1, 1, 10, 0.5, 1))
        .hasMessage("kappa must be >= 1, got 0.5");
    assertThatThrownBy(() -> BoundInputs.withCoverage(10, 0.05, 1, 1, 10, 4, Double.NaN))
        .hasMessage("coverage must be finite and >= 1, got NaN");
    assertThatThrownBy(() -> new BoundInputs(10, 0.05, 1, 1, 10, 4, Double.POSITIVE_INFINITY))
        .hasMessage("the coverage constant must be >= 1 with a finite log, got log C = Infinity");
    assertThat(BoundInputs.withCoverage(10, 0.05, 1, 1, 10, 4, 1).asMap())
        .containsEntry("n", 10.0).containsEntry("logCoverage", 0.0);
    // a coverage beyond the double range is still an input: exp(1000) in log space
    assertThat(new BoundInputs(10, 0.05, 0.001, 1, 10, 4, 1000).coverage())
        .isEqualTo(Double.POSITIVE_INFINITY);
  }

  /** The default inverse returns the exact smallest n for a bound of 1/n. */
  @Test
  void minimumSamplesIsTheExactSmallestN() {
    BoundCalculator oneOverN = inputs -> BoundResult.of(1.0 / inputs.n(), "1/n", inputs);
    BoundInputs in = BoundInputs.withCoverage(1, 0.05, 1, 1, 10, 4, 1);
    assertThat(oneOverN.minimumSamples(in, 0.01)).isEqualTo(100);
    assertThat(oneOverN.minimumSamples(in, 0.0099)).isEqualTo(102);
    assertThat(oneOverN.minimumSamples(in, 2.0)).isEqualTo(1);
    assertThatThrownBy(() -> oneOverN.minimumSamples(in, 0.0))
        .hasMessage("epsilon must be > 0, got 0.0");
    BoundCalculator constant = inputs -> BoundResult.of(1.0, "1", inputs);
    assertThatThrownBy(() -> constant.minimumSamples(in, 0.5))
        .isInstanceOf(ArithmeticException.class)
        .hasMessage("no n below 2^62 brings the bound below 0.5");
  }

  @Test
  void preferenceModelDefaultKappaUsesTheSlopeAtRMax() {
    PreferenceModel logistic = new PreferenceModel() {
      @Override public double link(double t) {
        return 1 / (1 + Math.exp(-t));
      }

      @Override public double logLink(double t) {
        return -LogMath.log1pExp(-t);
      }

      @Override public double linkDerivative(double t) {
        return link(t) * (1 - link(t));
      }

      @Override public double logLinkDerivative(double t) {
        return 1 - link(t);
      }
    };
    // docs/math.md#preference-models: kappa = 2 + e^R + e^-R for Bradley-Terry
    assertThat(logistic.kappa(1.0)).isCloseTo(2 + Math.E + 1 / Math.E,
        org.assertj.core.api.Assertions.within(1e-12));
    assertThatThrownBy(() -> logistic.kappa(-1)).hasMessage("rMax must be finite and >= 0, got -1.0");
  }

  @Test
  void coverageConditionsHaveARadiusExactlyWhenTheyAreBalls() {
    assertThat(CoverageCondition.global()).hasToString("global");
    assertThat(new CoverageCondition(CoverageCondition.Kind.REVERSE_KL_BALL, 0.1))
        .hasToString("reverse-kl-ball (epsilon = 0.1)");
    for (CoverageCondition.Kind k : CoverageCondition.Kind.values()) {
      assertThat(CoverageCondition.Kind.ofLabel(k.label())).isEqualTo(k);
    }
    assertThatThrownBy(() -> new CoverageCondition(CoverageCondition.Kind.GLOBAL, 0.1))
        .hasMessage("global coverage has no radius, got epsilon = 0.1");
    assertThatThrownBy(() -> new CoverageCondition(CoverageCondition.Kind.FORWARD_KL_BALL,
        Double.NaN)).hasMessage("the KL ball's radius epsilon must be finite and >= 0, got NaN");
    assertThatThrownBy(() -> CoverageCondition.Kind.ofLabel("ball")).hasMessage(
        "no coverage condition 'ball'; expected one of global, reverse-kl-ball, forward-kl-ball");
  }

  /** A placeholder divergence: the value types only hold it. */
  private static final class AnyDivergence implements Divergence {
    @Override
    public double f(double t) {
      return t * Math.log(t);
    }

    @Override
    public double fPrime(double t) {
      return Math.log(t) + 1;
    }

    @Override
    public double fPrimeInverse(double u) {
      return Math.exp(u - 1);
    }
  }
}

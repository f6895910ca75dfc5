package io.github.multiref.solvers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.api.Diagnostic;
import io.github.multiref.api.Divergence;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.divergences.EscortCombiner;
import io.github.multiref.divergences.MixtureCombiner;
import io.github.multiref.divergences.ReverseKl;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The closed-form solvers take a divergence by what it declares, not by its class: a plugin's
 * {@code scale KL + shift (t - 1)} (a power form of exponent 0 or -1) is solved exactly by the
 * reverse- or forward-KL solver, and agrees with the general solver, which knows nothing of KL.
 */
class KlMultiplesTest {

  /** {@code f(t) = scale (t log t - t + 1) + shift (t - 1)}: {@code scale KL(pi||pi_i)}. */
  private static Divergence reverseKlTimes(double scale, double shift) {
    return new Divergence() {
      @Override
      public double f(double t) {
        return (t == 0 ? scale : scale * (t * Math.log(t) - t + 1)) + shift * (t - 1);
      }

      @Override
      public double fPrime(double t) {
        return shift + scale * Math.log(t);
      }

      @Override
      public double fPrimeInverse(double u) {
        return Math.exp((u - shift) / scale);
      }

      @Override
      public Optional<PowerForm> powerForm() {
        return Optional.of(new PowerForm(0.0, scale, shift));
      }

      @Override
      public String toString() {
        return scale + " reverse-kl";
      }
    };
  }

  /** {@code f(t) = scale (t - 1 - log t) + shift (t - 1)}: {@code scale KL(pi_i||pi)}. */
  private static Divergence forwardKlTimes(double scale, double shift) {
    return new Divergence() {
      @Override
      public double f(double t) {
        return scale * (t - 1 - Math.log(t)) + shift * (t - 1);
      }

      @Override
      public double fPrime(double t) {
        return shift + scale * (1 - 1 / t);
      }

      @Override
      public double fPrimeInverse(double u) {
        double excess = shift + scale - u; // f'(t) = u at t = scale / (shift + scale - u)
        return excess <= 0 ? Double.POSITIVE_INFINITY : scale / excess;
      }

      @Override
      public Optional<PowerForm> powerForm() {
        return Optional.of(new PowerForm(-1.0, scale, shift));
      }

      @Override
      public String toString() {
        return scale + " forward-kl";
      }
    };
  }

  @Test
  void aMultipleOfReverseKlGetsTheExactSolverAndTheEscort() {
    Divergence twice = reverseKlTimes(2.5, 0.3);
    AutoSolver auto = AutoSolver.withDefaults();
    assertThat(auto.delegateFor(twice)).isSameAs(ReverseKlSolver.INSTANCE);
    assertThat(MrpoSolver.INSTANCE.supports(twice)).isTrue();
    SplittableRandom rng = new SplittableRandom(7);
    for (int trial = 0; trial < 20; trial++) {
      RegularizedProblem p = Problems.random(rng, twice, 1 + rng.nextInt(4), 2 + rng.nextInt(30),
          Problems.beta(rng), 1.0, 2.0, 0.2);
      PolicySolution exact = auto.solve(p);
      PolicySolution general = GeneralFSolver.DEFAULT.solve(p);
      // the same problem as reverse KL with beta 2.5 times larger, bit for bit
      PolicySolution scaled = ReverseKlSolver.INSTANCE.solve(RegularizedProblem.of(
          p.references(), p.rewards(), 2.5 * p.beta(), ReverseKl.INSTANCE));
      assertThat(exact.policy()).isEqualTo(scaled.policy());
      assertThat(exact.objective()).isEqualTo(scaled.objective());
      double scale = Math.max(1, Math.abs(general.objective()));
      assertThat(exact.objective()).as("trial %d", trial)
          .isCloseTo(general.objective(), within(1e-9 * scale));
      for (int y = 0; y < p.references().responses(); y++) {
        assertThat(exact.policy().prob(y)).as("trial %d, pi(%d)", trial, y)
            .isCloseTo(general.policy().prob(y), within(1e-9));
      }
      assertThat(exact.combinedReference()).contains(EscortCombiner.INSTANCE);
      assertThat(general.combinedReference()).contains(EscortCombiner.INSTANCE);
      assertThat(MrpoSolver.INSTANCE.solve(p).diagnostics().get(Diagnostic.SURROGATE_GAIN))
          .isGreaterThanOrEqualTo(-1e-12 * scale);
    }
  }

  @Test
  void aMultipleOfForwardKlGetsTheImplicitSolverWithItsOwnLambda() {
    Divergence thrice = forwardKlTimes(3.0, 0.2);
    AutoSolver auto = AutoSolver.withDefaults();
    assertThat(auto.delegateFor(thrice)).isInstanceOf(ForwardKlSolver.class);
    SplittableRandom rng = new SplittableRandom(8);
    for (int trial = 0; trial < 20; trial++) {
      RegularizedProblem p = Problems.random(rng, thrice, 1 + rng.nextInt(4), 2 + rng.nextInt(30),
          Problems.beta(rng), 1.0, 2.0, 0.2);
      PolicySolution exact = auto.solve(p);
      PolicySolution general = GeneralFSolver.DEFAULT.solve(p);
      double scale = Math.max(1, Math.abs(general.objective()));
      assertThat(exact.objective()).as("trial %d", trial)
          .isCloseTo(general.objective(), within(1e-9 * scale));
      for (int y = 0; y < p.references().responses(); y++) {
        assertThat(exact.policy().prob(y)).as("trial %d, pi(%d)", trial, y)
            .isCloseTo(general.policy().prob(y), within(1e-9));
      }
      // the KKT multiplier of this f', whose shift differs from forward KL's
      double lambda = general.diagnostics().get(Diagnostic.MULTIPLIER);
      assertThat(exact.diagnostics().get(Diagnostic.MULTIPLIER)).as("trial %d", trial)
          .isCloseTo(lambda, within(1e-9 * Math.max(1, Math.abs(lambda))));
      assertThat(exact.combinedReference()).contains(MixtureCombiner.INSTANCE);
    }
  }
}

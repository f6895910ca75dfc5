package io.github.multiref.solvers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.api.Diagnostic;
import io.github.multiref.api.EmptySupportException;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.divergences.EscortCombiner;
import io.github.multiref.divergences.ForwardKl;
import io.github.multiref.divergences.MixtureCombiner;
import io.github.multiref.divergences.PearsonChiSquared;
import io.github.multiref.divergences.ReverseKl;
import io.github.multiref.divergences.SquaredHellinger;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ExtremeCasesTest {

  private static final double NEG_INF = Double.NEGATIVE_INFINITY;
  private static final LogDistribution A = LogDistribution.of(Math.log(0.5), Math.log(0.3),
      Math.log(0.2), NEG_INF);
  private static final LogDistribution B = LogDistribution.of(Math.log(0.1), NEG_INF,
      Math.log(0.6), Math.log(0.3));
  private static final ReferenceSet AB = ReferenceSet.of("ab", List.of(A, B), 0.4, 0.6);
  private static final double[] R = {0.2, 1.0, 0.7, 0.9};

  private static RegularizedProblem problem(double beta, io.github.multiref.api.Divergence f) {
    return RegularizedProblem.of(AB, R, beta, f);
  }

  /**
   * Response 2 has escort mass e^-340 and tilt e^-400 (relative to response 1's): their product
   * e^-740 is subnormal, while the normalizer (about e^-400) is not small enough for the log-space
   * path. The probabilities kept only the subnormal's few bits (0.5% off at 1e-267, found by the
   * sensitivity tests' finite differences); they must be the exponentials of the log-probabilities.
   */
  @Test
  void reverseKlProbabilitiesMatchTheirLogsWhereTheTiltTimesTheEscortIsSubnormal() {
    LogDistribution ref = LogDistribution.normalize(0.0, -500.0, -340.0, -339.5);
    RegularizedProblem p = RegularizedProblem.of(ReferenceSet.of("subnormal", List.of(ref), 1.0),
        new double[] {0.0, 400.0, 0.0, 0.0}, 1.0, ReverseKl.INSTANCE);
    LogDistribution pi = ReverseKlSolver.INSTANCE.solve(p).policy();
    // the tilted weights are e^0, e^-100, e^-340, e^-339.5
    assertThat(pi.logProb(2)).isCloseTo(-340.0 - Math.log1p(Math.exp(-100) + Math.exp(-340)
        + Math.exp(-339.5)), within(1e-12));
    for (int y = 0; y < 4; y++) {
      assertThat(pi.prob(y)).isCloseTo(Math.exp(pi.logProb(y)),
          org.assertj.core.api.Assertions.withinPercentage(1e-11));
    }
  }

  @Test
  void tinyBetaConcentratesOnTheBestSupportedResponse() {
    // escort support {0, 2}: the best there is response 2; mixture support is everything
    PolicySolution rkl = ReverseKlSolver.INSTANCE.solve(problem(1e-4, ReverseKl.INSTANCE));
    assertThat(rkl.policy().prob(2)).isCloseTo(1.0, within(1e-12));
    assertThat(rkl.policy().inSupport(1)).isFalse();
    PolicySolution fkl = ForwardKlSolver.DEFAULT.solve(problem(1e-4, ForwardKl.INSTANCE));
    assertThat(fkl.policy().prob(1)).isCloseTo(1.0, within(1e-3));
    PolicySolution chi = GeneralFSolver.DEFAULT.solve(problem(1e-4, PearsonChiSquared.INSTANCE));
    assertThat(chi.policy().prob(2)).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void hugeBetaApproachesTheCombinedReference() {
    LogDistribution escort = EscortCombiner.INSTANCE.combine(AB).distribution();
    LogDistribution mixture = MixtureCombiner.INSTANCE.combine(AB).distribution();
    PolicySolution rkl = ReverseKlSolver.INSTANCE.solve(problem(1e6, ReverseKl.INSTANCE));
    PolicySolution fkl = ForwardKlSolver.DEFAULT.solve(problem(1e6, ForwardKl.INSTANCE));
    PolicySolution general = GeneralFSolver.DEFAULT.solve(problem(1e6, ForwardKl.INSTANCE));
    for (int y = 0; y < 4; y++) {
      assertThat(rkl.policy().prob(y)).isCloseTo(escort.prob(y), within(1e-5));
      assertThat(fkl.policy().prob(y)).isCloseTo(mixture.prob(y), within(1e-5));
      assertThat(general.policy().prob(y)).isCloseTo(mixture.prob(y), within(1e-5));
    }
  }

  @Test
  void oneReferenceGivesTheSingleReferenceClosedForm() {
    RegularizedProblem p = RegularizedProblem.of(ReferenceSet.of("one", List.of(A), 1.0), R, 0.5,
        ReverseKl.INSTANCE);
    PolicySolution s = ReverseKlSolver.INSTANCE.solve(p);
    double z = 0;
    for (int y = 0; y < 4; y++) {
      z += A.prob(y) * Math.exp(R[y] / 0.5);
    }
    for (int y = 0; y < 4; y++) {
      assertThat(s.policy().prob(y)).isCloseTo(A.prob(y) * Math.exp(R[y] / 0.5) / z,
          within(1e-15));
    }
    assertThat(s.objective()).isCloseTo(0.5 * Math.log(z), within(1e-15));
  }

  @Test
  void aReferenceWithoutMassOnTheBestResponse() {
    // response 1 has the best reward; B gives it no mass. Reverse KL must follow B there,
    // forward KL need not.
    assertThat(ReverseKlSolver.INSTANCE.solve(problem(0.5, ReverseKl.INSTANCE)).policy()
        .inSupport(1)).isFalse();
    PolicySolution fkl = ForwardKlSolver.DEFAULT.solve(problem(0.5, ForwardKl.INSTANCE));
    assertThat(fkl.policy().prob(1)).isGreaterThan(0.2);
    assertThat(GeneralFSolver.DEFAULT.solve(problem(0.5, SquaredHellinger.INSTANCE)).policy()
        .prob(1)).isGreaterThan(0.1);
  }

  /**
   * The forward-KL upper bound (Corollary C.1) at the edges: beta from 1e-4 to 1e6, a reference
   * without mass on the best response, an uncovered response that takes mass, and best responses
   * whose mass underflows a double (e^-800) in one reference or in all of them, where at beta 10 the
   * solver hands the root to the general solver: the bound is the average of the general solver's
   * single-reference optima and never below the optimum.
   */
  @Test
  void forwardKlBoundHoldsAtTheEdges() {
    LogDistribution a = LogDistribution.of(Math.log(0.7), Math.log(0.3), NEG_INF);
    LogDistribution b = LogDistribution.of(Math.log(0.4), Math.log(0.6), NEG_INF);
    LogDistribution tinyTop = LogDistribution.normalize(new double[] {-800, 0, -1});
    LogDistribution tinyTopToo = LogDistribution.normalize(new double[] {-900, -2, 0});
    List<RegularizedProblem> problems = new java.util.ArrayList<>();
    for (double beta : new double[] {1e-4, 0.5, 1e6}) {
      problems.add(problem(beta, ForwardKl.INSTANCE));
    }
    problems.add(RegularizedProblem.of(ReferenceSet.of("uncovered", List.of(a, b), 0.5, 0.5),
        new double[] {0.0, 0.1, 3.0}, 0.5, ForwardKl.INSTANCE));
    double[] topBest = {2.0, 0.0, 0.5};
    for (double beta : new double[] {0.1, 10}) { // at 10, M cannot take the bulk: the general root
      problems.add(RegularizedProblem.of(ReferenceSet.of("one tiny", List.of(tinyTop, b), 0.5,
          0.5), topBest, beta, ForwardKl.INSTANCE));
      problems.add(RegularizedProblem.of(ReferenceSet.of("all tiny", List.of(tinyTop,
          tinyTopToo), 0.3, 0.7), topBest, beta, ForwardKl.INSTANCE));
    }
    for (RegularizedProblem p : problems) {
      PolicySolution s = ForwardKlSolver.DEFAULT.solve(p);
      double average = 0;
      for (int i = 0; i < p.references().size(); i++) {
        average += p.references().weight(i) * GeneralFSolver.DEFAULT.solve(RegularizedProblem.of(
            ReferenceSet.of("single", List.of(p.references().reference(i)), 1.0), p.rewards(),
            p.beta(), ForwardKl.INSTANCE)).objective();
      }
      double bound = s.diagnostics().get(Diagnostic.HOELDER_BOUND);
      double scale = Math.max(1, Math.abs(bound));
      assertThat(bound).as(p.references().prompt() + ", beta " + p.beta())
          .isCloseTo(average, within(1e-9 * scale));
      assertThat(s.objective()).as(p.references().prompt() + ", beta " + p.beta())
          .isLessThanOrEqualTo(bound + 1e-12 * scale);
    }
  }

  /**
   * One reference with nearly all its mass on one response and the best reward on a response of
   * mass e^-365: w = beta pibar(M) is about 1e-158, and Newton's slope terms (w / (w + m g)^2)
   * overflowed, so the solver stopped at its start and refused its own policy (mass 0.98). Found
   * by the upper bound's single-reference problems on the contract kit's real-magnitude instances.
   */
  @Test
  void forwardKlWithATopResponseOfAstronomicallySmallMass() {
    LogDistribution ref = LogDistribution.of(-330.0285948866962, -221.89714124053125,
        -279.57323583852786, -365.3528304080948, -324.9569344340942, 0.0);
    double[] r = {0.3349348162456156, 0.4554799225121845, 0.06592654597176051,
        0.8451906718465495, 0.4799814752138657, 0.6593852984147418};
    RegularizedProblem p = RegularizedProblem.of(ReferenceSet.of("one", List.of(ref), 1.0), r,
        9.992633313369229, ForwardKl.INSTANCE);
    PolicySolution fkl = ForwardKlSolver.DEFAULT.solve(p);
    PolicySolution general = GeneralFSolver.DEFAULT.solve(p);
    for (int y = 0; y < r.length; y++) {
      assertThat(fkl.policy().prob(y)).isCloseTo(general.policy().prob(y), within(1e-12));
    }
    assertThat(fkl.diagnostics().get(Diagnostic.MULTIPLIER)).isCloseTo(
        general.diagnostics().get(Diagnostic.MULTIPLIER), within(1e-12));
    assertThat(fkl.objective()).isCloseTo(general.objective(), within(1e-12));
  }

  @Test
  void pearsonPutsExactZerosWhereTheKktConditionsSaySo() {
    SplittableRandom rng = new SplittableRandom(5);
    int zeros = 0;
    for (int trial = 0; trial < 20; trial++) {
      RegularizedProblem p = Problems.random(rng, PearsonChiSquared.INSTANCE, 3, 40, 0.05, 1.0,
          1.0, 0.0);
      PolicySolution s = GeneralFSolver.DEFAULT.solve(p);
      zeros += (int) IntStream.range(0, s.policy().size()).filter(y -> !s.policy().inSupport(y))
          .count();
      double lambda = s.diagnostics().get(Diagnostic.MULTIPLIER);
      for (int y = 0; y < 40; y++) {
        if (!s.policy().inSupport(y)) {
          // r - beta * sum alpha_i f'(0+) <= lambda, with f'(0+) = -2
          assertThat(p.reward(y) + 2 * p.beta()).isLessThanOrEqualTo(lambda + 1e-12);
        }
      }
    }
    assertThat(zeros).isGreaterThan(100);
  }

  /**
   * Forward KL puts mass outside the mixture's support when the reward there exceeds the lambda of
   * the supported responses (the usual statement says zero there, which holds only otherwise:
   * docs/math.md#outside-the-support).
   */
  @Test
  void forwardKlUsesAnUncoveredResponseWhoseRewardBeatsLambda() {
    LogDistribution a = LogDistribution.of(Math.log(0.7), Math.log(0.3), NEG_INF);
    LogDistribution b = LogDistribution.of(Math.log(0.4), Math.log(0.6), NEG_INF);
    ReferenceSet refs = ReferenceSet.of("uncovered", List.of(a, b), 0.5, 0.5);
    RegularizedProblem p = RegularizedProblem.of(refs, new double[] {0.0, 0.1, 3.0}, 0.5,
        ForwardKl.INSTANCE);
    PolicySolution fkl = ForwardKlSolver.DEFAULT.solve(p);
    PolicySolution general = GeneralFSolver.DEFAULT.solve(p);
    // lambda = 3: pi(0) = 0.5*0.55/3, pi(1) = 0.5*0.45/2.9, the rest on response 2
    assertThat(fkl.diagnostics().get(Diagnostic.MULTIPLIER)).isEqualTo(3.0);
    assertThat(fkl.policy().prob(0)).isCloseTo(0.5 * 0.55 / 3.0, within(1e-15));
    assertThat(fkl.policy().prob(1)).isCloseTo(0.5 * 0.45 / 2.9, within(1e-15));
    assertThat(fkl.policy().prob(2)).isCloseTo(1 - 0.5 * 0.55 / 3.0 - 0.5 * 0.45 / 2.9,
        within(1e-15));
    for (int y = 0; y < 3; y++) {
      assertThat(general.policy().prob(y)).isCloseTo(fkl.policy().prob(y), within(1e-12));
    }
    double j = Independent.objective(fkl.policy().logProbs(), p);
    assertThat(Independent.dualBound(p, 3.0) - j).isLessThan(1e-12);
    // the policy that the usual "zero elsewhere" would give is strictly worse
    RegularizedProblem covered = RegularizedProblem.of(refs, new double[] {0.0, 0.1, -1.0}, 0.5,
        ForwardKl.INSTANCE);
    double[] zeroElsewhere = ForwardKlSolver.DEFAULT.solve(covered).policy().logProbs();
    assertThat(Independent.objective(zeroElsewhere, p)).isLessThan(j - 0.1);
    // and with a low reward there it gets exactly zero, as the usual statement says
    assertThat(ForwardKlSolver.DEFAULT.solve(covered).policy().inSupport(2)).isFalse();
  }

  @Test
  void emptyEscortSupportNamesThePrompt() {
    LogDistribution x = LogDistribution.of(0.0, NEG_INF);
    LogDistribution y = LogDistribution.of(NEG_INF, 0.0);
    RegularizedProblem p = RegularizedProblem.of(
        ReferenceSet.of("q17", List.of(x, y), 0.5, 0.5), new double[] {0, 1}, 1.0,
        ReverseKl.INSTANCE);
    assertThatThrownBy(() -> ReverseKlSolver.INSTANCE.solve(p))
        .isInstanceOf(EmptySupportException.class)
        .hasMessageStartingWith("prompt 'q17': the escort combination");
    assertThatThrownBy(() -> MrpoSolver.INSTANCE.solve(p))
        .hasMessageStartingWith("prompt 'q17': the harmonic combination");
    assertThatThrownBy(() -> GeneralFSolver.DEFAULT.solve(p))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prompt 'q17': no response can have positive probability under reverse-kl:"
            + " each lacks mass under some reference with positive weight, and f'(inf) = +inf"
            + " forbids that (the supports do not intersect)");
  }

  @Test
  void solversRefuseDivergencesTheyDoNotSolve() {
    assertThatThrownBy(() -> ReverseKlSolver.INSTANCE.solve(problem(1, ForwardKl.INSTANCE)))
        .hasMessage("the exact reverse-KL solver needs the reverse-kl divergence, got forward-kl");
    assertThatThrownBy(() -> ForwardKlSolver.DEFAULT.solve(problem(1, ReverseKl.INSTANCE)))
        .hasMessage("the forward-KL solver needs the forward-kl divergence, got reverse-kl");
    assertThatThrownBy(() -> MrpoSolver.INSTANCE.solve(problem(1, ForwardKl.INSTANCE)))
        .hasMessage("the MRPO surrogate is defined for reverse-kl, got forward-kl");
    assertThatThrownBy(() -> ForwardKlSolver.of(0.1, 10))
        .hasMessage("tolerance must be in (0, 1e-6], got 0.1");
    assertThatThrownBy(() -> ForwardKlSolver.of(1e-12, 0))
        .hasMessage("max-iterations must be >= 1, got 0");
    assertThatThrownBy(() -> GeneralFSolver.of(-1, 10, 10))
        .hasMessage("tolerance must be in [0, 1e-6], got -1.0");
  }

  @Test
  void anExhaustedBudgetIsAnErrorNotAWrongAnswer() {
    RegularizedProblem p = Problems.random(new SplittableRandom(1), SquaredHellinger.INSTANCE, 4,
        100, 0.3, 1.0, 2.0, 0.0);
    assertThatThrownBy(() -> GeneralFSolver.of(0.0, 4, 4).solve(p))
        .isInstanceOf(ArithmeticException.class)
        .hasMessageContaining("evaluations");
    RegularizedProblem f = Problems.with(p, ForwardKl.INSTANCE);
    assertThatThrownBy(() -> ForwardKlSolver.of(1e-15, 1).solve(f))
        .isInstanceOf(ArithmeticException.class)
        .hasMessage("prompt 'random': forward-KL lambda did not converge to 1.0E-15 within 1"
            + " Newton steps");
  }
}

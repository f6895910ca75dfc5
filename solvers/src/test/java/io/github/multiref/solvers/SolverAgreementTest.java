package io.github.multiref.solvers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.api.Diagnostic;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.divergences.EscortCombiner;
import io.github.multiref.divergences.ForwardKl;
import io.github.multiref.divergences.MixtureCombiner;
import io.github.multiref.divergences.ReverseKl;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The solvers against each other and against closed forms (docs/math.md#reverse-kl, #forward-kl,
 * #mrpo-surrogate).
 */
class SolverAgreementTest {

  private static final SplittableRandom RNG = new SplittableRandom(20261129);

  private static RegularizedProblem random(io.github.multiref.api.Divergence f, double zeros) {
    return Problems.random(RNG, f, 1 + RNG.nextInt(8), 2 + RNG.nextInt(199), Problems.beta(RNG),
        4.0, 0.5 + 3 * RNG.nextDouble(), zeros);
  }

  private static void assertSamePolicy(PolicySolution a, PolicySolution b, String what) {
    for (int y = 0; y < a.policy().size(); y++) {
      assertThat(a.policy().prob(y)).as("%s at response %d", what, y)
          .isCloseTo(b.policy().prob(y), within(1e-9));
      assertThat(a.policy().inSupport(y)).as("%s support at %d", what, y)
          .isEqualTo(b.policy().inSupport(y));
    }
    assertThat(a.objective()).as(what + " objective")
        .isCloseTo(b.objective(), within(1e-9 * Math.max(1, Math.abs(b.objective()))));
  }

  @Test
  void theGeneralSolverReproducesExactReverseKl() {
    for (int trial = 0; trial < 100; trial++) {
      RegularizedProblem p = random(ReverseKl.INSTANCE, 0.15);
      assertSamePolicy(GeneralFSolver.DEFAULT.solve(p), ReverseKlSolver.INSTANCE.solve(p),
          "general vs exact RKL, trial " + trial);
    }
  }

  @Test
  void theGeneralSolverReproducesImplicitForwardKl() {
    for (int trial = 0; trial < 100; trial++) {
      RegularizedProblem p = random(ForwardKl.INSTANCE, 0.15);
      PolicySolution general = GeneralFSolver.DEFAULT.solve(p);
      PolicySolution forward = ForwardKlSolver.DEFAULT.solve(p);
      assertSamePolicy(general, forward, "general vs FKL, trial " + trial);
      assertThat(general.diagnostics().get(Diagnostic.MULTIPLIER)).isCloseTo(forward.diagnostics().get(Diagnostic.MULTIPLIER),
          within(1e-9 * Math.max(1, forward.diagnostics().get(Diagnostic.MULTIPLIER))));
    }
  }

  /** lambda to 1e-12 relative, against bisection in 50-digit BigDecimal on the same mixture. */
  @Test
  void forwardKlLambdaIsAccurateToOneIn1e12() {
    MathContext mc = new MathContext(50);
    for (int trial = 0; trial < 60; trial++) {
      double beta = trial < 20 ? 1e-3 * (1 + trial) : Problems.beta(RNG);
      RegularizedProblem p = Problems.random(RNG, ForwardKl.INSTANCE, 1 + RNG.nextInt(5),
          2 + RNG.nextInt(60), beta, 1 + 9 * RNG.nextDouble(), 2.0, 0.0);
      double lambda = ForwardKlSolver.DEFAULT.solve(p).diagnostics().get(Diagnostic.MULTIPLIER);
      double[] mix = MixtureCombiner.INSTANCE.logUnnormalized(p.references());
      BigDecimal[] w = new BigDecimal[mix.length];
      double rMax = Double.NEGATIVE_INFINITY;
      for (int y = 0; y < mix.length; y++) {
        w[y] = new BigDecimal(beta).multiply(new BigDecimal(Math.exp(mix[y])), mc);
        rMax = Math.max(rMax, p.reward(y));
      }
      BigDecimal lo = new BigDecimal(rMax);
      BigDecimal hi = new BigDecimal(rMax + beta);
      for (int it = 0; it < 170; it++) {
        BigDecimal mid = lo.add(hi).divide(BigDecimal.valueOf(2), mc);
        BigDecimal g = BigDecimal.ONE.negate();
        for (int y = 0; y < mix.length; y++) {
          g = g.add(w[y].divide(mid.subtract(new BigDecimal(p.reward(y))), mc), mc);
        }
        if (g.signum() > 0) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      double reference = lo.doubleValue();
      assertThat(Math.abs(lambda - reference)).as("trial %d, beta %s", trial, beta)
          .isLessThanOrEqualTo(1e-12 * Math.abs(reference));
      // the bracket of docs/math.md#forward-kl
      assertThat(lambda).isBetween(rMax, rMax + beta);
    }
  }

  @Test
  void hoelderBoundsTheOptimumByTheAverageOfSingleReferenceOptima() {
    for (int trial = 0; trial < 100; trial++) {
      RegularizedProblem p = random(ReverseKl.INSTANCE, 0.1);
      PolicySolution s = ReverseKlSolver.INSTANCE.solve(p);
      double average = 0;
      ReferenceSet refs = p.references();
      for (int i = 0; i < refs.size(); i++) {
        RegularizedProblem single = RegularizedProblem.of(
            ReferenceSet.of("single", List.of(refs.reference(i)), 1.0), p.rewards(), p.beta(),
            ReverseKl.INSTANCE);
        average += refs.weight(i) * Independent.objective(
            ReverseKlSolver.INSTANCE.solve(single).policy().logProbs(), single);
      }
      double bound = s.diagnostics().get(Diagnostic.HOELDER_BOUND);
      assertThat(bound).isCloseTo(average, within(1e-9 * Math.max(1, Math.abs(average))));
      assertThat(s.objective()).isLessThanOrEqualTo(bound + 1e-12 * Math.max(1, Math.abs(bound)));
      // value identity of Theorem 5.2: J = beta (log Z + log F)
      assertThat(s.objective()).isCloseTo(p.beta() * (s.diagnostics().get(Diagnostic.LOG_PARTITION)
          + s.diagnostics().get(Diagnostic.LOG_ESCORT_NORMALIZER)), within(1e-9 * Math.max(1, Math.abs(s.objective()))));
      assertThat(s.diagnostics().get(Diagnostic.LOG_ESCORT_NORMALIZER))
          .isCloseTo(EscortCombiner.INSTANCE.logF(refs), within(1e-12));
    }
  }

  /**
   * Corollary C.1: the forward-KL optimum never exceeds the alpha-average of the single-reference
   * optima, which the solver reports as its upper bound. Each single-reference optimum is found
   * independently of the solver's Newton: the general solver's policy gives a primal value from
   * below and the Lagrangian dual at its multiplier a value from above (weak duality), and the
   * reported bound lies between their alpha-averages. On the usual random instances and at the
   * magnitudes of real models: unnormalized sequence log-probs of -50 to -400, references hundreds
   * of nats apart, some with no mass, a weight-0 reference.
   */
  @Test
  void forwardKlBoundsTheOptimumByTheAverageOfSingleReferenceOptima() {
    for (int trial = 0; trial < 140; trial++) {
      RegularizedProblem p = trial < 100 ? random(ForwardKl.INSTANCE, 0.1) : realMagnitudes(trial);
      PolicySolution s = ForwardKlSolver.DEFAULT.solve(p);
      ReferenceSet refs = p.references();
      double below = 0;
      double above = 0;
      for (int i = 0; i < refs.size(); i++) {
        if (refs.weight(i) == 0) {
          continue;
        }
        RegularizedProblem single = RegularizedProblem.of(
            ReferenceSet.of("single", List.of(refs.reference(i)), 1.0), p.rewards(), p.beta(),
            ForwardKl.INSTANCE);
        PolicySolution general = GeneralFSolver.DEFAULT.solve(single);
        below += refs.weight(i) * Independent.objective(general.policy().logProbs(), single);
        above += refs.weight(i) * Independent.dualBound(single,
            general.diagnostics().get(Diagnostic.MULTIPLIER));
      }
      double bound = s.diagnostics().get(Diagnostic.HOELDER_BOUND);
      double tolerance = 1e-9 * Math.max(1, Math.abs(bound));
      assertThat(bound).as("trial %d: the bound against the primal average", trial)
          .isGreaterThanOrEqualTo(below - tolerance);
      assertThat(bound).as("trial %d: the bound against the dual average", trial)
          .isLessThanOrEqualTo(above + tolerance);
      assertThat(s.objective()).as("trial %d: J* <= the bound", trial)
          .isLessThanOrEqualTo(bound + 1e-12 * Math.max(1, Math.abs(bound)));
    }
  }

  /** With one reference, or K copies of one, the bound is the optimum itself. */
  @Test
  void forwardKlBoundIsTheOptimumForOneReference() {
    for (int trial = 0; trial < 50; trial++) {
      RegularizedProblem p = random(ForwardKl.INSTANCE, 0.1);
      LogDistribution first = p.references().reference(0);
      for (ReferenceSet refs : List.of(ReferenceSet.of("one", List.of(first), 1.0),
          ReferenceSet.of("copies", List.of(first, first, first), 0.2, 0.3, 0.5))) {
        PolicySolution s = ForwardKlSolver.DEFAULT.solve(RegularizedProblem.of(refs, p.rewards(),
            p.beta(), ForwardKl.INSTANCE));
        assertThat(s.diagnostics().get(Diagnostic.HOELDER_BOUND)).as("trial %d", trial)
            .isCloseTo(s.objective(), within(1e-12 * Math.max(1, Math.abs(s.objective()))));
      }
    }
  }

  /** Without the bound: the same bits, and no bound reported, on both paths. */
  @Test
  void forwardKlWithoutTheBoundGivesTheSameBits() {
    ForwardKlSolver unbounded = ForwardKlSolver.DEFAULT.withoutUpperBound();
    for (int trial = 0; trial < 40; trial++) {
      RegularizedProblem p = trial % 2 == 0 ? random(ForwardKl.INSTANCE, 0.1)
          : realMagnitudes(trial);
      PolicySolution with = ForwardKlSolver.DEFAULT.solve(p);
      PolicySolution without = unbounded.solve(p);
      assertThat(without.policy().logProbs()).isEqualTo(with.policy().logProbs());
      assertThat(without.objective()).isEqualTo(with.objective());
      assertThat(without.diagnostics().get(Diagnostic.MULTIPLIER))
          .isEqualTo(with.diagnostics().get(Diagnostic.MULTIPLIER));
      assertThat(without.diagnostics()).doesNotContainKey(Diagnostic.HOELDER_BOUND);
      assertThat(with.diagnostics()).containsKey(Diagnostic.HOELDER_BOUND);
    }
  }

  /**
   * K = 2 to 5 references as real models give them: unnormalized sequence log-probs uniform in
   * [-400, -50] per response and reference (so references disagree by hundreds of nats), 5% of the
   * entries without mass, the last reference weighted 0 in every other trial; rewards in [0, 4].
   */
  private static RegularizedProblem realMagnitudes(int trial) {
    int k = 2 + RNG.nextInt(4);
    int n = 2 + RNG.nextInt(120);
    int common = RNG.nextInt(n);
    List<LogDistribution> refs = new java.util.ArrayList<>();
    for (int i = 0; i < k; i++) {
      double[] l = new double[n];
      for (int y = 0; y < n; y++) {
        l[y] = y != common && RNG.nextDouble() < 0.05 ? Double.NEGATIVE_INFINITY
            : RNG.nextDouble(-400, -50);
      }
      refs.add(LogDistribution.normalize(l));
    }
    double[] alpha = new double[k];
    double sum = 0;
    for (int i = 0; i < k; i++) {
      alpha[i] = i == k - 1 && trial % 2 == 0 ? 0 : 0.05 + RNG.nextDouble();
      sum += alpha[i];
    }
    for (int i = 0; i < k; i++) {
      alpha[i] /= sum;
    }
    double[] r = new double[n];
    for (int y = 0; y < n; y++) {
      r[y] = 4 * RNG.nextDouble();
    }
    return RegularizedProblem.of(ReferenceSet.of("real", refs, alpha), r, Problems.beta(RNG),
        ForwardKl.INSTANCE);
  }

  @Test
  void mrpoNeverBeatsTheExactSolutionAndMatchesItForOneReference() {
    for (int trial = 0; trial < 100; trial++) {
      RegularizedProblem p = random(ReverseKl.INSTANCE, 0.1);
      PolicySolution mrpo = MrpoSolver.INSTANCE.solve(p);
      PolicySolution exact = ReverseKlSolver.INSTANCE.solve(p);
      double scale = Math.max(1, Math.abs(exact.objective()));
      assertThat(mrpo.objective()).isLessThanOrEqualTo(exact.objective() + 1e-12 * scale);
      assertThat(mrpo.diagnostics().get(Diagnostic.SURROGATE_GAIN)).isGreaterThanOrEqualTo(-1e-12 * scale);
      assertThat(mrpo.objective()).isCloseTo(
          Independent.objective(mrpo.policy().logProbs(), p), within(1e-9 * scale));
    }
    RegularizedProblem one = Problems.random(RNG, ReverseKl.INSTANCE, 1, 30, 0.7, 1, 2, 0.2);
    assertSamePolicy(MrpoSolver.INSTANCE.solve(one), ReverseKlSolver.INSTANCE.solve(one), "K=1");
  }

  @Test
  void identicalReferencesActAsOneForEveryDivergence() {
    for (var f : OptimalityTest.divergences().toList()) {
      RegularizedProblem single = Problems.random(RNG, f, 1, 25, 0.3, 1, 2, 0.2);
      LogDistribution ref = single.references().reference(0);
      RegularizedProblem triple = RegularizedProblem.of(
          ReferenceSet.of("triple", List.of(ref, ref, ref), 0.2, 0.5, 0.3), single.rewards(),
          single.beta(), f);
      AutoSolver auto = AutoSolver.withDefaults();
      assertSamePolicy(auto.solve(triple), auto.solve(single), f + " identical references");
      assertSamePolicy(GeneralFSolver.DEFAULT.solve(triple), auto.solve(single),
          f + " identical references, general");
    }
  }
}

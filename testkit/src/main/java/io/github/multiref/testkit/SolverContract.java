package io.github.multiref.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.multiref.api.BatchSpec;
import io.github.multiref.api.Diagnostic;
import io.github.multiref.api.Divergence;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.PromptBatch;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.SolutionBatch;
import io.github.multiref.api.Solver;
import io.github.multiref.api.Stability;
import io.github.multiref.divergences.AlphaDivergence;
import io.github.multiref.divergences.ForwardKl;
import io.github.multiref.divergences.JensenShannon;
import io.github.multiref.divergences.PearsonChiSquared;
import io.github.multiref.divergences.ReverseKl;
import io.github.multiref.divergences.SquaredHellinger;
import io.github.multiref.solvers.DatasetSolver;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link Solver}, to subclass in a plugin's tests:
 *
 * <pre>{@code
 * class MySolverContractTest extends SolverContract {
 *   @Override protected Solver solver() { return new MySolver(); }
 *   @Override protected List<Divergence> divergences() { return List.of(ReverseKl.INSTANCE); }
 * }
 * }</pre>
 *
 * <p>On random instances of every divergence the solver is tested with, of moderate size and
 * shaped like language-model outputs (references hundreds of nats apart): the policy it returns is
 * optimal within 1e-8, certified by weak Lagrangian duality computed here from the divergence's f
 * values alone ({@link Certificates}; a surrogate solver, {@link #exact()} false, must instead never claim more than the
 * optimum), and the objective it reports is the objective of that policy, evaluated here from its
 * definition. {@link Solver#solveAll} gives bit for bit what {@link Solver#solve} gives, also across
 * runs of prompts of one size, where a solver may reuse working memory; {@link Solver#solveBatch}
 * gives those bits too, on batches at real magnitudes; results do not depend on the number of
 * threads; and a divergence the solver does not support is refused (skipped when it
 * supports every one the kit tries).
 */
@Stability(Stability.Status.STABLE)
public abstract class SolverContract {

  /** The solver under test. */
  protected abstract Solver solver();

  /** Divergences to test the solver with; it must support each of them. */
  protected abstract List<Divergence> divergences();

  /**
   * Whether the solver claims the optimum. A surrogate (such as MRPO) returns false: then its
   * policy is only checked not to beat the optimum, and its reported objective to be that policy's.
   */
  protected boolean exact() {
    return true;
  }

  /** Random instances of moderate size per divergence. */
  protected int trials() {
    return 40;
  }

  /**
   * Instances per divergence shaped like language-model outputs ({@link
   * Instances#realMagnitudeProblem}): references hundreds of nats apart, K up to 8, up to 1024
   * responses.
   */
  protected int realMagnitudeTrials() {
    return 20;
  }

  /** Seed of the random instances; fixed so that a failure reproduces. */
  protected long seed() {
    return 20261130L;
  }

  @Test
  void supportsTheDivergencesItIsTestedWith() {
    assertThat(divergences()).as("divergences to test with").isNotEmpty();
    for (Divergence d : divergences()) {
      assertThat(solver().supports(d)).as("%s supports %s", solver(), d).isTrue();
    }
  }

  @Test
  void reachesTheOptimumAndReportsItsObjective() {
    SplittableRandom rng = new SplittableRandom(seed());
    for (Divergence d : divergences()) {
      for (int trial = 0; trial < trials(); trial++) {
        assertOptimal(Instances.randomProblem(rng, d), d + ", trial " + trial);
      }
    }
  }

  @Test
  void reachesTheOptimumAtRealMagnitudes() {
    SplittableRandom rng = new SplittableRandom(seed() + 3);
    for (Divergence d : divergences()) {
      for (int trial = 0; trial < realMagnitudeTrials(); trial++) {
        assertOptimal(Instances.realMagnitudeProblem(rng, d),
            d + ", real-magnitude trial " + trial);
      }
    }
  }

  private void assertOptimal(RegularizedProblem problem, String trial) {
    String what = trial + ", " + problem.references().size() + " references, "
        + problem.references().responses() + " responses, beta " + problem.beta();
    PolicySolution solution = solver().solve(problem);
    assertThat(solution.policy().size()).as("policy size, " + what)
        .isEqualTo(problem.references().responses());
    double value = Certificates.objective(solution.policy(), problem);
    double scale = 1 + Math.abs(value);
    assertThat(value).as("objective of the policy, " + what).isFinite();
    assertThat(solution.objective()).as("reported objective, " + what)
        .isCloseTo(value, within(1e-9 * scale));
    double gap = Certificates.optimalityGap(solution.policy(), problem);
    assertThat(gap).as("weak duality: the optimum is at least this policy's value, " + what)
        .isGreaterThan(-1e-9 * scale);
    if (exact()) {
      assertThat(gap).as("duality gap (optimum minus this policy at most), " + what)
          .isLessThan(1e-8 * scale);
    }
  }

  @Test
  void solveAllGivesTheBitsOfSolve() {
    SplittableRandom rng = new SplittableRandom(seed() + 1);
    List<RegularizedProblem> problems = new ArrayList<>();
    for (Divergence d : divergences()) {
      for (int run = 0; run < 3; run++) {
        // runs of four problems of one size (other references and rewards), then a size change
        int n = 2 + rng.nextInt(39);
        for (int i = 0; i < 4; i++) {
          problems.add(Instances.randomProblem(rng, d, n));
        }
      }
    }
    List<PolicySolution> together = solver().solveAll(problems);
    assertThat(together).as("one solution per problem").hasSize(problems.size());
    for (int i = 0; i < problems.size(); i++) {
      assertSameBits(together.get(i), solver().solve(problems.get(i)), "problem " + i);
    }
    List<PolicySolution> serial = DatasetSolver.solveAll(problems, solver(), 1);
    List<PolicySolution> parallel = DatasetSolver.solveAll(problems, solver(), 3);
    for (int i = 0; i < problems.size(); i++) {
      assertSameBits(parallel.get(i), serial.get(i), "problem " + i + " on three threads");
    }
  }

  /**
   * {@link Solver#solveBatch} (the solver's own or the default), over batches at real magnitudes
   * (unnormalized sequence log-probabilities of -50 to -400, references hundreds of nats apart,
   * prompts of different sizes, a reference of weight 0, renormalized or taken as normalized), on
   * one and on three threads, gives bit for bit what {@link Solver#solve} gives for {@link
   * BatchSpec#problem}.
   */
  @Test
  void solveBatchGivesTheBitsOfSolve() {
    SplittableRandom rng = new SplittableRandom(seed() + 3);
    for (Divergence d : divergences()) {
      for (boolean renormalize : new boolean[] {true, false}) {
        int k = 1 + rng.nextInt(4);
        double[] weights = Instances.randomWeights(rng, k);
        if (k > 1) { // one reference left out: its weight goes to the others
          double dropped = weights[k - 1];
          weights[k - 1] = 0.0;
          for (int i = 0; i < k - 1; i++) {
            weights[i] += dropped / (k - 1);
          }
        }
        PromptBatch batch = Instances.realMagnitudeBatch(rng, 12, k, !renormalize);
        BatchSpec spec = new BatchSpec(d, Math.pow(10, -2 + 3 * rng.nextDouble()), weights,
            renormalize, 1e-9);
        SolutionBatch one = new SolutionBatch(batch);
        DatasetSolver.solveBatch(batch, spec, solver(), 1, one);
        SolutionBatch three = new SolutionBatch(batch);
        DatasetSolver.solveBatch(batch, spec, solver(), 3, three);
        for (int p = 0; p < batch.size(); p++) {
          RegularizedProblem problem = spec.problem(batch, p);
          PolicySolution s = solver().solve(problem);
          for (SolutionBatch out : List.of(one, three)) {
            String what = d + ", " + (renormalize ? "renormalized" : "normalized") + ", prompt "
                + p + (out == one ? "" : " on three threads");
            int at = batch.offset(p);
            int n = batch.responses(p);
            assertThat(java.util.Arrays.copyOfRange(out.policyLogProbs(), at, at + n))
                .as("policy, " + what).isEqualTo(s.policy().logProbs());
            assertThat(Double.doubleToRawLongBits(out.objective()[p])).as("objective, " + what)
                .isEqualTo(Double.doubleToRawLongBits(s.objective()));
            assertThat(out.iterations()[p]).as("iterations, " + what).isEqualTo(s.iterations());
            assertThat(out.upperBound()[p]).as("upper bound, " + what).isEqualTo(
                s.diagnostics().getOrDefault(Diagnostic.HOELDER_BOUND, Double.NaN));
            assertThat(out.multiplier()[p]).as("multiplier, " + what).isEqualTo(
                s.diagnostics().getOrDefault(Diagnostic.MULTIPLIER, Double.NaN));
            assertThat(out.hasReference()[p]).as("has a reference, " + what)
                .isEqualTo(s.combinedReference().isPresent());
            if (s.combinedReference().isPresent()) {
              assertThat(java.util.Arrays.copyOfRange(out.referenceLogProbs(), at, at + n))
                  .as("combined reference, " + what).isEqualTo(s.combinedReference().get()
                      .combine(problem.references()).distribution().logProbs());
            }
          }
        }
      }
    }
  }

  @Test
  void refusesADivergenceItDoesNotSupport() {
    SplittableRandom rng = new SplittableRandom(seed() + 2);
    List<Divergence> candidates = List.of(ReverseKl.INSTANCE, ForwardKl.INSTANCE,
        PearsonChiSquared.INSTANCE, SquaredHellinger.INSTANCE, JensenShannon.INSTANCE,
        AlphaDivergence.of(0.5), new TotalVariation());
    List<Divergence> unsupported = new ArrayList<>();
    for (Divergence d : candidates) {
      if (!solver().supports(d)) {
        unsupported.add(d);
      }
    }
    assumeTrue(!unsupported.isEmpty(), solver() + " supports every divergence the kit tries");
    for (Divergence d : unsupported) {
      RegularizedProblem problem = Instances.randomProblem(rng, d);
      assertThatThrownBy(() -> solver().solve(problem)).as("solving with %s", d)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  /**
   * Total variation {@code f(t) = |t - 1| / 2}: convex but not strictly, so no solver that
   * inverts f' can take it.
   */
  private static final class TotalVariation implements Divergence {
    @Override
    public double f(double t) {
      return 0.5 * Math.abs(t - 1);
    }

    @Override
    public double fPrime(double t) {
      return t < 1 ? -0.5 : 0.5;
    }

    @Override
    public double fPrimeInverse(double u) {
      throw new UnsupportedOperationException("total variation: f' is a step");
    }

    @Override
    public boolean isStrictlyConvex() {
      return false;
    }

    @Override
    public double term(double logP, double logQ) {
      return 0.5 * Math.abs(Math.exp(logP) - Math.exp(logQ));
    }

    @Override
    public String toString() {
      return "total-variation";
    }
  }

  private static void assertSameBits(PolicySolution a, PolicySolution b, String what) {
    assertThat(a.policy().logProbs()).as("log-probabilities, " + what)
        .isEqualTo(b.policy().logProbs());
    assertThat(a.policy().probs()).as("probabilities, " + what).isEqualTo(b.policy().probs());
    assertThat(Double.doubleToRawLongBits(a.objective())).as("objective, " + what)
        .isEqualTo(Double.doubleToRawLongBits(b.objective()));
    assertThat(a.iterations()).as("iterations, " + what).isEqualTo(b.iterations());
    assertThat(Double.doubleToRawLongBits(a.residual())).as("residual, " + what)
        .isEqualTo(Double.doubleToRawLongBits(b.residual()));
    assertThat(a.diagnostics()).as("diagnostics, " + what).isEqualTo(b.diagnostics());
  }
}

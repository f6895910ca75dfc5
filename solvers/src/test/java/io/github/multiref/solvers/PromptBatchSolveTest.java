package io.github.multiref.solvers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.multiref.api.BatchSpec;
import io.github.multiref.api.Diagnostic;
import io.github.multiref.api.Divergence;
import io.github.multiref.api.EmptySupportException;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.PromptBatch;
import io.github.multiref.api.PromptFailure;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.SolutionBatch;
import io.github.multiref.api.Solver;
import io.github.multiref.divergences.AlphaDivergence;
import io.github.multiref.divergences.ForwardKl;
import io.github.multiref.divergences.ReverseKl;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The columnar path ({@link Solver#solveBatch}, {@link DatasetSolver#solveBatch}) against the
 * object API, bit for bit, on batches at the magnitudes of real models: unnormalized sequence
 * log-probabilities of -50 to -400 whose references disagree by hundreds of nats, responses without
 * mass, a reference of weight 0, and prompts of different sizes in one batch.
 */
class PromptBatchSolveTest {

  private static final double[] WEIGHTS = {0.5, 0.0, 0.2, 0.3};

  /** A batch of sizes 1 to 300, log-probabilities as a language model's sequences give them. */
  static PromptBatch batch(SplittableRandom rng, int prompts, boolean normalized) {
    int k = WEIGHTS.length;
    int[] offsets = new int[prompts + 1];
    for (int p = 0; p < prompts; p++) {
      offsets[p + 1] = offsets[p] + 1 + rng.nextInt(p % 7 == 0 ? 3 : 300);
    }
    double[] rewards = new double[offsets[prompts]];
    double[] refs = new double[k * offsets[prompts]];
    String[] labels = new String[prompts];
    for (int p = 0; p < prompts; p++) {
      int n = offsets[p + 1] - offsets[p];
      labels[p] = "q" + p;
      int common = rng.nextInt(n);
      for (int i = 0; i < k; i++) {
        double shift = -50 - 350 * rng.nextDouble(); // the references disagree by hundreds of nats
        double[] lp = new double[n];
        for (int y = 0; y < n; y++) {
          lp[y] = y != common && rng.nextDouble() < 0.05 ? Double.NEGATIVE_INFINITY
              : shift + 30 * Problems.gaussian(rng);
        }
        if (normalized) {
          lp = io.github.multiref.api.LogDistribution.normalize(lp).logProbs();
        }
        int at = k * offsets[p] + i * n;
        System.arraycopy(lp, 0, refs, at, n);
      }
      for (int y = 0; y < n; y++) {
        rewards[offsets[p] + y] = 10 * rng.nextDouble() - 5;
      }
    }
    return new PromptBatch(prompts, k, offsets, rewards, refs, labels);
  }

  /** What the object API gives for prompt p, solved one by one. */
  private static void assertSameAsObjects(PromptBatch batch, BatchSpec spec, Solver solver,
      SolutionBatch out) {
    for (int p = 0; p < batch.size(); p++) {
      RegularizedProblem problem = spec.problem(batch, p);
      PolicySolution s = solver.solve(problem);
      int at = batch.offset(p);
      int n = batch.responses(p);
      assertThat(Arrays.copyOfRange(out.policyLogProbs(), at, at + n))
          .as("policy of prompt %d", p).isEqualTo(s.policy().logProbs());
      assertThat(out.hasReference()[p]).isEqualTo(s.combinedReference().isPresent());
      if (s.combinedReference().isPresent()) {
        double[] reference = s.combinedReference().get().combine(problem.references())
            .distribution().logProbs();
        assertThat(Arrays.copyOfRange(out.referenceLogProbs(), at, at + n))
            .as("combined reference of prompt %d", p).isEqualTo(reference);
      }
      assertThat(Double.doubleToRawLongBits(out.objective()[p]))
          .as("objective of prompt %d", p).isEqualTo(Double.doubleToRawLongBits(s.objective()));
      assertThat(out.upperBound()[p]).isEqualTo(
          s.diagnostics().getOrDefault(Diagnostic.HOELDER_BOUND, Double.NaN));
      assertThat(out.multiplier()[p]).isEqualTo(
          s.diagnostics().getOrDefault(Diagnostic.MULTIPLIER, Double.NaN));
      assertThat(out.iterations()[p]).isEqualTo(s.iterations());
    }
  }

  @Test
  void reverseKlReadsTheColumnsInPlaceAndGivesTheObjectApisBits() {
    SplittableRandom rng = new SplittableRandom(20261202);
    for (boolean normalized : new boolean[] {false, true}) {
      PromptBatch batch = batch(rng, 120, normalized);
      for (double beta : new double[] {1e-3, 0.1, 1.0, 30.0}) {
        BatchSpec spec = normalized ? BatchSpec.normalized(ReverseKl.INSTANCE, beta, 1e-9, WEIGHTS)
            : BatchSpec.renormalizing(ReverseKl.INSTANCE, beta, WEIGHTS);
        SolutionBatch out = new SolutionBatch(batch);
        ReverseKlSolver.INSTANCE.solveBatch(batch, 0, batch.size(), spec, out);
        assertSameAsObjects(batch, spec, ReverseKlSolver.INSTANCE, out);
        assertThat(out.upperBound()).doesNotContain(Double.NaN);
      }
    }
  }

  @Test
  void forwardKlAndTheGeneralSolverGiveTheObjectApisBits() {
    SplittableRandom rng = new SplittableRandom(7);
    PromptBatch batch = batch(rng, 40, false);
    for (Divergence f : new Divergence[] {ForwardKl.INSTANCE, AlphaDivergence.of(0.5)}) {
      Solver solver = f == ForwardKl.INSTANCE ? ForwardKlSolver.DEFAULT : GeneralFSolver.DEFAULT;
      BatchSpec spec = BatchSpec.renormalizing(f, 0.5, WEIGHTS);
      SolutionBatch out = new SolutionBatch(batch);
      solver.solveBatch(batch, 0, batch.size(), spec, out);
      assertSameAsObjects(batch, spec, solver, out);
      if (f == ForwardKl.INSTANCE) { // the bound is reported, and is NaN without it
        assertThat(out.upperBound()).doesNotContain(Double.NaN);
        Solver unbounded = ForwardKlSolver.DEFAULT.withoutUpperBound();
        SolutionBatch without = new SolutionBatch(batch);
        unbounded.solveBatch(batch, 0, batch.size(), spec, without);
        assertSameAsObjects(batch, spec, unbounded, without);
        assertThat(without.upperBound()).containsOnly(Double.NaN);
        assertThat(without.policyLogProbs()).isEqualTo(out.policyLogProbs());
      }
    }
  }

  @Test
  void theBatchIsSolvedTheSameForAnyThreadCountAndRange() {
    PromptBatch batch = batch(new SplittableRandom(3), 200, false);
    BatchSpec spec = BatchSpec.renormalizing(ReverseKl.INSTANCE, 0.2, WEIGHTS);
    SolutionBatch one = new SolutionBatch(batch);
    DatasetSolver.solveBatch(batch, spec, ReverseKlSolver.INSTANCE, 1, one);
    for (int threads : new int[] {2, 3, 8}) {
      SolutionBatch many = new SolutionBatch(batch);
      DatasetSolver.solveBatch(batch, spec, ReverseKlSolver.INSTANCE, threads, many);
      assertThat(many.policyLogProbs()).isEqualTo(one.policyLogProbs());
      assertThat(many.referenceLogProbs()).isEqualTo(one.referenceLogProbs());
      assertThat(many.objective()).isEqualTo(one.objective());
      assertThat(many.upperBound()).isEqualTo(one.upperBound());
    }
    SolutionBatch pieces = new SolutionBatch(batch);
    for (int from = 0; from < batch.size(); from += 37) {
      ReverseKlSolver.INSTANCE.solveBatch(batch, from, Math.min(batch.size(), from + 37), spec,
          pieces);
    }
    assertThat(pieces.policyLogProbs()).isEqualTo(one.policyLogProbs());
  }

  /** A two-prompt batch, K = 2: a good first prompt and the second as given. */
  private static PromptBatch twoPrompts(double[] rewards, double[] ref0, double[] ref1) {
    int n = rewards.length;
    double[] r = new double[2 * n];
    double[] refs = new double[4 * n];
    for (int y = 0; y < n; y++) {
      r[y] = y;
      refs[y] = -Math.log(n); // uniform: normalized, for either spec
      refs[n + y] = -Math.log(n);
    }
    System.arraycopy(rewards, 0, r, n, n);
    System.arraycopy(ref0, 0, refs, 2 * n, n);
    System.arraycopy(ref1, 0, refs, 3 * n, n);
    return new PromptBatch(2, 2, new int[] {0, n, 2 * n}, r, refs, new String[] {"a", "b"});
  }

  private static void assertBothPathsRefuse(PromptBatch batch, BatchSpec spec, String field,
      String message) {
    for (Solver solver : new Solver[] {ReverseKlSolver.INSTANCE, new Solver() {
      @Override
      public boolean supports(Divergence d) {
        return true;
      }

      @Override
      public PolicySolution solve(RegularizedProblem problem) {
        return ReverseKlSolver.INSTANCE.solve(problem); // through the default solveBatch
      }
    }}) {
      SolutionBatch out = new SolutionBatch(batch);
      assertThatThrownBy(() -> solver.solveBatch(batch, 0, 2, spec, out))
          .isInstanceOfSatisfying(PromptFailure.class, e -> {
            assertThat(e.prompt()).isEqualTo(1);
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.budgetExceeded()).isFalse();
          })
          .hasMessageContaining(message);
    }
  }

  @Test
  void aPromptThatCannotBeSolvedIsNamedWithItsField() {
    double inf = Double.POSITIVE_INFINITY;
    double[] good = {-1.0, -2.0, -3.0};
    BatchSpec spec = BatchSpec.renormalizing(ReverseKl.INSTANCE, 1.0, 0.5, 0.5);
    assertBothPathsRefuse(twoPrompts(new double[] {1, 2, 3}, good,
        new double[] {-1.0, Double.NaN, -3.0}), spec, "ref_logprobs[1]", "index 1 is NaN");
    assertBothPathsRefuse(twoPrompts(new double[] {1, 2, 3}, new double[] {-1.0, inf, -3.0},
        good), spec, "ref_logprobs[0]", "index 1 is +inf");
    assertBothPathsRefuse(twoPrompts(new double[] {1, 2, 3}, good,
        new double[] {-inf, -inf, -inf}), spec, "ref_logprobs[1]",
        "gives no response positive probability");
    assertBothPathsRefuse(twoPrompts(new double[] {1, Double.NaN, 3}, good, good), spec,
        "reward", "prompt 'b': reward at index 1 must be finite, got NaN");
    assertBothPathsRefuse(twoPrompts(new double[] {1, 2, 3}, good,
        new double[] {-1.0, -2.0, -3.0}),
        BatchSpec.normalized(ReverseKl.INSTANCE, 1.0, 1e-6, 0.5, 0.5), "ref_logprobs[0]",
        "sums to 0.5530017927759"); // e^-1 + e^-2 + e^-3 = 0.55300179277591...
    PromptBatch disjoint = twoPrompts(new double[] {1, 2, 3}, new double[] {0.0, -inf, -inf},
        new double[] {-inf, 0.0, -inf});
    assertBothPathsRefuse(disjoint, spec, null, "prompt 'b': the escort combination");
    assertThatThrownBy(() -> ReverseKlSolver.INSTANCE.solveBatch(disjoint, 0, 2, spec,
        new SolutionBatch(disjoint))).hasCauseInstanceOf(EmptySupportException.class);
  }

  @Test
  void theLayoutIsCheckedWhenTheBatchIsMade() {
    assertThatThrownBy(() -> new PromptBatch(2, 1, new int[] {0, 2, 2}, new double[2],
        new double[2], null)).hasMessage("prompt 1 has 0 responses (offsets 2 to 2); expected >= 1");
    assertThatThrownBy(() -> new PromptBatch(1, 2, new int[] {0, 3}, new double[3],
        new double[5], null)).hasMessage("refLogProbs must hold K * 3 = 6 entries, got 5");
    PromptBatch batch = new PromptBatch(1, 2, new int[] {0, 3}, new double[3], new double[6],
        null);
    assertThat(batch.prompt(0)).isEqualTo("#0");
    assertThatThrownBy(() -> ReverseKlSolver.INSTANCE.solveBatch(batch, 0, 1,
        BatchSpec.renormalizing(ReverseKl.INSTANCE, 1.0, 1.0), new SolutionBatch(batch)))
        .hasMessage("the batch has 2 references but there are 1 weights");
    assertThatThrownBy(() -> BatchSpec.renormalizing(ReverseKl.INSTANCE, 1.0, 0.5, 0.6))
        .hasMessageContaining("weights must sum to 1");
  }
}

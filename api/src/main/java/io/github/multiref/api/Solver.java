package io.github.multiref.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Solves one prompt's {@link RegularizedProblem}.
 *
 * <p>Contract: the returned policy maximizes the problem's objective (or, for a surrogate, the
 * solver says so in its factory description) to the solver's stated tolerance; a solver that
 * cannot reach its tolerance within its iteration budget throws {@link ArithmeticException}
 * rather than return a silently wrong policy. Tolerances and budgets come from the factory's
 * configuration; a solver keeps no per-call state in fields and is thread-safe.
 */
@Stability(Stability.Status.STABLE)
public interface Solver {

  /**
   * Whether this solver handles problems regularized by {@code divergence}: by what the divergence
   * declares of itself (such as its {@link Divergence#powerForm()}), never by its class, so that a
   * plugin divergence of the same kind is treated as a built-in is.
   */
  boolean supports(Divergence divergence);

  /**
   * The solver that does the work for problems regularized by {@code divergence}: this one, unless
   * this solver dispatches to others (the built-in {@code auto} hands each divergence to the best
   * solver for it). Programs report it beside their results.
   */
  default Solver delegateFor(Divergence divergence) {
    return this;
  }

  /**
   * The solution.
   *
   * @throws IllegalArgumentException if the divergence is not supported or the problem has no
   *     solution (e.g. an escort with empty support)
   * @throws ArithmeticException if the iteration budget runs out before the tolerance is met
   */
  PolicySolution solve(RegularizedProblem problem);

  /**
   * The solutions of several problems, in their order, each bitwise the same as {@link
   * #solve(RegularizedProblem)} returns for it. A solver may override this to reuse working memory
   * from one problem to the next (the exact reverse-KL solver does, which saves allocating and
   * clearing it per prompt); the default solves each in turn. Not required to be called from one
   * thread only: an override keeps its working memory in local variables, never in fields.
   *
   * @throws IllegalArgumentException as {@link #solve(RegularizedProblem)} throws it, for the first
   *     failing problem; later problems are not solved
   * @throws ArithmeticException likewise
   */
  default List<PolicySolution> solveAll(List<RegularizedProblem> problems) {
    List<PolicySolution> out = new ArrayList<>(problems.size());
    for (RegularizedProblem problem : problems) {
      out.add(solve(problem));
    }
    return out;
  }

  /**
   * Solves prompts {@code from} (inclusive) to {@code to} (exclusive) of a batch into {@code out},
   * each bitwise as {@link #solve} solves {@link BatchSpec#problem spec.problem(batch, p)}. The
   * default builds those problems and calls {@link #solveAll}; a solver may override it to read the
   * columns in place, with working memory reused across the prompts and nothing allocated per
   * prompt. Thread-safe for disjoint ranges of one output.
   *
   * @throws IllegalArgumentException if the spec has another K than the batch, or the range is out
   *     of the batch
   * @throws PromptFailure for the first prompt of the range that fails, with the solver's exception
   *     as its cause; the later prompts are not solved
   */
  default void solveBatch(PromptBatch batch, int from, int to, BatchSpec spec,
      SolutionBatch out) {
    spec.checkReferences(batch);
    if (from < 0 || to > batch.size() || from > to || out.batch() != batch) {
      throw new IllegalArgumentException("prompts " + from + " to " + to + " of " + batch
          + " into " + out);
    }
    List<RegularizedProblem> problems = new ArrayList<>(to - from);
    for (int p = from; p < to; p++) {
      problems.add(spec.problem(batch, p));
    }
    List<PolicySolution> solved;
    try {
      solved = solveAll(problems);
    } catch (IllegalArgumentException | ArithmeticException e) {
      // solving is deterministic: one by one, the first failing prompt fails again
      for (int p = from; p < to; p++) {
        try {
          solve(problems.get(p - from));
        } catch (IllegalArgumentException | ArithmeticException again) {
          throw new PromptFailure(p, null, again);
        }
      }
      throw e;
    }
    for (int p = from; p < to; p++) {
      PolicySolution s = solved.get(p - from);
      ReferenceSet refs = problems.get(p - from).references();
      out.set(p, s, !out.wantsReferences() ? null : s.combinedReference()
          .map(c -> c.combine(refs).distribution().logProbs()).orElse(null));
    }
  }
}

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
}

package io.github.multiref.api;

/**
 * Solves one prompt's {@link RegularizedProblem}.
 *
 * <p>Contract: the returned policy maximizes the problem's objective (or, for a surrogate, the
 * solver says so in its factory description) to the solver's stated tolerance; a solver that
 * cannot reach its tolerance within its iteration budget throws {@link ArithmeticException}
 * rather than return a silently wrong policy. Tolerances and budgets come from the factory's
 * configuration; a solver keeps no per-call state in fields and is thread-safe.
 */
public interface Solver {

  /** Whether this solver handles problems regularized by {@code divergence}. */
  boolean supports(Divergence divergence);

  /**
   * The solution.
   *
   * @throws IllegalArgumentException if the divergence is not supported or the problem has no
   *     solution (e.g. an escort with empty support)
   * @throws ArithmeticException if the iteration budget runs out before the tolerance is met
   */
  PolicySolution solve(RegularizedProblem problem);
}

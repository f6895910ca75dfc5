package io.github.multiref.solvers;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Solver;

/**
 * Picks the best solver for the problem's divergence: the exact reverse-KL closed form, the
 * forward-KL root, or the general nested solver for any other strictly convex f.
 */
public final class AutoSolver implements Solver {

  private final ForwardKlSolver forward;
  private final GeneralFSolver general;

  /** With the given forward-KL and general solvers (their tolerances and budgets). */
  public AutoSolver(ForwardKlSolver forward, GeneralFSolver general) {
    this.forward = forward;
    this.general = general;
  }

  /** With default tolerances and budgets. */
  public static AutoSolver withDefaults() {
    return new AutoSolver(ForwardKlSolver.DEFAULT, GeneralFSolver.DEFAULT);
  }

  /** The solver used for {@code divergence}. */
  public Solver delegateFor(Divergence divergence) {
    if (ReverseKlSolver.INSTANCE.supports(divergence)) {
      return ReverseKlSolver.INSTANCE;
    }
    if (forward.supports(divergence)) {
      return forward;
    }
    return general;
  }

  @Override
  public boolean supports(Divergence divergence) {
    return delegateFor(divergence).supports(divergence);
  }

  @Override
  public PolicySolution solve(RegularizedProblem problem) {
    return delegateFor(problem.divergence()).solve(problem);
  }

  @Override
  public String toString() {
    return "auto";
  }
}

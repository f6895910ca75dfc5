package io.github.multiref.solvers;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Solver;
import io.github.multiref.api.Stability;
import java.util.ArrayList;
import java.util.List;

/**
 * Picks the best solver for the problem's divergence: the exact reverse-KL closed form, the
 * forward-KL root, or the general nested solver for any other strictly convex f.
 */
@Stability(Stability.Status.STABLE)
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
  @Override
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

  /** Hands each run of consecutive problems with the same delegate to that delegate's solveAll. */
  @Override
  public List<PolicySolution> solveAll(List<RegularizedProblem> problems) {
    List<PolicySolution> out = new ArrayList<>(problems.size());
    int from = 0;
    while (from < problems.size()) {
      Solver delegate = delegateFor(problems.get(from).divergence());
      int to = from + 1;
      while (to < problems.size() && delegateFor(problems.get(to).divergence()) == delegate) {
        to++;
      }
      out.addAll(delegate.solveAll(problems.subList(from, to)));
      from = to;
    }
    return out;
  }

  @Override
  public String toString() {
    return "auto";
  }
}

package io.github.multiref.solvers;

import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.RegularizedProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * The one rule by which a solver's {@code solveAll} reuses working memory: the problems are solved
 * in order, a working-memory object is allocated for a problem's number of responses, kept while
 * the following problems have that size (cleared before each), and allocated again when the size
 * changes. It lives in local variables only, so the solver stays stateless and thread-safe.
 */
final class WorkingMemory {

  private WorkingMemory() {}

  /**
   * The solutions, in order.
   *
   * @param allocate working memory for n responses, as a fresh one arrives
   * @param clear brings used working memory back to the state of a fresh one
   * @param solve one problem in the given working memory
   */
  static <W> List<PolicySolution> solveInOrder(List<RegularizedProblem> problems,
      IntFunction<W> allocate, Consumer<W> clear,
      BiFunction<RegularizedProblem, W, PolicySolution> solve) {
    List<PolicySolution> out = new ArrayList<>(problems.size());
    W work = null;
    int size = -1;
    for (RegularizedProblem problem : problems) {
      int n = problem.references().responses();
      if (n == size) {
        clear.accept(work);
      } else {
        work = allocate.apply(n);
        size = n;
      }
      out.add(solve.apply(problem, work));
    }
    return out;
  }
}

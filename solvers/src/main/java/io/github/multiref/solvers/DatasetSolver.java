package io.github.multiref.solvers;

import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Solver;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Solves many prompts in parallel. Each prompt is solved on its own with a fixed order of
 * arithmetic, so the results are bitwise the same for any number of threads.
 */
public final class DatasetSolver {

  private DatasetSolver() {}

  /**
   * The solutions, in the order of the problems.
   *
   * @param threads worker threads, {@code >= 1}
   * @throws IllegalArgumentException, ArithmeticException as the solver throws them, for the
   *     first failing prompt in input order
   */
  public static List<PolicySolution> solveAll(List<RegularizedProblem> problems, Solver solver,
      int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    PolicySolution[] out = new PolicySolution[problems.size()];
    RuntimeException[] failures = new RuntimeException[problems.size()];
    Runnable work = () -> IntStream.range(0, problems.size()).parallel().forEach(i -> {
      try {
        out[i] = solver.solve(problems.get(i));
      } catch (RuntimeException e) {
        failures[i] = e;
      }
    });
    if (threads == 1) {
      for (int i = 0; i < problems.size(); i++) {
        try {
          out[i] = solver.solve(problems.get(i));
        } catch (RuntimeException e) {
          failures[i] = e;
          break;
        }
      }
    } else {
      ForkJoinPool pool = new ForkJoinPool(threads);
      try {
        pool.submit(work).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while solving", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      } finally {
        pool.shutdown();
      }
    }
    for (RuntimeException failure : failures) {
      if (failure != null) {
        throw failure;
      }
    }
    return Arrays.asList(out);
  }
}

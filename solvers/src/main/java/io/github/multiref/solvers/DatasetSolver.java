package io.github.multiref.solvers;

import io.github.multiref.api.BatchSpec;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.PromptBatch;
import io.github.multiref.api.PromptFailure;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.SolutionBatch;
import io.github.multiref.api.Solver;
import io.github.multiref.api.Stability;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Solves many prompts in parallel. Each prompt is solved on its own with a fixed order of
 * arithmetic, so the results are bitwise the same for any number of threads.
 *
 * <p>The prompts are split into consecutive chunks, each handed to {@link Solver#solveAll} on one
 * worker, so that a solver can reuse its working memory within a chunk.
 */
@Stability(Stability.Status.STABLE)
public final class DatasetSolver {

  /** Most prompts per chunk: small enough to balance the workers, large enough to reuse memory. */
  static final int CHUNK = 16;

  private DatasetSolver() {}

  /**
   * The solutions, in the order of the problems.
   *
   * @param threads worker threads, {@code >= 1}
   * @throws IllegalArgumentException as the solver throws it, for the first failing prompt in
   *     input order
   * @throws ArithmeticException likewise
   */
  public static List<PolicySolution> solveAll(List<RegularizedProblem> problems, Solver solver,
      int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    if (threads == 1) {
      return List.copyOf(solved(solver, problems));
    }
    int size = problems.size();
    // at least four chunks per worker where there are enough prompts
    int chunk = Math.max(1, Math.min(CHUNK, size / (4 * threads)));
    int chunks = (size + chunk - 1) / chunk;
    PolicySolution[] out = new PolicySolution[size];
    inChunks(chunks, threads, c -> {
      int from = c * chunk;
      int to = Math.min(size, from + chunk);
      List<PolicySolution> solved = solved(solver, problems.subList(from, to));
      for (int i = from; i < to; i++) {
        out[i] = solved.get(i - from);
      }
    });
    return Arrays.asList(out);
  }

  /**
   * Solves every prompt of a batch into {@code out}, in parallel over consecutive chunks of
   * prompts, each handed to {@link Solver#solveBatch} on one worker: bitwise the same for any
   * number of threads.
   *
   * @param threads worker threads, {@code >= 1}
   * @throws PromptFailure for the first failing prompt in batch order
   */
  public static void solveBatch(PromptBatch batch, BatchSpec spec, Solver solver, int threads,
      SolutionBatch out) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    int size = batch.size();
    if (threads == 1 || size <= 1) {
      solver.solveBatch(batch, 0, size, spec, out);
      return;
    }
    int chunk = Math.max(1, Math.min(CHUNK, size / (4 * threads)));
    int chunks = (size + chunk - 1) / chunk;
    inChunks(chunks, threads, c -> {
      int from = c * chunk;
      solver.solveBatch(batch, from, Math.min(size, from + chunk), spec, out);
    });
  }

  /**
   * Runs chunks 0 to {@code chunks - 1} on a pool of {@code threads} and throws the first failure
   * in chunk order (a chunk stops at its first failure, so that is the first failing prompt).
   */
  private static void inChunks(int chunks, int threads, java.util.function.IntConsumer chunk) {
    RuntimeException[] failures = new RuntimeException[chunks];
    Runnable work = () -> IntStream.range(0, chunks).parallel().forEach(c -> {
      try {
        chunk.accept(c);
      } catch (RuntimeException e) {
        failures[c] = e;
      }
    });
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
    for (RuntimeException failure : failures) {
      if (failure != null) {
        throw failure;
      }
    }
  }

  /** {@code solver.solveAll(problems)}, checked to give one solution per problem. */
  private static List<PolicySolution> solved(Solver solver, List<RegularizedProblem> problems) {
    List<PolicySolution> solved = solver.solveAll(problems);
    if (solved == null || solved.size() != problems.size()) {
      throw new IllegalStateException("solver " + solver + " returned "
          + (solved == null ? "null" : solved.size() + " solutions") + " for "
          + problems.size() + " problems");
    }
    return solved;
  }
}

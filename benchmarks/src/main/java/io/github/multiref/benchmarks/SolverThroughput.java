package io.github.multiref.benchmarks;

import io.github.multiref.api.BatchSpec;
import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.PromptBatch;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.SolutionBatch;
import io.github.multiref.api.Solver;
import io.github.multiref.divergences.ForwardKl;
import io.github.multiref.divergences.ReverseKl;
import io.github.multiref.solvers.ForwardKlSolver;
import io.github.multiref.solvers.ReverseKlSolver;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * The solver workload of the speed target: 256 prompts, K = 4 references, 4096 responses each,
 * solved for reverse KL and forward KL over all cores. Writes the workload for the numpy twin and
 * the policies it found, and prints reference entries per second (median of the repeats).
 *
 * <p>The timed region starts from the same raw normalized log-probability arrays the numpy twin
 * reads: it includes validating them into {@link LogDistribution}s (one exponential per entry,
 * as numpy's Hoelder bound needs) as well as solving. Prompts go to the workers in chunks through
 * {@link Solver#solveAll}, as {@code DatasetSolver} hands them out; the worker pool is started once,
 * before the clock, as in a long-running application.
 *
 * <p>Usage: {@code SolverThroughput WORKLOAD.bin POLICIES.bin [threads] [repeats]}; run by
 * {@code benchmarks/run-solver-benchmark.sh}.
 */
public final class SolverThroughput {

  static final int PROMPTS = 256;
  static final int K = 4;
  static final int N = 4096;
  static final double BETA = 0.1;
  /** Prompts per task, as {@code DatasetSolver} chunks a dataset. */
  static final int CHUNK = 16;
  /** Warm-up before each timed series. */
  static final long WARM_UP_NANOS = 3_000_000_000L;

  private SolverThroughput() {}

  public static void main(String[] args) throws IOException {
    Path workload = Path.of(args[0]);
    Path policies = Path.of(args[1]);
    int threads = args.length > 2 ? Integer.parseInt(args[2])
        : Runtime.getRuntime().availableProcessors();
    int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 21;
    SplittableRandom rng = new SplittableRandom(20261129);
    double[] weights = {0.1, 0.2, 0.3, 0.4};
    double[][][] lp = new double[PROMPTS][K][N];
    double[][] reward = new double[PROMPTS][N];
    for (int p = 0; p < PROMPTS; p++) {
      List<LogDistribution> refs = new ArrayList<>();
      for (int k = 0; k < K; k++) {
        double[] w = new double[N];
        for (int y = 0; y < N; y++) {
          w[y] = 2.0 * gaussian(rng);
        }
        LogDistribution d = LogDistribution.normalize(w);
        lp[p][k] = d.logProbs();
        refs.add(d);
      }
      for (int y = 0; y < N; y++) {
        reward[p][y] = rng.nextDouble();
      }
    }
    writeWorkload(workload, weights, lp, reward);
    double entries = (double) PROMPTS * K * N;
    // one pool for the whole run, as a long-lived application has: starting threads is not solving
    ForkJoinPool pool = new ForkJoinPool(threads);
    List<PolicySolution> rklOut;
    List<PolicySolution> fklOut;
    try {
      rklOut = time("rkl", lp, reward, weights, ReverseKl.INSTANCE, ReverseKlSolver.INSTANCE, pool,
          repeats, entries);
      fklOut = time("fkl", lp, reward, weights, ForwardKl.INSTANCE, ForwardKlSolver.DEFAULT, pool,
          repeats, entries);
      timeBatch("rkl", ReverseKl.INSTANCE, ReverseKlSolver.INSTANCE, lp, reward, weights, pool,
          repeats, entries, rklOut);
      timeBatch("fkl", ForwardKl.INSTANCE, ForwardKlSolver.DEFAULT, lp, reward, weights, pool,
          repeats, entries, fklOut);
      // what the numpy twin computes (policy, objective, lambda), without the upper bound
      Solver unbounded = ForwardKlSolver.DEFAULT.withoutUpperBound();
      time("fkl-nobound", lp, reward, weights, ForwardKl.INSTANCE, unbounded, pool, repeats,
          entries);
      timeBatch("fkl-nobound", ForwardKl.INSTANCE, unbounded, lp, reward, weights, pool,
          repeats, entries, fklOut);
    } finally {
      pool.shutdown();
    }
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(policies))) {
      for (List<PolicySolution> solutions : List.of(rklOut, fklOut)) {
        for (PolicySolution s : solutions) {
          out.write(littleEndian(s.policy().logProbs()));
        }
      }
    }
  }

  /**
   * Validates the raw arrays into problems and solves them, in parallel over chunks of prompts as
   * {@code DatasetSolver} splits them. Each prompt is validated when the solver reaches it, so its
   * arrays are still in cache when solved, as they are for a reader that streams prompts.
   */
  private static List<PolicySolution> run(double[][][] lp, double[][] reward, double[] weights,
      Divergence divergence, Solver solver, ForkJoinPool pool) {
    PolicySolution[] out = new PolicySolution[lp.length];
    int chunks = (lp.length + CHUNK - 1) / CHUNK;
    try {
      pool.submit(() -> IntStream.range(0, chunks).parallel().forEach(c -> {
        int from = c * CHUNK;
        int to = Math.min(lp.length, from + CHUNK);
        List<RegularizedProblem> problems = new AbstractList<>() {
          @Override
          public RegularizedProblem get(int i) {
            int p = from + i;
            List<LogDistribution> refs = new ArrayList<>(K);
            for (double[] ref : lp[p]) {
              refs.add(LogDistribution.of(ref));
            }
            return RegularizedProblem.of(ReferenceSet.of("p" + p, refs, weights), reward[p], BETA,
                divergence);
          }

          @Override
          public int size() {
            return to - from;
          }
        };
        List<PolicySolution> solved = solver.solveAll(problems);
        for (int i = from; i < to; i++) {
          out[i] = solved.get(i - from);
        }
      })).get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
    return Arrays.asList(out);
  }

  private static List<PolicySolution> time(String name, double[][][] lp, double[][] reward,
      double[] weights, Divergence divergence, Solver solver, ForkJoinPool pool, int repeats,
      double entries) {
    // warm up for a few seconds, as JMH does, so that the JIT has compiled the hot loops and
    // is no longer competing for the two cores when the clock runs
    List<PolicySolution> out = null;
    long warmUntil = System.nanoTime() + WARM_UP_NANOS;
    for (int warm = 0; warm < 10 || System.nanoTime() < warmUntil; warm++) {
      out = run(lp, reward, weights, divergence, solver, pool);
    }
    double[] seconds = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      long t = System.nanoTime();
      out = run(lp, reward, weights, divergence, solver, pool);
      seconds[r] = (System.nanoTime() - t) / 1e9;
    }
    Arrays.sort(seconds);
    double median = seconds[repeats / 2];
    double iterations = out.stream().mapToInt(PolicySolution::iterations).average().orElse(0);
    System.out.printf(Locale.ROOT, "java  %s: median %.1f ms, %.1f M reference entries/s"
        + " (%d threads, %.1f iterations per prompt)%n", name, median * 1e3,
        entries / median / 1e6, pool.getParallelism(), iterations);
    return out;
  }

  /**
   * The columnar path on the same workload: the prompts as one {@link PromptBatch} (the layout a
   * reader fills, made before the clock), checked and solved in place by chunks of prompts on the
   * same pool. Its policies must be the object path's, bit for bit.
   */
  private static void timeBatch(String name, Divergence divergence, Solver solver,
      double[][][] lp, double[][] reward, double[] weights, ForkJoinPool pool, int repeats,
      double entries, List<PolicySolution> objects) {
    int[] offsets = new int[PROMPTS + 1];
    double[] rewards = new double[PROMPTS * N];
    double[] refs = new double[PROMPTS * K * N];
    for (int p = 0; p < PROMPTS; p++) {
      offsets[p + 1] = offsets[p] + N;
      System.arraycopy(reward[p], 0, rewards, p * N, N);
      for (int k = 0; k < K; k++) {
        System.arraycopy(lp[p][k], 0, refs, (p * K + k) * N, N);
      }
    }
    PromptBatch batch = new PromptBatch(PROMPTS, K, offsets, rewards, refs, null);
    BatchSpec spec = BatchSpec.normalized(divergence, BETA, LogDistribution.DEFAULT_TOLERANCE,
        weights);
    SolutionBatch out = new SolutionBatch(batch, false); // as the object path: no combined refs
    Runnable solve = () -> {
      try {
        pool.submit(() -> IntStream.range(0, PROMPTS / CHUNK).parallel().forEach(c ->
            solver.solveBatch(batch, c * CHUNK, (c + 1) * CHUNK, spec, out)))
            .get();
      } catch (InterruptedException | ExecutionException e) {
        throw new IllegalStateException(e);
      }
    };
    long warmUntil = System.nanoTime() + WARM_UP_NANOS;
    for (int warm = 0; warm < 10 || System.nanoTime() < warmUntil; warm++) {
      solve.run();
    }
    double[] seconds = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      long t = System.nanoTime();
      solve.run();
      seconds[r] = (System.nanoTime() - t) / 1e9;
    }
    for (int p = 0; p < PROMPTS; p++) {
      if (!Arrays.equals(Arrays.copyOfRange(out.policyLogProbs(), p * N, (p + 1) * N),
          objects.get(p).policy().logProbs())) {
        throw new IllegalStateException("the batch path's policy of prompt " + p
            + " is not the object path's");
      }
    }
    Arrays.sort(seconds);
    double median = seconds[repeats / 2];
    System.out.printf(Locale.ROOT, "java  %s-batch: median %.1f ms, %.1f M reference entries/s"
        + " (%d threads, the columnar path; policies bitwise those of %s)%n", name, median * 1e3,
        entries / median / 1e6, pool.getParallelism(), name);
  }

  private static void writeWorkload(Path path, double[] weights, double[][][] lp,
      double[][] reward) throws IOException {
    try (DataOutputStream out = new DataOutputStream(
        new BufferedOutputStream(Files.newOutputStream(path)))) {
      ByteBuffer header = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
      header.putLong(PROMPTS).putLong(K).putLong(N).putDouble(BETA);
      out.write(header.array());
      out.write(littleEndian(weights));
      for (double[][] prompt : lp) {
        for (double[] ref : prompt) {
          out.write(littleEndian(ref));
        }
      }
      for (double[] r : reward) {
        out.write(littleEndian(r));
      }
    }
  }

  private static byte[] littleEndian(double[] values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      b.putDouble(v);
    }
    return b.array();
  }

  private static double gaussian(SplittableRandom rng) {
    return Math.sqrt(-2 * Math.log1p(-rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
  }

}

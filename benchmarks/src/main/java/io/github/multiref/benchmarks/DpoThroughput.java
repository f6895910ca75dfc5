package io.github.multiref.benchmarks;

import io.github.multiref.divergences.ReverseKl;
import io.github.multiref.solvers.dpo.DpoBatch;
import io.github.multiref.solvers.dpo.DpoLosses;
import io.github.multiref.solvers.dpo.MultiReferenceDpo;
import io.github.multiref.solvers.dpo.PairScores;
import io.github.multiref.solvers.dpo.ReferenceWeighting;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;

/**
 * The DPO workload of the speed target: loss, logit, gradients and rewards of 1,000,000 pairs with
 * K = 4 references (reverse KL, sigmoid loss, fixed weights), in chunks over all cores. Writes the
 * workload for the numpy twin and the results, and prints pairs per second (median of repeats).
 *
 * <p>Usage: {@code DpoThroughput WORKLOAD.bin RESULTS.bin [threads] [repeats]}; run by {@code
 * benchmarks/run-dpo-benchmark.sh}.
 */
public final class DpoThroughput {

  static final int PAIRS = 1_000_000;
  static final int K = 4;
  static final double BETA = 0.1;
  static final int CHUNK = 1 << 15;

  private DpoThroughput() {}

  public static void main(String[] args) throws IOException {
    int threads = args.length > 2 ? Integer.parseInt(args[2])
        : Runtime.getRuntime().availableProcessors();
    int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 21;
    SplittableRandom rng = new SplittableRandom(20261129);
    double[] weights = {0.1, 0.2, 0.3, 0.4};
    double[] chosen = new double[PAIRS];
    double[] rejected = new double[PAIRS];
    double[][] refChosen = new double[K][PAIRS];
    double[][] refRejected = new double[K][PAIRS];
    for (int p = 0; p < PAIRS; p++) {
      chosen[p] = -200 * rng.nextDouble();
      rejected[p] = -200 * rng.nextDouble();
      for (int k = 0; k < K; k++) {
        refChosen[k][p] = chosen[p] + 5 * (rng.nextDouble() - 0.5);
        refRejected[k][p] = rejected[p] + 5 * (rng.nextDouble() - 0.5);
      }
    }
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(Path.of(args[0])))) {
      ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
      header.putLong(PAIRS).putLong(K).putDouble(BETA);
      out.write(header.array());
      out.write(le(weights));
      out.write(le(chosen));
      out.write(le(rejected));
      for (double[] r : refChosen) {
        out.write(le(r));
      }
      for (double[] r : refRejected) {
        out.write(le(r));
      }
    }
    MultiReferenceDpo dpo = MultiReferenceDpo.of(ReverseKl.INSTANCE, BETA, DpoLosses.SIGMOID,
        ReferenceWeighting.fixed(weights));
    // column chunks, as a streaming reader would fill them
    int chunks = (PAIRS + CHUNK - 1) / CHUNK;
    List<DpoBatch> batches = new ArrayList<>();
    List<PairScores> results = new ArrayList<>();
    for (int c = 0; c < chunks; c++) {
      int from = c * CHUNK;
      int to = Math.min(PAIRS, from + CHUNK);
      double[][] rc = new double[K][];
      double[][] rr = new double[K][];
      for (int k = 0; k < K; k++) {
        rc[k] = Arrays.copyOfRange(refChosen[k], from, to);
        rr[k] = Arrays.copyOfRange(refRejected[k], from, to);
      }
      batches.add(new DpoBatch(to - from, Arrays.copyOfRange(chosen, from, to),
          Arrays.copyOfRange(rejected, from, to), rc, rr));
      results.add(new PairScores(to - from));
    }
    ForkJoinPool pool = new ForkJoinPool(threads);
    double[] seconds = new double[repeats];
    for (int r = -10; r < repeats; r++) {
      long t = System.nanoTime();
      List<Future<?>> work = new ArrayList<>();
      for (int c = 0; c < chunks; c++) {
        int chunk = c;
        work.add(pool.submit(() -> dpo.scoreBatch(batches.get(chunk), results.get(chunk))));
      }
      for (Future<?> f : work) {
        try {
          f.get();
        } catch (InterruptedException | ExecutionException e) {
          throw new IllegalStateException(e);
        }
      }
      if (r >= 0) {
        seconds[r] = (System.nanoTime() - t) / 1e9;
      }
    }
    pool.shutdown();
    Arrays.sort(seconds);
    double median = seconds[repeats / 2];
    System.out.printf(Locale.ROOT, "java  dpo: median %.1f ms, %.1f M pairs/s (%d threads)%n",
        median * 1e3, PAIRS / median / 1e6, threads);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(Path.of(args[1])))) {
      for (int field = 0; field < 6; field++) {
        for (PairScores s : results) {
          double[] col = switch (field) {
            case 0 -> s.loss;
            case 1 -> s.logit;
            case 2 -> s.gradChosen;
            case 3 -> s.gradRejected;
            case 4 -> s.chosenReward;
            default -> s.rejectedReward;
          };
          out.write(le(Arrays.copyOf(col, Math.min(col.length, CHUNK))));
        }
      }
    }
  }

  private static byte[] le(double[] values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      b.putDouble(v);
    }
    return b.array();
  }
}

package io.github.multiref.benchmarks;

import io.github.multiref.divergences.ReverseKl;
import io.github.multiref.rewards.Lbfgs;
import io.github.multiref.solvers.dpo.DpoLosses;
import io.github.multiref.solvers.dpo.MultiReferenceDpo;
import io.github.multiref.solvers.dpo.ReferenceWeighting;
import io.github.multiref.training.DpoData;
import io.github.multiref.training.DpoTrainer;
import io.github.multiref.training.PolicyClass;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The DPO-training workload of the speed target: a tabular policy over 10,000 prompts x 16
 * candidates, K = 4 references, 1,000,000 preference pairs, reverse KL with the sigmoid loss. Times
 * one full-batch evaluation of the loss and its gradient (one epoch of full-batch training) and
 * one epoch of Adam with batches of 256, and writes the workload and the point for the numpy twin.
 *
 * <p>Usage: {@code DpoTrainingThroughput WORKLOAD.bin [repeats]}; run by {@code
 * benchmarks/run-dpo-training-benchmark.sh}.
 */
public final class DpoTrainingThroughput {

  static final int PROMPTS = 10_000;
  static final int CANDIDATES = 16;
  static final int K = 4;
  static final int PAIRS = 1_000_000;
  static final double BETA = 0.1;

  private DpoTrainingThroughput() {}

  public static void main(String[] args) throws IOException {
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 21;
    SplittableRandom rng = new SplittableRandom(20261204);
    double[][][] refs = new double[PROMPTS][K][CANDIDATES];
    for (double[][] prompt : refs) {
      for (double[] ref : prompt) {
        for (int y = 0; y < CANDIDATES; y++) {
          ref[y] = -50 - 350 * rng.nextDouble(); // sequence log-probs, renormalized by DpoData
        }
      }
    }
    int[][] pairs = new int[PAIRS][];
    for (int p = 0; p < PAIRS; p++) {
      int x = rng.nextInt(PROMPTS);
      int w = rng.nextInt(CANDIDATES);
      int l = (w + 1 + rng.nextInt(CANDIDATES - 1)) % CANDIDATES;
      pairs[p] = new int[] {x, w, l};
    }
    DpoData data = DpoData.of(refs, pairs);
    double[] theta = new double[data.rows()];
    for (int r = 0; r < theta.length; r++) {
      theta[r] = rng.nextDouble() - 0.5;
    }
    write(Path.of(args[0]), data, theta);
    double[] alpha = {0.25, 0.25, 0.25, 0.25};
    MultiReferenceDpo scorer = MultiReferenceDpo.of(ReverseKl.INSTANCE, BETA, DpoLosses.SIGMOID,
        ReferenceWeighting.fixed(alpha));
    PolicyClass policy = PolicyClass.tabular(data);
    Lbfgs.Objective f = DpoTrainer.fullBatchObjective(data, policy, scorer, 0);
    double[] grad = new double[theta.length];
    double value = 0;
    double[] ms = new double[repeats];
    for (int r = -20; r < repeats; r++) { // warm: training evaluates it hundreds of times
      long start = System.nanoTime();
      value = f.valueAndGradient(theta, grad);
      if (r >= 0) {
        ms[r] = (System.nanoTime() - start) / 1e6;
      }
    }
    Arrays.sort(ms);
    double norm = 0;
    for (double g : grad) {
      norm += g * g;
    }
    System.out.printf(Locale.ROOT, "full-batch loss and gradient (one epoch), %d pairs: median"
        + " %.1f ms (min %.1f, max %.1f); objective %.12g, |gradient| %.12g%n", PAIRS,
        ms[repeats / 2], ms[0], ms[repeats - 1], value, Math.sqrt(norm));
    double[] epochs = new double[3];
    for (int r = -1; r < epochs.length; r++) {
      long start = System.nanoTime();
      DpoTrainer.adam(data, policy, scorer, 0, new DpoTrainer.Adam(0.01, 256, 1),
          new SplittableRandom(r + 10), null);
      if (r >= 0) {
        epochs[r] = (System.nanoTime() - start) / 1e6;
      }
    }
    Arrays.sort(epochs);
    System.out.printf(Locale.ROOT, "Adam epoch (batches of 256, with one full-batch evaluation"
        + " at its end): median %.1f ms%n", epochs[1]);
  }

  /** prompts, candidates, K, pairs, beta; refs [row][K]; prompt, chosen, rejected; theta. */
  private static void write(Path file, DpoData data, double[] theta) throws IOException {
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
        Files.newOutputStream(file), 1 << 20))) {
      ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      for (long v : new long[] {PROMPTS, CANDIDATES, K, PAIRS}) {
        out.write(b.clear().putLong(v).array());
      }
      out.write(b.clear().putDouble(BETA).array());
      for (int r = 0; r < data.rows(); r++) {
        for (int i = 0; i < K; i++) {
          out.write(b.clear().putDouble(data.refLogProb(r, i)).array());
        }
      }
      ByteBuffer ints = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
      for (int p = 0; p < data.pairs(); p++) {
        out.write(ints.clear().putInt(data.pairPrompt(p)).array());
      }
      for (int p = 0; p < data.pairs(); p++) {
        out.write(ints.clear().putInt(data.chosen(p) - data.offset(data.pairPrompt(p))).array());
      }
      for (int p = 0; p < data.pairs(); p++) {
        out.write(ints.clear().putInt(data.rejected(p) - data.offset(data.pairPrompt(p)))
            .array());
      }
      for (double t : theta) {
        out.write(b.clear().putDouble(t).array());
      }
    }
  }
}

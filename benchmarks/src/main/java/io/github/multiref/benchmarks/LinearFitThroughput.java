package io.github.multiref.benchmarks;

import io.github.multiref.rewards.BradleyTerry;
import io.github.multiref.rewards.Lbfgs;
import io.github.multiref.rewards.RewardLearning;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The reward-learning workload of the speed target: linear Bradley-Terry maximum likelihood on
 * 1,000,000 pairs with 32 features (ridge 1), to a largest gradient component of 1e-2. Writes the
 * workload for the scipy twin and prints the median time, iterations and objective.
 *
 * <p>Usage: {@code LinearFitThroughput WORKLOAD.bin THETA.bin [repeats]}; run by {@code
 * benchmarks/run-reward-benchmark.sh}.
 */
public final class LinearFitThroughput {

  static final int PAIRS = 1_000_000;
  static final int D = 32;
  static final double L2 = 1.0;
  static final double GRADIENT = 1e-2;

  private LinearFitThroughput() {}

  public static void main(String[] args) throws IOException {
    int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    SplittableRandom rng = new SplittableRandom(20261129);
    double[] thetaTrue = new double[D];
    for (int k = 0; k < D; k++) {
      thetaTrue[k] = 0.5 * gaussian(rng);
    }
    double[] x = new double[PAIRS * D];
    for (int i = 0; i < PAIRS; i++) {
      double t = 0;
      for (int k = 0; k < D; k++) {
        x[i * D + k] = gaussian(rng) / Math.sqrt(D);
        t += thetaTrue[k] * x[i * D + k];
      }
      if (!BradleyTerry.INSTANCE.sample(t, rng)) { // the other response was chosen
        for (int k = 0; k < D; k++) {
          x[i * D + k] = -x[i * D + k];
        }
      }
    }
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(Path.of(args[0])))) {
      ByteBuffer header = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
      header.putLong(PAIRS).putLong(D).putDouble(L2).putDouble(GRADIENT);
      out.write(header.array());
      ByteBuffer body = ByteBuffer.allocate(8 * 4096).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < x.length; i += 4096) {
        body.clear();
        for (int j = i; j < Math.min(x.length, i + 4096); j++) {
          body.putDouble(x[j]);
        }
        out.write(body.array(), 0, body.position());
      }
    }
    // |f| <= n log 2 at the start and only decreases: this relative tolerance meets the absolute
    // gradient threshold at least as strictly as the twin does
    Lbfgs optimizer = Lbfgs.of(GRADIENT / (PAIRS * Math.log(2)), 10_000, 10);
    RewardLearning.LinearFit fit = null;
    double[] seconds = new double[repeats];
    for (int r = -2; r < repeats; r++) {
      long start = System.nanoTime();
      fit = RewardLearning.fitLinearPairs(x, D, BradleyTerry.INSTANCE, L2,
          Double.POSITIVE_INFINITY, optimizer);
      if (r >= 0) {
        seconds[r] = (System.nanoTime() - start) / 1e9;
      }
    }
    Arrays.sort(seconds);
    double objective = -fit.logLikelihood();
    for (double v : fit.theta()) {
      objective += 0.5 * L2 * v * v;
    }
    System.out.printf(Locale.ROOT, "java  fit: median %.1f ms, %d iterations, objective %.10g%n",
        seconds[repeats / 2] * 1e3, fit.iterations(), objective);
    ByteBuffer theta = ByteBuffer.allocate(8 * D).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : fit.theta()) {
      theta.putDouble(v);
    }
    Files.write(Path.of(args[1]), theta.array());
  }

  private static double gaussian(SplittableRandom rng) {
    return Math.sqrt(-2 * Math.log1p(-rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
  }
}

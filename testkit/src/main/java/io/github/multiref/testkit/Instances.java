package io.github.multiref.testkit;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.PromptBatch;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Stability;
import io.github.multiref.rewards.RealMagnitudeProblems;
import io.github.multiref.rewards.SyntheticBandit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Random instances for the suites, each drawn from a generator the caller seeds. */
@Stability(Stability.Status.EXPERIMENTAL)
public final class Instances {

  private Instances() {}

  /**
   * A distribution with Gaussian logits of the given temperature; every entry but the first has
   * zero mass with probability {@code zeroProbability}.
   */
  public static LogDistribution randomDistribution(SplittableRandom rng, int n,
      double temperature, double zeroProbability) {
    double[] logits = new double[n];
    for (int y = 0; y < n; y++) {
      logits[y] = y > 0 && rng.nextDouble() < zeroProbability ? Double.NEGATIVE_INFINITY
          : temperature * SyntheticBandit.gaussian(rng);
    }
    return LogDistribution.normalize(logits);
  }

  /** Weights on the simplex; for k >= 2, one of them is 0 a fifth of the time. */
  public static double[] randomWeights(SplittableRandom rng, int k) {
    return RealMagnitudeProblems.weights(rng, k);
  }

  /**
   * A problem shaped like language-model outputs ({@link RealMagnitudeProblems}): references
   * spanning up to 1000 nats after renormalizing raw log-probabilities down to -1e4, K up to 8,
   * up to 1024 responses.
   */
  public static RegularizedProblem realMagnitudeProblem(SplittableRandom rng,
      Divergence divergence) {
    return RealMagnitudeProblems.draw(rng, divergence);
  }

  /**
   * A batch of prompts with K references over 1 to 200 responses each, shaped like a language
   * model's sequences: log-probabilities of -50 to -400 per reference (the references hundreds of
   * nats apart), about 5% of responses without mass in a reference (one response keeps mass in
   * all), rewards in [-5, 5]; renormalized over each prompt's candidates when {@code normalized}.
   */
  public static PromptBatch realMagnitudeBatch(SplittableRandom rng, int prompts, int k,
      boolean normalized) {
    int[] offsets = new int[prompts + 1];
    for (int p = 0; p < prompts; p++) {
      offsets[p + 1] = offsets[p] + 1 + rng.nextInt(200);
    }
    double[] rewards = new double[offsets[prompts]];
    double[] refs = new double[k * offsets[prompts]];
    for (int p = 0; p < prompts; p++) {
      int n = offsets[p + 1] - offsets[p];
      int common = rng.nextInt(n);
      for (int i = 0; i < k; i++) {
        double level = -50 - 350 * rng.nextDouble();
        double[] lp = new double[n];
        for (int y = 0; y < n; y++) {
          lp[y] = y != common && rng.nextDouble() < 0.05 ? Double.NEGATIVE_INFINITY
              : level + 20 * (rng.nextDouble() - 0.5);
        }
        if (normalized) {
          lp = LogDistribution.normalize(lp).logProbs();
        }
        System.arraycopy(lp, 0, refs, k * offsets[p] + i * n, n);
      }
      for (int y = 0; y < n; y++) {
        rewards[offsets[p] + y] = 10 * rng.nextDouble() - 5;
      }
    }
    return new PromptBatch(prompts, k, offsets, rewards, refs, null);
  }

  /**
   * A problem with 1 to 4 references over 2 to 40 responses, some responses without mass in some
   * references (the first response is always supported), rewards in [0, 1] and beta log-uniform in
   * [0.01, 100].
   */
  public static RegularizedProblem randomProblem(SplittableRandom rng, Divergence divergence) {
    int k = 1 + rng.nextInt(4);
    return randomProblem(rng, divergence, k, 2 + rng.nextInt(39));
  }

  /** As {@link #randomProblem(SplittableRandom, Divergence)}, over {@code n >= 1} responses. */
  public static RegularizedProblem randomProblem(SplittableRandom rng, Divergence divergence,
      int n) {
    return randomProblem(rng, divergence, 1 + rng.nextInt(4), n);
  }

  private static RegularizedProblem randomProblem(SplittableRandom rng, Divergence divergence,
      int k, int n) {
    List<LogDistribution> refs = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      refs.add(randomDistribution(rng, n, 1.5, 0.1));
    }
    double[] reward = new double[n];
    for (int y = 0; y < n; y++) {
      reward[y] = rng.nextDouble();
    }
    double beta = Math.exp(rng.nextDouble(Math.log(0.01), Math.log(100)));
    return RegularizedProblem.of(ReferenceSet.of(refs, randomWeights(rng, k)), reward, beta,
        divergence);
  }
}

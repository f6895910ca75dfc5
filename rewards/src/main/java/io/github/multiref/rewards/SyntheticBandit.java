package io.github.multiref.rewards;

import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.PreferenceModel;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.Stability;
import io.github.multiref.api.internal.ArrayKernels;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A synthetic contextual bandit for experiments: prompts drawn uniformly ({@code rho}), each with
 * the same number of responses, K reference policies with Gaussian logits of a given temperature,
 * and a true reward uniform in {@code [0, R_max]}. Immutable; everything is reproducible from the
 * seed.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class SyntheticBandit {

  private final List<ReferenceSet> references;
  private final double[][] reward;
  private final double rMax;

  private SyntheticBandit(List<ReferenceSet> references, double[][] reward, double rMax) {
    this.references = references;
    this.reward = reward;
    this.rMax = rMax;
  }

  /**
   * A random bandit.
   *
   * @param temperature the standard deviation of the references' logits
   * @param alpha the weights of the K references
   */
  public static SyntheticBandit generate(int prompts, int responses, double temperature,
      double[] alpha, double rMax, long seed) {
    if (prompts < 1 || responses < 2) {
      throw new IllegalArgumentException("need >= 1 prompts and >= 2 responses, got " + prompts
          + " and " + responses);
    }
    if (!(temperature > 0) || !(rMax > 0)) {
      throw new IllegalArgumentException("temperature and rMax must be > 0, got " + temperature
          + " and " + rMax);
    }
    SplittableRandom rng = new SplittableRandom(seed);
    List<ReferenceSet> refs = new ArrayList<>();
    double[][] reward = new double[prompts][responses];
    for (int x = 0; x < prompts; x++) {
      List<LogDistribution> list = new ArrayList<>();
      for (int k = 0; k < alpha.length; k++) {
        double[] logits = new double[responses];
        for (int y = 0; y < responses; y++) {
          logits[y] = temperature * gaussian(rng);
        }
        list.add(LogDistribution.normalize(logits));
      }
      refs.add(ReferenceSet.of("x" + x, list, alpha));
      for (int y = 0; y < responses; y++) {
        reward[x][y] = rMax * rng.nextDouble();
      }
    }
    return new SyntheticBandit(List.copyOf(refs), reward, rMax);
  }

  /**
   * The same prompts and references with another true reward.
   *
   * @throws IllegalArgumentException unless the reward has this bandit's shape and lies in
   *     {@code [0, R_max]}
   */
  public SyntheticBandit withReward(double[][] trueReward) {
    if (trueReward.length != prompts()) {
      throw new IllegalArgumentException("reward has " + trueReward.length + " prompts, expected "
          + prompts());
    }
    double[][] copy = new double[prompts()][];
    for (int x = 0; x < prompts(); x++) {
      if (trueReward[x].length != responses()) {
        throw new IllegalArgumentException("reward of prompt " + x + " has "
            + trueReward[x].length + " responses, expected " + responses());
      }
      for (int y = 0; y < responses(); y++) {
        if (!(trueReward[x][y] >= 0 && trueReward[x][y] <= rMax)) {
          throw new IllegalArgumentException("reward[" + x + "][" + y + "] = "
              + trueReward[x][y] + " is outside [0, " + rMax + "]");
        }
      }
      copy[x] = trueReward[x].clone();
    }
    return new SyntheticBandit(references, copy, rMax);
  }

  public int prompts() {
    return references.size();
  }

  public int responses() {
    return references.get(0).responses();
  }

  public double rMax() {
    return rMax;
  }

  /** The references of prompt x. */
  public ReferenceSet references(int x) {
    return references.get(x);
  }

  /** A copy of the true reward {@code r*[x][y]}. */
  public double[][] trueReward() {
    return ArrayKernels.copyRows(reward);
  }

  /** The sampling policy's distribution for prompt x. */
  public LogDistribution policy(SamplingPolicy policy, int x) {
    return policy.distribution(references.get(x));
  }

  /**
   * n observations: a prompt drawn uniformly, {@code rankingLength} distinct responses drawn
   * from the sampling policy (without replacement), ranked by {@code model} from the true reward.
   * Observation i draws from its own generator, derived from the seed and i, so the data do not
   * depend on how many threads generate them.
   */
  public PreferenceData sample(SamplingPolicy policy, PreferenceModel model, int n,
      int rankingLength, long seed) {
    model.checkRankingLength(rankingLength);
    if (rankingLength > responses()) {
      throw new IllegalArgumentException("cannot rank " + rankingLength + " of "
          + responses() + " responses");
    }
    double[][] probs = new double[prompts()][];
    for (int x = 0; x < prompts(); x++) {
      probs[x] = policy(policy, x).probs();
    }
    int[] prompt = new int[n];
    int[] items = new int[n * rankingLength];
    IntStream.range(0, n).parallel().forEach(i -> {
      SplittableRandom rng = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (i + 1)));
      int x = rng.nextInt(prompts());
      double[] p = probs[x].clone();
      int[] drawn = new int[rankingLength];
      double[] rewards = new double[rankingLength];
      for (int j = 0; j < rankingLength; j++) {
        drawn[j] = draw(p, rng);
        rewards[j] = reward[x][drawn[j]];
        p[drawn[j]] = 0.0;
      }
      int[] order = model.sampleRanking(rewards, rng);
      prompt[i] = x;
      for (int j = 0; j < rankingLength; j++) {
        items[i * rankingLength + j] = drawn[order[j]];
      }
    });
    List<String> promptLabels = new ArrayList<>();
    List<List<String>> responseLabels = new ArrayList<>();
    for (int x = 0; x < prompts(); x++) {
      promptLabels.add("x" + x);
      List<String> ys = new ArrayList<>();
      for (int y = 0; y < responses(); y++) {
        ys.add("y" + y);
      }
      responseLabels.add(ys);
    }
    PreferenceData.Builder builder = new PreferenceData.Builder(promptLabels, responseLabels);
    for (int i = 0; i < n; i++) {
      builder.add(prompt[i],
          java.util.Arrays.copyOfRange(items, i * rankingLength, (i + 1) * rankingLength));
    }
    return builder.build();
  }

  /** Draws an index with probability proportional to p (not necessarily normalized). */
  private static int draw(double[] p, SplittableRandom rng) {
    double total = 0;
    for (double v : p) {
      total += v;
    }
    double u = rng.nextDouble() * total;
    int last = -1;
    for (int y = 0; y < p.length; y++) {
      if (p[y] > 0) {
        last = y;
        u -= p[y];
        if (u < 0) {
          return y;
        }
      }
    }
    return last;
  }

  /**
   * A standard normal draw by Box-Muller from two uniforms of {@code rng}: the stream behind every
   * synthetic logit and feature, kept fixed so that a seed reproduces the same instances.
   */
  public static double gaussian(SplittableRandom rng) {
    return Math.sqrt(-2 * Math.log1p(-rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
  }
}

package io.github.multiref.sequences;

import io.github.multiref.api.Stability;
import java.util.SplittableRandom;

/**
 * K seeded synthetic autoregressive references sharing a base model: after a prefix s, reference
 * i's next-token logits are {@code (spread * z_0(s, a) + disagreement * z_i(s, a)) / temperature_i}
 * with independent standard normal z, softmax-normalized over the vocabulary. The same prefix
 * always gives the same numbers (they are drawn from a generator seeded by the seed and the
 * prefix), so a full tree and a trie agree where they share prefixes. Also the seeded rewards
 * ({@link #rewards}).
 *
 * @param vocabulary V
 * @param temperatures one per reference (K of them), each {@code > 0}
 * @param spread the base model's logit scale, in nats
 * @param disagreement each reference's own logit perturbation, in nats
 * @param seed the seed
 */
@Stability(Stability.Status.EXPERIMENTAL)
public record SyntheticReferences(int vocabulary, double[] temperatures, double spread,
    double disagreement, long seed) implements TokenTree.Model {

  public SyntheticReferences {
    if (vocabulary < 1) {
      throw new IllegalArgumentException("vocabulary must be >= 1, got " + vocabulary);
    }
    temperatures = temperatures.clone();
    for (int i = 0; i < temperatures.length; i++) {
      if (!(temperatures[i] > 0 && temperatures[i] < Double.POSITIVE_INFINITY)) {
        throw new IllegalArgumentException("temperature " + i + " must be finite and > 0, got "
            + temperatures[i]);
      }
    }
    if (temperatures.length == 0) {
      throw new IllegalArgumentException("at least one reference (one temperature)");
    }
    if (!(spread >= 0 && disagreement >= 0 && Double.isFinite(spread)
        && Double.isFinite(disagreement))) {
      throw new IllegalArgumentException("spread and disagreement must be finite and >= 0, got "
          + spread + ", " + disagreement);
    }
  }

  @Override
  public double[] temperatures() {
    return temperatures.clone();
  }

  /** K. */
  public int references() {
    return temperatures.length;
  }

  @Override
  public void nextLogProbs(int[] prefix, int length, double[][] out) {
    SplittableRandom rng = new SplittableRandom(hash(seed, prefix, length, -1));
    double[] base = new double[vocabulary];
    for (int a = 0; a < vocabulary; a++) {
      base[a] = spread * rng.nextGaussian();
    }
    for (int i = 0; i < temperatures.length; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int a = 0; a < vocabulary; a++) {
        out[i][a] = (base[a] + disagreement * rng.nextGaussian()) / temperatures[i];
        max = Math.max(max, out[i][a]);
      }
      double sum = 0;
      for (int a = 0; a < vocabulary; a++) {
        sum += Math.exp(out[i][a] - max);
      }
      double log = max + Math.log(sum);
      for (int a = 0; a < vocabulary; a++) {
        out[i][a] -= log;
      }
    }
  }

  /**
   * Seeded rewards: {@code tokenScale * z(s, a)} per token and {@code sequenceScale * z(y)} per
   * complete sequence, z standard normal and fixed by the seed and the tokens.
   */
  public static TokenTree.Rewards rewards(long seed, double tokenScale, double sequenceScale) {
    return new TokenTree.Rewards() {
      @Override
      public double token(int[] prefix, int length, int token) {
        return tokenScale == 0 ? 0
            : tokenScale * new SplittableRandom(hash(seed ^ 0x5DEECE66DL, prefix, length, token))
                .nextGaussian();
      }

      @Override
      public double sequence(int[] sequence, int length) {
        return sequenceScale == 0 ? 0
            : sequenceScale * new SplittableRandom(hash(~seed, sequence, length, -2))
                .nextGaussian();
      }
    };
  }

  /** A 64-bit hash of the seed, the tokens and an extra token (Stafford's mix13 per step). */
  static long hash(long seed, int[] tokens, int length, int extra) {
    long h = mix(seed + 0x9E3779B97F4A7C15L * (length + 1));
    for (int t = 0; t < length; t++) {
      h = mix(h ^ (tokens[t] + 1L) * 0xBF58476D1CE4E5B9L);
    }
    return mix(h ^ (extra + 3L) * 0x94D049BB133111EBL);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

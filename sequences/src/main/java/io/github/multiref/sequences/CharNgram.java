package io.github.multiref.sequences;

import io.github.multiref.api.Stability;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A character n-gram model trained on a text: {@code p(a | context)} with add-k smoothing, the
 * context the last {@code order - 1} characters (fewer at the start of a sequence, and backing off
 * to the longest suffix of the context seen in training). A real autoregressive model that needs
 * no download: K of them (different orders, or different texts) are K references. Characters of
 * the text outside the alphabet are skipped.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class CharNgram {

  private final String alphabet;
  private final int order;
  private final double addK;
  private final Map<Long, double[]> counts = new HashMap<>(); // context key -> counts per token

  private CharNgram(String alphabet, int order, double addK) {
    this.alphabet = alphabet;
    this.order = order;
    this.addK = addK;
  }

  /**
   * Trains on {@code text}.
   *
   * @param alphabet the vocabulary, distinct characters, in token order
   * @param order n: the context is n - 1 characters, {@code >= 1}
   * @param addK the smoothing count added to every token, {@code > 0}
   */
  public static CharNgram train(String text, String alphabet, int order, double addK) {
    if (alphabet.isEmpty() || alphabet.chars().distinct().count() != alphabet.length()) {
      throw new IllegalArgumentException("the alphabet must be non-empty distinct characters, got '"
          + alphabet + "'");
    }
    if (order < 1 || order > 8) {
      throw new IllegalArgumentException("order must be 1 to 8, got " + order);
    }
    if (alphabet.length() > 256) {
      throw new IllegalArgumentException("at most 256 characters in the alphabet, got "
          + alphabet.length());
    }
    if (!(addK > 0 && addK < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("addK must be finite and > 0, got " + addK);
    }
    CharNgram m = new CharNgram(alphabet, order, addK);
    int[] tokens = text.chars().map(alphabet::indexOf).filter(t -> t >= 0).toArray();
    if (tokens.length == 0) {
      throw new IllegalArgumentException("the text holds no character of the alphabet '"
          + alphabet + "'");
    }
    for (int at = 0; at < tokens.length; at++) {
      for (int c = 0; c < order && c <= at; c++) { // every context length up to n - 1
        m.counts.computeIfAbsent(key(tokens, at - c, c), x -> new double[alphabet.length()])
            [tokens[at]]++;
      }
    }
    return m;
  }

  public String alphabet() {
    return alphabet;
  }

  public int order() {
    return order;
  }

  /** {@code log p(a | prefix)} for every token a. */
  public void nextLogProbs(int[] prefix, int length, double[] out) {
    int c = Math.min(order - 1, length);
    double[] n = null;
    for (; c >= 0 && n == null; c--) {
      n = counts.get(key(prefix, length - c, c));
    }
    double total = 0;
    for (double v : n) {
      total += v;
    }
    double log = Math.log(total + addK * out.length);
    for (int a = 0; a < out.length; a++) {
      out[a] = Math.log(n[a] + addK) - log;
    }
  }

  /** K n-gram models over one alphabet as the references of a {@link TokenTree}. */
  public static TokenTree.Model references(List<CharNgram> models) {
    for (CharNgram m : models) {
      if (!m.alphabet.equals(models.get(0).alphabet)) {
        throw new IllegalArgumentException("the models' alphabets differ: '" + m.alphabet
            + "' and '" + models.get(0).alphabet + "'");
      }
    }
    return (prefix, length, out) -> {
      for (int i = 0; i < models.size(); i++) {
        models.get(i).nextLogProbs(prefix, length, out[i]);
      }
    };
  }

  /** The context {@code tokens[from .. from + length - 1]} as one key (length and digits). */
  private static long key(int[] tokens, int from, int length) {
    long k = length;
    for (int i = 0; i < length; i++) {
      k = k * 257 + tokens[from + i] + 1;
    }
    return k * 16 + length;
  }
}

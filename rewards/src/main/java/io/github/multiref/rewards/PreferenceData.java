package io.github.multiref.rewards;

import io.github.multiref.api.Stability;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Preference observations over a fixed set of prompts and responses: each observation is a prompt
 * and some of its responses ranked best first (a preference pair is a ranking of two). Immutable;
 * held in flat arrays so that millions of pairs take little memory.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class PreferenceData {

  private final List<String> prompts;
  private final List<List<String>> responses;
  private final int[] prompt;
  private final int[] start; // observation i ranks items[start[i] .. start[i+1])
  private final int[] items;

  private PreferenceData(List<String> prompts, List<List<String>> responses, int[] prompt,
      int[] start, int[] items) {
    this.prompts = prompts;
    this.responses = responses;
    this.prompt = prompt;
    this.start = start;
    this.items = items;
  }

  /** Number of observations. */
  public int size() {
    return prompt.length;
  }

  /** Number of prompts. */
  public int prompts() {
    return prompts.size();
  }

  /** Number of responses of prompt x. */
  public int responses(int x) {
    return responses.get(x).size();
  }

  /** The label of prompt x. */
  public String promptLabel(int x) {
    return prompts.get(x);
  }

  /** The label of response y of prompt x. */
  public String responseLabel(int x, int y) {
    return responses.get(x).get(y);
  }

  /** The prompt of observation i. */
  public int prompt(int i) {
    return prompt[i];
  }

  /** The number of responses ranked by observation i. */
  public int rankingLength(int i) {
    return start[i + 1] - start[i];
  }

  /** The j-th best response of observation i. */
  public int ranked(int i, int j) {
    return items[start[i] + j];
  }

  /** Builds data observation by observation. */
  @Stability(Stability.Status.EXPERIMENTAL)
  public static final class Builder {
    private final List<String> prompts;
    private final List<List<String>> responses;
    private int[] prompt = new int[16];
    private int[] start = new int[17];
    private int[] items = new int[32];
    private int size;

    /**
     * @param prompts the prompts' labels
     * @param responses for each prompt, its responses' labels
     */
    public Builder(List<String> prompts, List<List<String>> responses) {
      if (prompts.size() != responses.size()) {
        throw new IllegalArgumentException("one response list per prompt: " + prompts.size()
            + " prompts, " + responses.size() + " lists");
      }
      this.prompts = List.copyOf(prompts);
      List<List<String>> copy = new ArrayList<>();
      for (List<String> r : responses) {
        copy.add(List.copyOf(r));
      }
      this.responses = Collections.unmodifiableList(copy);
    }

    /**
     * Adds an observation: prompt x and response indices ranked best first (at least two,
     * distinct).
     */
    public Builder add(int x, int... rankedBestFirst) {
      if (x < 0 || x >= prompts.size()) {
        throw new IllegalArgumentException("prompt index " + x + " out of range");
      }
      if (rankedBestFirst.length < 2) {
        throw new IllegalArgumentException("an observation ranks at least 2 responses, got "
            + rankedBestFirst.length);
      }
      for (int j = 0; j < rankedBestFirst.length; j++) {
        int y = rankedBestFirst[j];
        if (y < 0 || y >= responses.get(x).size()) {
          throw new IllegalArgumentException("response index " + y + " out of range for prompt "
              + x);
        }
        for (int k = 0; k < j; k++) {
          if (rankedBestFirst[k] == y) {
            throw new IllegalArgumentException("response " + y + " ranked twice");
          }
        }
      }
      if (size == prompt.length) {
        prompt = java.util.Arrays.copyOf(prompt, 2 * size);
        start = java.util.Arrays.copyOf(start, 2 * size + 1);
      }
      int end = start[size];
      while (end + rankedBestFirst.length > items.length) {
        items = java.util.Arrays.copyOf(items, 2 * items.length);
      }
      System.arraycopy(rankedBestFirst, 0, items, end, rankedBestFirst.length);
      prompt[size] = x;
      start[size + 1] = end + rankedBestFirst.length;
      size++;
      return this;
    }

    /** The data. */
    public PreferenceData build() {
      return new PreferenceData(prompts, responses, java.util.Arrays.copyOf(prompt, size),
          java.util.Arrays.copyOf(start, size + 1), java.util.Arrays.copyOf(items, start[size]));
    }
  }
}

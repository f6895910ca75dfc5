package io.github.multiref.rewards;

import io.github.multiref.api.Stability;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether preference data admit a finite maximum-likelihood reward without a ridge. When some
 * responses win every comparison against others (the data are separable), the likelihood keeps
 * growing as their rewards move apart, and an unpenalized fit only stops where the link's slope
 * falls below the optimizer's tolerance: a finite-looking answer (rewards of +-10 under
 * Bradley-Terry) that is an artefact of the tolerance.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class Separation {

  private Separation() {}

  /**
   * For tabular rewards: within each prompt, the responses compared with each other must form a
   * strongly connected graph of wins (every response beats, directly or through others, every
   * response that beats it). Rankings count as wins of each response over every one ranked below
   * it.
   *
   * @return a description of the first prompt whose comparisons are separable, naming the
   *     responses that win every comparison against the others; empty when the MLE is finite
   */
  public static Optional<String> tabular(PreferenceData data) {
    List<List<List<Integer>>> beats = new ArrayList<>();
    for (int x = 0; x < data.prompts(); x++) {
      List<List<Integer>> wins = new ArrayList<>();
      for (int y = 0; y < data.responses(x); y++) {
        wins.add(new ArrayList<>());
      }
      beats.add(wins);
    }
    for (int i = 0; i < data.size(); i++) {
      List<List<Integer>> wins = beats.get(data.prompt(i));
      for (int a = 0; a < data.rankingLength(i); a++) {
        for (int b = a + 1; b < data.rankingLength(i); b++) {
          wins.get(data.ranked(i, a)).add(data.ranked(i, b));
        }
      }
    }
    for (int x = 0; x < data.prompts(); x++) {
      Optional<String> found = separated(data, x, beats.get(x));
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> separated(PreferenceData data, int x,
      List<List<Integer>> wins) {
    int n = wins.size();
    List<List<Integer>> losses = new ArrayList<>();
    for (int y = 0; y < n; y++) {
      losses.add(new ArrayList<>());
    }
    for (int y = 0; y < n; y++) {
      for (int z : wins.get(y)) {
        losses.get(z).add(y);
      }
    }
    for (int y = 0; y < n; y++) {
      if (wins.get(y).isEmpty() && losses.get(y).isEmpty()) {
        continue; // never compared
      }
      boolean[] beaten = reach(y, wins); // every response y beats, directly or not
      boolean[] beating = reach(y, losses); // every response that beats y
      for (int z = 0; z < n; z++) {
        if (beating[z] && !beaten[z]) {
          // z beats y's whole group and nothing there beats z back: z's side is separated
          List<String> winners = new ArrayList<>();
          List<String> losers = new ArrayList<>();
          for (int v = 0; v < n; v++) {
            if (beaten[v]) {
              losers.add(data.responseLabel(x, v));
            } else if (beating[v]) {
              winners.add(data.responseLabel(x, v));
            }
          }
          return Optional.of("prompt '" + data.promptLabel(x) + "': responses "
              + shortList(winners) + " win every comparison against " + shortList(losers));
        }
      }
    }
    return Optional.empty();
  }

  private static boolean[] reach(int from, List<List<Integer>> edges) {
    boolean[] seen = new boolean[edges.size()];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    seen[from] = true;
    queue.add(from);
    while (!queue.isEmpty()) {
      for (int next : edges.get(queue.poll())) {
        if (!seen[next]) {
          seen[next] = true;
          queue.add(next);
        }
      }
    }
    return seen;
  }

  private static String shortList(List<String> labels) {
    List<String> quoted = new ArrayList<>();
    for (int i = 0; i < Math.min(labels.size(), 5); i++) {
      quoted.add("'" + labels.get(i) + "'");
    }
    return String.join(", ", quoted) + (labels.size() > 5 ? " (and " + (labels.size() - 5)
        + " more)" : "");
  }

  /**
   * For linear rewards: whether theta ranks every observation as observed with a positive margin
   * (then theta scaled up only raises the likelihood, so no finite MLE exists).
   */
  public static boolean linear(PreferenceData data, RewardLearning.FeatureMap phi,
      double[] theta) {
    for (int i = 0; i < data.size(); i++) {
      int x = data.prompt(i);
      for (int a = 0; a + 1 < data.rankingLength(i); a++) {
        double[] better = phi.features(x, data.ranked(i, a));
        double[] worse = phi.features(x, data.ranked(i, a + 1));
        double margin = 0;
        for (int k = 0; k < theta.length; k++) {
          margin += theta[k] * (better[k] - worse[k]);
        }
        if (!(margin > 0)) {
          return false;
        }
      }
    }
    return true;
  }
}

package io.github.multiref.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.multiref.api.Stability;
import io.github.multiref.rewards.SamplingPolicy;
import io.github.multiref.rewards.io.JsonLine;
import java.util.ArrayList;
import java.util.List;

/**
 * An experiment, as read from JSON:
 * <pre>{@code
 * {"bandit": {"prompts": 5, "responses": 6, "temperature": 1.0, "alpha": [0.5, 0.5],
 *             "beta": 0.5, "r_max": 1.0},
 *  "reward_class": {"kind": "finite", "size": 64} | {"kind": "tabular", "l2": 0.001}
 *                  | {"kind": "linear", "features": 4, "l2": 0.001},
 *  "sampling": "escort", "model": "bt", "methods": ["rkl", "fkl", "mrpo"],
 *  "n": [100, 400, 1600], "trials": 100, "delta": 0.05, "seed": 42,
 *  "true_reward": [[...], ...]}
 * }</pre>
 * The true reward is drawn uniformly in {@code [0, R_max]} from the seed unless {@code
 * true_reward} gives it (one row per prompt, one value per response; not with a linear class,
 * whose truth is linear in its features). Every field is validated, and an error names it; a key
 * the config does not know (a misspelling) is an error naming it, its path and the closest known
 * key.
 *
 * @param trueReward the given true reward, or null to draw it
 */
@Stability(Stability.Status.EXPERIMENTAL)
public record ExperimentConfig(int prompts, int responses, double temperature, double[] alpha,
    double beta, double rMax, String rewardClass, int classSize, double l2, int features,
    SamplingPolicy sampling, String model, List<String> methods, int[] n, int trials,
    double delta, long seed, double[][] trueReward) {

  /** The methods an experiment can compare. */
  public static final List<String> KNOWN_METHODS = List.of("rkl", "fkl", "mrpo");

  /**
   * Parses and validates a config.
   *
   * @throws IllegalArgumentException naming the field, its value and what was expected
   */
  public static ExperimentConfig parse(String json) {
    JsonNode root;
    try {
      root = JsonLine.MAPPER.readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr();
      throw new IllegalArgumentException("config is not valid JSON" + where + ": "
          + JsonLine.problem(e), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("config must be a JSON object");
    }
    rejectUnknownKeys(root, "", ROOT_KEYS);
    JsonNode bandit = object(root, "bandit");
    rejectUnknownKeys(bandit, "bandit.", BANDIT_KEYS);
    JsonNode reward = object(root, "reward_class");
    int prompts = integer(bandit, "bandit.prompts", 1);
    int responses = integer(bandit, "bandit.responses", 2);
    double temperature = positive(bandit, "bandit.temperature");
    double[] alpha = numbers(bandit, "bandit.alpha");
    double sum = 0;
    for (int i = 0; i < alpha.length; i++) {
      if (!(alpha[i] >= 0)) {
        throw new IllegalArgumentException("bandit.alpha[" + i + "] must be >= 0, got "
            + alpha[i]);
      }
      sum += alpha[i];
    }
    if (Math.abs(sum - 1) > 1e-9) {
      throw new IllegalArgumentException("bandit.alpha must sum to 1, got " + sum);
    }
    double beta = positive(bandit, "bandit.beta");
    double rMax = positive(bandit, "bandit.r_max");
    String kind = text(reward, "reward_class.kind");
    int size = 0;
    double l2 = 0;
    int features = 0;
    List<String> rewardKeys = switch (kind) {
      case "finite" -> List.of("kind", "size");
      case "tabular" -> List.of("kind", "l2");
      case "linear" -> List.of("kind", "features", "l2");
      default -> List.of("kind");
    };
    switch (kind) {
      case "finite":
        rejectUnknownKeys(reward, "reward_class.", rewardKeys);
        size = integer(reward, "reward_class.size", 2);
        break;
      case "tabular":
        rejectUnknownKeys(reward, "reward_class.", rewardKeys);
        l2 = nonNegative(reward, "reward_class.l2", 1e-3);
        break;
      case "linear":
        rejectUnknownKeys(reward, "reward_class.", rewardKeys);
        features = integer(reward, "reward_class.features", 1);
        l2 = nonNegative(reward, "reward_class.l2", 1e-3);
        break;
      default:
        throw new IllegalArgumentException("reward_class.kind must be finite, tabular or"
            + " linear, got '" + kind + "'");
    }
    SamplingPolicy sampling = SamplingPolicy.parse(text(root, "sampling"));
    String model = text(root, "model");
    List<String> methods = new ArrayList<>();
    JsonNode m = root.get("methods");
    if (m == null || !m.isArray() || m.isEmpty()) {
      throw new IllegalArgumentException("methods must be a non-empty array of "
          + KNOWN_METHODS);
    }
    for (JsonNode v : m) {
      if (!KNOWN_METHODS.contains(v.asText())) {
        throw new IllegalArgumentException("methods: unknown method '" + v.asText()
            + "'; known: " + KNOWN_METHODS);
      }
      methods.add(v.asText());
    }
    double[] nValues = numbers(root, "n");
    int[] n = new int[nValues.length];
    for (int i = 0; i < n.length; i++) {
      if (!(nValues[i] >= 2 && nValues[i] == Math.rint(nValues[i]))) {
        throw new IllegalArgumentException("n[" + i + "] must be an integer >= 2, got "
            + nValues[i]);
      }
      n[i] = (int) nValues[i];
    }
    int trials = integer(root, "trials", 1);
    double delta = positive(root, "delta");
    if (!(delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
    }
    JsonNode seed = root.get("seed");
    if (seed == null || !seed.canConvertToLong()) {
      throw new IllegalArgumentException("seed must be an integer");
    }
    double[][] truth = null;
    JsonNode given = root.get("true_reward");
    if (given != null && !given.isNull()) {
      if (kind.equals("linear")) {
        throw new IllegalArgumentException("true_reward cannot be given with a linear class: its"
            + " truth is linear in its random features");
      }
      if (!given.isArray() || given.size() != prompts) {
        throw new IllegalArgumentException("true_reward must be an array of " + prompts
            + " rows (one per prompt)");
      }
      truth = new double[prompts][];
      for (int x = 0; x < prompts; x++) {
        truth[x] = numbers(given, String.valueOf(x), "true_reward[" + x + "]");
        if (truth[x].length != responses) {
          throw new IllegalArgumentException("true_reward[" + x + "] has " + truth[x].length
              + " values, expected " + responses);
        }
        for (int y = 0; y < responses; y++) {
          if (!(truth[x][y] >= 0 && truth[x][y] <= rMax)) {
            throw new IllegalArgumentException("true_reward[" + x + "][" + y + "] = "
                + truth[x][y] + " is outside [0, r_max = " + rMax + "]");
          }
        }
      }
    }
    return new ExperimentConfig(prompts, responses, temperature, alpha, beta, rMax, kind, size,
        l2, features, sampling, model, List.copyOf(methods), n, trials, delta, seed.asLong(),
        truth);
  }

  private static final List<String> ROOT_KEYS = List.of("bandit", "reward_class", "sampling",
      "model", "methods", "n", "trials", "delta", "seed", "true_reward");
  private static final List<String> BANDIT_KEYS = List.of("prompts", "responses", "temperature",
      "alpha", "beta", "r_max");

  /** Refuses a key that is not in {@code known}, naming its path and the closest known key. */
  private static void rejectUnknownKeys(JsonNode node, String prefix, List<String> known) {
    for (var names = node.fieldNames(); names.hasNext(); ) {
      String key = names.next();
      if (!known.contains(key)) {
        String closest = known.get(0);
        for (String k : known) {
          if (editDistance(key, k) < editDistance(key, closest)) {
            closest = k;
          }
        }
        throw new IllegalArgumentException("unknown key '" + prefix + key + "'; did you mean '"
            + prefix + closest + "'? (known keys" + (prefix.isEmpty() ? "" : " of "
            + prefix.substring(0, prefix.length() - 1)) + ": " + known + ")");
      }
    }
  }

  /** Levenshtein distance between a and b. */
  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static JsonNode object(JsonNode root, String field) {
    JsonNode v = root.get(field);
    if (v == null || !v.isObject()) {
      throw new IllegalArgumentException(field + " must be an object");
    }
    return v;
  }

  private static String text(JsonNode node, String path) {
    JsonNode v = node.get(path.substring(path.lastIndexOf('.') + 1));
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException(path + " must be a string");
    }
    return v.asText();
  }

  private static double number(JsonNode node, String path) {
    JsonNode v = node.get(path.substring(path.lastIndexOf('.') + 1));
    if (v == null || !v.isNumber()) {
      throw new IllegalArgumentException(path + " must be a number");
    }
    return v.asDouble();
  }

  private static double positive(JsonNode node, String path) {
    double v = number(node, path);
    if (!(v > 0 && v < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(path + " must be finite and > 0, got " + v);
    }
    return v;
  }

  private static double nonNegative(JsonNode node, String path, double otherwise) {
    if (node.get(path.substring(path.lastIndexOf('.') + 1)) == null) {
      return otherwise;
    }
    double v = number(node, path);
    if (!(v >= 0 && v < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(path + " must be finite and >= 0, got " + v);
    }
    return v;
  }

  private static int integer(JsonNode node, String path, int minimum) {
    double v = number(node, path);
    if (!(v >= minimum && v == Math.rint(v) && v <= Integer.MAX_VALUE)) {
      throw new IllegalArgumentException(path + " must be an integer >= " + minimum + ", got "
          + v);
    }
    return (int) v;
  }

  private static double[] numbers(JsonNode node, String path) {
    return numbers(node, path.substring(path.lastIndexOf('.') + 1), path);
  }

  private static double[] numbers(JsonNode node, String field, String path) {
    JsonNode v = node.isArray() ? node.get(Integer.parseInt(field)) : node.get(field);
    if (v == null || !v.isArray() || v.isEmpty()) {
      throw new IllegalArgumentException(path + " must be a non-empty array of numbers");
    }
    double[] out = new double[v.size()];
    for (int i = 0; i < out.length; i++) {
      if (!v.get(i).isNumber()) {
        throw new IllegalArgumentException(path + "[" + i + "] must be a number, got "
            + v.get(i));
      }
      out[i] = v.get(i).asDouble();
    }
    return out;
  }
}

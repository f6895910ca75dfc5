package io.github.multiref.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.multiref.api.Stability;
import io.github.multiref.api.internal.ArrayKernels;
import io.github.multiref.rewards.SamplingPolicy;
import io.github.multiref.rewards.SyntheticBandit;
import io.github.multiref.rewards.io.JsonLine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * An experiment, as read from JSON:
 * <pre>{@code
 * {"bandit": {"prompts": 5, "responses": 6, "temperature": 1.0, "alpha": [0.5, 0.5],
 *             "beta": 0.5, "r_max": 1.0},
 *  "reward_class": {"kind": "finite", "size": 64, "near": 0.05}
 *                  | {"kind": "tabular", "l2": 0.001}
 *                  | {"kind": "linear", "features": 4, "l2": 0.001},
 *  "sampling": "escort" (optional), "model": "bt", "methods": ["rkl", "fkl", "mrpo"],
 *  "n": [100, 400, 1600], "trials": 100, "delta": 0.05, "seed": 42,
 *  "true_reward": [[...], ...]}
 * }</pre>
 * The true reward is drawn uniformly in {@code [0, R_max]} from the seed unless {@code
 * true_reward} gives it (one row per prompt, one value per response; not with a linear class,
 * whose truth is linear in its features). Every field is validated, and an error names it; a key
 * the config does not know (a misspelling) is an error naming it, its path and the closest known
 * key.
 *
 * <p>A value: the arrays are copied on the way in and out, and equality is by content.
 *
 * @param rewardClass the reward class to learn in
 * @param sampling the policy every method's pairs are drawn from, or null (no {@code sampling}
 *     key) for each method's own: the escort for rkl and mrpo, the mixture for fkl
 * @param methods the methods to compare, in the config's order
 * @param trueReward the given true reward, or null to draw it
 */
@Stability(Stability.Status.EXPERIMENTAL)
public record ExperimentConfig(int prompts, int responses, double temperature, double[] alpha,
    double beta, double rMax, RewardClassSpec rewardClass, SamplingPolicy sampling, String model,
    List<ExperimentMethod> methods, int[] n, int trials, double delta, long seed,
    double[][] trueReward) {

  /** The labels of the methods an experiment can compare. */
  public static final List<String> KNOWN_METHODS = ExperimentMethod.labels();

  /** Keeps copies of the arrays and of the method list. */
  public ExperimentConfig {
    alpha = alpha.clone();
    methods = List.copyOf(methods);
    n = n.clone();
    trueReward = ArrayKernels.copyRows(trueReward);
  }

  /** The policy a method's pairs are sampled from: the config's, or the method's own default. */
  public SamplingPolicy samplingFor(ExperimentMethod method) {
    return sampling != null ? sampling : method.defaultSampling();
  }

  /** {@code escort}, ..., or how each method samples when the config does not say. */
  public String samplingDescription() {
    return sampling != null ? sampling.toString()
        : "each method's own reference (escort for rkl and mrpo, mixture for fkl)";
  }

  /** A copy of the references' weights. */
  @Override
  public double[] alpha() {
    return alpha.clone();
  }

  /** A copy of the sample sizes. */
  @Override
  public int[] n() {
    return n.clone();
  }

  /** A copy of the given true reward, or null. */
  @Override
  public double[][] trueReward() {
    return ArrayKernels.copyRows(trueReward);
  }

  /** The number of references, K. */
  public int references() {
    return alpha.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExperimentConfig c && prompts == c.prompts && responses == c.responses
        && Double.compare(temperature, c.temperature) == 0 && Arrays.equals(alpha, c.alpha)
        && Double.compare(beta, c.beta) == 0 && Double.compare(rMax, c.rMax) == 0
        && rewardClass.equals(c.rewardClass) && Objects.equals(sampling, c.sampling)
        && model.equals(c.model) && methods.equals(c.methods) && Arrays.equals(n, c.n)
        && trials == c.trials && Double.compare(delta, c.delta) == 0 && seed == c.seed
        && Arrays.deepEquals(trueReward, c.trueReward);
  }

  @Override
  public int hashCode() {
    return Objects.hash(prompts, responses, temperature, Arrays.hashCode(alpha), beta, rMax,
        rewardClass, sampling, model, methods, Arrays.hashCode(n), trials, delta, seed,
        Arrays.deepHashCode(trueReward));
  }

  @Override
  public String toString() {
    return "ExperimentConfig[prompts=" + prompts + ", responses=" + responses + ", alpha="
        + Arrays.toString(alpha) + ", beta=" + beta + ", rewardClass=" + rewardClass
        + ", sampling=" + sampling + ", model=" + model + ", methods=" + methods + ", n="
        + Arrays.toString(n) + ", trials=" + trials + ", seed=" + seed + "]";
  }

  /** The reward class a config asks for: what is learned, before anything is drawn. */
  @Stability(Stability.Status.EXPERIMENTAL)
  public sealed interface RewardClassSpec {
    /** {@code finite}, {@code tabular} or {@code linear}, as in the config. */
    String kind();

    /**
     * Draws the class for a bandit from the experiment's setup generator; a class may also fix
     * the bandit's true reward (a linear class makes it linear in the features it draws).
     */
    Drawn draw(SyntheticBandit bandit, SplittableRandom setup);

    /** Whether a config may give the true reward (not when the class draws it). */
    default boolean acceptsGivenTruth() {
      return true;
    }
  }

  /**
   * A drawn reward class and the bandit it goes with.
   *
   * @param bandit the bandit, with the true reward the class realizes
   * @param rewardClass what the trials learn in
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Drawn(SyntheticBandit bandit, Trial.RewardClass rewardClass) {}

  /**
   * A finite class of {@code size} rewards: the truth and {@code size - 1} others, drawn uniformly
   * in {@code [0, R_max]} ({@code near = 0}), or near the truth: each entry the truth's plus
   * uniform noise in {@code [-near R_max, near R_max]}, clipped to {@code [0, R_max]}. Members near
   * the truth are hard to tell from it, so the MLE errs in most trials even at large n, and the
   * bounds are checked where they can fail.
   *
   * @param size the number of members, at least 2
   * @param near the members' distance from the truth, as a fraction of R_max; 0 for uniform
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record FiniteClass(int size, double near) implements RewardClassSpec {
    @Override
    public String kind() {
      return "finite";
    }

    /** The truth, at a random place among the {@code size - 1} other members. */
    @Override
    public Drawn draw(SyntheticBandit bandit, SplittableRandom setup) {
      List<double[][]> members = new ArrayList<>();
      double[][] truth = bandit.trueReward();
      double rMax = bandit.rMax();
      for (int m = 0; m < size - 1; m++) {
        double[][] r = new double[bandit.prompts()][bandit.responses()];
        for (int x = 0; x < r.length; x++) {
          for (int y = 0; y < r[x].length; y++) {
            r[x][y] = near == 0 ? rMax * setup.nextDouble() : Math.min(rMax, Math.max(0.0,
                truth[x][y] + near * rMax * (2 * setup.nextDouble() - 1)));
          }
        }
        members.add(r);
      }
      members.add(setup.nextInt(members.size() + 1), truth);
      return new Drawn(bandit, new Trial.Finite(members));
    }
  }

  /**
   * Tabular rewards with a ridge.
   *
   * @param l2 the ridge
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record TabularClass(double l2) implements RewardClassSpec {
    @Override
    public String kind() {
      return "tabular";
    }

    @Override
    public Drawn draw(SyntheticBandit bandit, SplittableRandom setup) {
      return new Drawn(bandit, new Trial.Tabular(l2));
    }
  }

  /**
   * Linear rewards in random Gaussian features, with a ridge; the truth is made linear in them.
   *
   * @param features the number of features
   * @param l2 the ridge
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record LinearClass(int features, double l2) implements RewardClassSpec {
    @Override
    public String kind() {
      return "linear";
    }

    @Override
    public boolean acceptsGivenTruth() {
      return false;
    }

    /**
     * Gaussian features and weights; the truth is the affine image of {@code theta . phi} in
     * [0, R_max], which the linear class realizes.
     */
    @Override
    public Drawn draw(SyntheticBandit bandit, SplittableRandom setup) {
      int prompts = bandit.prompts();
      int responses = bandit.responses();
      double[][][] phi = new double[prompts][responses][features];
      double[] theta = new double[features];
      for (int k = 0; k < theta.length; k++) {
        theta[k] = SyntheticBandit.gaussian(setup);
      }
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      double[][] raw = new double[prompts][responses];
      for (int x = 0; x < prompts; x++) {
        for (int y = 0; y < responses; y++) {
          for (int k = 0; k < theta.length; k++) {
            phi[x][y][k] = SyntheticBandit.gaussian(setup);
            raw[x][y] += theta[k] * phi[x][y][k];
          }
          lo = Math.min(lo, raw[x][y]);
          hi = Math.max(hi, raw[x][y]);
        }
      }
      double rMax = bandit.rMax();
      double[][] truth = new double[prompts][responses];
      for (int x = 0; x < prompts; x++) {
        for (int y = 0; y < responses; y++) {
          truth[x][y] = Math.min(rMax, rMax * (raw[x][y] - lo) / (hi - lo));
        }
      }
      return new Drawn(bandit.withReward(truth), new Trial.Linear(phi, l2));
    }
  }

  /**
   * Parses and validates a config.
   *
   * @throws IllegalArgumentException naming the field, its value and what was expected
   */
  public static ExperimentConfig parse(String json) {
    JsonNode root = readObject(json);
    rejectUnknownKeys(root, "", ROOT_KEYS);
    JsonNode bandit = object(root, "bandit");
    rejectUnknownKeys(bandit, "bandit.", BANDIT_KEYS);
    int prompts = integer(bandit, "bandit.prompts", 1);
    int responses = integer(bandit, "bandit.responses", 2);
    double temperature = positive(bandit, "bandit.temperature");
    double[] alpha = weights(bandit);
    double beta = positive(bandit, "bandit.beta");
    double rMax = positive(bandit, "bandit.r_max");
    RewardClassSpec rewardClass = rewardClass(object(root, "reward_class"));
    SamplingPolicy sampling = root.get("sampling") == null ? null
        : SamplingPolicy.parse(text(root, "sampling"));
    String model = text(root, "model");
    List<ExperimentMethod> methods = methods(root);
    int[] n = sampleSizes(root);
    int trials = integer(root, "trials", 1);
    double delta = positive(root, "delta");
    if (!(delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
    }
    JsonNode seed = root.get("seed");
    if (seed == null || !seed.canConvertToLong()) {
      throw new IllegalArgumentException("seed must be an integer");
    }
    double[][] truth = trueReward(root, rewardClass, prompts, responses, rMax);
    return new ExperimentConfig(prompts, responses, temperature, alpha, beta, rMax, rewardClass,
        sampling, model, methods, n, trials, delta, seed.asLong(), truth);
  }

  static JsonNode readObject(String json) {
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
    return root;
  }

  /** {@code bandit.alpha}: non-negative weights that sum to 1. */
  private static double[] weights(JsonNode bandit) {
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
    return alpha;
  }

  private static RewardClassSpec rewardClass(JsonNode reward) {
    String kind = text(reward, "reward_class.kind");
    switch (kind) {
      case "finite":
        rejectUnknownKeys(reward, "reward_class.", List.of("kind", "size", "near"));
        return new FiniteClass(integer(reward, "reward_class.size", 2),
            nonNegative(reward, "reward_class.near", 0.0));
      case "tabular":
        rejectUnknownKeys(reward, "reward_class.", List.of("kind", "l2"));
        return new TabularClass(nonNegative(reward, "reward_class.l2", 1e-3));
      case "linear":
        rejectUnknownKeys(reward, "reward_class.", List.of("kind", "features", "l2"));
        return new LinearClass(integer(reward, "reward_class.features", 1),
            nonNegative(reward, "reward_class.l2", 1e-3));
      default:
        throw new IllegalArgumentException("reward_class.kind must be finite, tabular or"
            + " linear, got '" + kind + "'");
    }
  }

  private static List<ExperimentMethod> methods(JsonNode root) {
    JsonNode m = root.get("methods");
    if (m == null || !m.isArray() || m.isEmpty()) {
      throw new IllegalArgumentException("methods must be a non-empty array of "
          + KNOWN_METHODS);
    }
    List<ExperimentMethod> methods = new ArrayList<>();
    for (JsonNode v : m) {
      methods.add(ExperimentMethod.parse(v.asText()));
    }
    return methods;
  }

  private static int[] sampleSizes(JsonNode root) {
    double[] nValues = numbers(root, "n");
    int[] n = new int[nValues.length];
    for (int i = 0; i < n.length; i++) {
      if (!(nValues[i] >= 2 && nValues[i] == Math.rint(nValues[i]))) {
        throw new IllegalArgumentException("n[" + i + "] must be an integer >= 2, got "
            + nValues[i]);
      }
      n[i] = (int) nValues[i];
    }
    return n;
  }

  /** The optional {@code true_reward}: one row per prompt, each in {@code [0, r_max]}. */
  private static double[][] trueReward(JsonNode root, RewardClassSpec rewardClass, int prompts,
      int responses, double rMax) {
    JsonNode given = root.get("true_reward");
    if (given == null || given.isNull()) {
      return null;
    }
    if (!rewardClass.acceptsGivenTruth()) {
      throw new IllegalArgumentException("true_reward cannot be given with a linear class: its"
          + " truth is linear in its random features");
    }
    if (!given.isArray() || given.size() != prompts) {
      throw new IllegalArgumentException("true_reward must be an array of " + prompts
          + " rows (one per prompt)");
    }
    double[][] truth = new double[prompts][];
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
    return truth;
  }

  private static final List<String> ROOT_KEYS = List.of("bandit", "reward_class", "sampling",
      "model", "methods", "n", "trials", "delta", "seed", "true_reward");
  private static final List<String> BANDIT_KEYS = List.of("prompts", "responses", "temperature",
      "alpha", "beta", "r_max");

  /** Refuses a key that is not in {@code known}, naming its path and the closest known key. */
  static void rejectUnknownKeys(JsonNode node, String prefix, List<String> known) {
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

  static JsonNode object(JsonNode root, String field) {
    JsonNode v = root.get(field);
    if (v == null || !v.isObject()) {
      throw new IllegalArgumentException(field + " must be an object");
    }
    return v;
  }

  static String text(JsonNode node, String path) {
    JsonNode v = node.get(path.substring(path.lastIndexOf('.') + 1));
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException(path + " must be a string");
    }
    return v.asText();
  }

  static double number(JsonNode node, String path) {
    JsonNode v = node.get(path.substring(path.lastIndexOf('.') + 1));
    if (v == null || !v.isNumber()) {
      throw new IllegalArgumentException(path + " must be a number");
    }
    return v.asDouble();
  }

  static double positive(JsonNode node, String path) {
    double v = number(node, path);
    if (!(v > 0 && v < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(path + " must be finite and > 0, got " + v);
    }
    return v;
  }

  static double nonNegative(JsonNode node, String path, double otherwise) {
    if (node.get(path.substring(path.lastIndexOf('.') + 1)) == null) {
      return otherwise;
    }
    double v = number(node, path);
    if (!(v >= 0 && v < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(path + " must be finite and >= 0, got " + v);
    }
    return v;
  }

  static int integer(JsonNode node, String path, int minimum) {
    double v = number(node, path);
    if (!(v >= minimum && v == Math.rint(v) && v <= Integer.MAX_VALUE)) {
      throw new IllegalArgumentException(path + " must be an integer >= " + minimum + ", got "
          + v);
    }
    return (int) v;
  }

  static double[] numbers(JsonNode node, String path) {
    return numbers(node, path.substring(path.lastIndexOf('.') + 1), path);
  }

  static double[] numbers(JsonNode node, String field, String path) {
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

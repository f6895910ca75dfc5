package io.github.multiref.rewards;

import io.github.multiref.api.PreferenceModel;
import io.github.multiref.api.Stability;
import io.github.multiref.api.internal.ArrayKernels;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Maximum-likelihood reward learning (docs/math.md#reward-learning, paper eq. 3):
 * {@code r_hat = argmax_r sum_i log P(ranking_i | r)} for any {@link PreferenceModel}, plugins
 * included, through its ranking log-likelihood and gradient only.
 *
 * <ul>
 *   <li>{@link #fitFinite}: the best member of a finite class (Assumption 4.2);
 *   <li>{@link #fitTabular}: one reward per prompt and response, with a small ridge so that
 *       unobserved responses and perfectly separated data stay finite, then centered per prompt
 *       under a sampling policy (rewards are identified only up to a per-prompt constant);
 *   <li>{@link #fitLinear}: {@code r(x,y) = theta . phi(x,y)}, with optional L2 and a bound
 *       {@code ||theta|| <= B} (met exactly by the smallest extra ridge that satisfies it).
 * </ul>
 * Log-likelihoods of concave models (Bradley-Terry, Thurstone, Plackett-Luce) make each fit a
 * convex problem, solved by {@link Lbfgs} with explicit tolerance and budget.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class RewardLearning {

  private RewardLearning() {}

  /**
   * {@code sum_i log P(ranking_i | r)} for a reward table {@code r[x][y]}; when {@code gradient} is
   * not null, its derivative is added into it (same shape).
   */
  public static double logLikelihood(PreferenceData data, PreferenceModel model, double[][] r,
      double[][] gradient) {
    double total = 0;
    double[] rewards = new double[8];
    double[] g = new double[8];
    for (int i = 0; i < data.size(); i++) {
      int x = data.prompt(i);
      int m = data.rankingLength(i);
      if (rewards.length < m) {
        rewards = new double[m];
        g = new double[m];
      }
      double[] ranked = m == rewards.length ? rewards : new double[m];
      for (int j = 0; j < m; j++) {
        ranked[j] = r[x][data.ranked(i, j)];
      }
      total += model.logLikelihood(ranked);
      if (gradient != null) {
        double[] gr = m == g.length ? g : new double[m];
        model.logLikelihoodGradient(ranked, gr);
        for (int j = 0; j < m; j++) {
          gradient[x][data.ranked(i, j)] += gr[j];
        }
      }
    }
    return total;
  }

  /**
   * The data's distinct (prompt, ranking) observations with their counts: a tabular likelihood
   * depends on the data through these alone, so each optimizer step costs the number of distinct
   * observations (at most prompts x responses^2 for pairs) instead of the number of pairs.
   */
  record Distinct(int[] prompt, int[][] ranked, double[] count) {

    static Distinct of(PreferenceData data) {
      java.util.Map<java.util.List<Integer>, Integer> index = new java.util.HashMap<>();
      List<int[]> rankings = new java.util.ArrayList<>();
      List<Integer> prompts = new java.util.ArrayList<>();
      List<double[]> counts = new java.util.ArrayList<>();
      for (int i = 0; i < data.size(); i++) {
        int m = data.rankingLength(i);
        Integer[] key = new Integer[m + 1];
        int[] ranking = new int[m];
        key[0] = data.prompt(i);
        for (int j = 0; j < m; j++) {
          ranking[j] = data.ranked(i, j);
          key[j + 1] = ranking[j];
        }
        Integer at = index.putIfAbsent(java.util.List.of(key), rankings.size());
        if (at == null) {
          rankings.add(ranking);
          prompts.add(data.prompt(i));
          counts.add(new double[] {1});
        } else {
          counts.get(at)[0]++;
        }
      }
      double[] count = new double[counts.size()];
      for (int d = 0; d < count.length; d++) {
        count[d] = counts.get(d)[0];
      }
      return new Distinct(prompts.stream().mapToInt(Integer::intValue).toArray(),
          rankings.toArray(new int[0][]), count);
    }

    /** {@link RewardLearning#logLikelihood}, each distinct observation once, times its count. */
    double logLikelihood(PreferenceModel model, double[][] r, double[][] gradient) {
      double total = 0;
      for (int d = 0; d < count.length; d++) {
        int x = prompt[d];
        int m = ranked[d].length;
        double[] values = new double[m];
        for (int j = 0; j < m; j++) {
          values[j] = r[x][ranked[d][j]];
        }
        total += count[d] * model.logLikelihood(values);
        double[] gr = new double[m];
        model.logLikelihoodGradient(values, gr);
        for (int j = 0; j < m; j++) {
          gradient[x][ranked[d][j]] += count[d] * gr[j];
        }
      }
      return total;
    }
  }

  /**
   * The member of a finite reward class with the largest log-likelihood (the first on ties).
   *
   * @param candidates reward tables {@code r[x][y]}, at least one
   */
  public static FiniteFit fitFinite(PreferenceData data, PreferenceModel model,
      List<double[][]> candidates) {
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("the reward class must have at least one member");
    }
    double[] ll = new double[candidates.size()];
    int best = 0;
    for (int c = 0; c < candidates.size(); c++) {
      ll[c] = logLikelihood(data, model, candidates.get(c), null);
      if (ll[c] > ll[best]) {
        best = c;
      }
    }
    return new FiniteFit(best, ll);
  }

  /**
   * The finite-class fit.
   *
   * @param index the chosen member
   * @param logLikelihoods every member's log-likelihood
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record FiniteFit(int index, double[] logLikelihoods) {
    /** Keeps a copy of the log-likelihoods. */
    public FiniteFit {
      logLikelihoods = logLikelihoods.clone();
    }

    /** A copy of every member's log-likelihood. */
    @Override
    public double[] logLikelihoods() {
      return logLikelihoods.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof FiniteFit f && index == f.index
          && Arrays.equals(logLikelihoods, f.logLikelihoods);
    }

    @Override
    public int hashCode() {
      return 31 * index + Arrays.hashCode(logLikelihoods);
    }

    @Override
    public String toString() {
      return "FiniteFit[index=" + index + ", logLikelihoods=" + Arrays.toString(logLikelihoods)
          + "]";
    }
  }

  /**
   * Tabular rewards by penalized maximum likelihood, centered per prompt.
   *
   * @param centering for each prompt, the sampling policy's probabilities over its responses
   *     (rewards are shifted so that their mean under it is 0); null for the empirical frequency
   *     of each response in the data
   * @param l2 ridge on every reward, {@code >= 0} (a small positive value keeps separable data
   *     finite)
   */
  public static TabularFit fitTabular(PreferenceData data, PreferenceModel model,
      double[][] centering, double l2, Lbfgs optimizer) {
    checkModel(data, model);
    if (!(l2 >= 0 && l2 < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("l2 must be finite and >= 0, got " + l2);
    }
    int[] offset = new int[data.prompts() + 1];
    for (int x = 0; x < data.prompts(); x++) {
      offset[x + 1] = offset[x] + data.responses(x);
    }
    double[][] table = new double[data.prompts()][];
    double[][] grad = new double[data.prompts()][];
    for (int x = 0; x < data.prompts(); x++) {
      table[x] = new double[data.responses(x)];
      grad[x] = new double[data.responses(x)];
    }
    Distinct distinct = Distinct.of(data);
    Lbfgs.Objective f = (theta, g) -> {
      for (int x = 0; x < table.length; x++) {
        System.arraycopy(theta, offset[x], table[x], 0, table[x].length);
        java.util.Arrays.fill(grad[x], 0.0);
      }
      double value = -distinct.logLikelihood(model, table, grad);
      for (int x = 0; x < table.length; x++) {
        for (int y = 0; y < table[x].length; y++) {
          int k = offset[x] + y;
          value += 0.5 * l2 * theta[k] * theta[k];
          g[k] = -grad[x][y] + l2 * theta[k];
        }
      }
      return value;
    };
    Lbfgs.Result result = optimizer.minimize(f, new double[offset[data.prompts()]]);
    double[][] rewards = new double[data.prompts()][];
    double[][] weights = centering != null ? centering : empiricalFrequencies(data);
    double[] solution = result.x();
    for (int x = 0; x < data.prompts(); x++) {
      rewards[x] = Arrays.copyOfRange(solution, offset[x], offset[x + 1]);
      double mean = 0;
      for (int y = 0; y < rewards[x].length; y++) {
        mean += weights[x][y] * rewards[x][y];
      }
      for (int y = 0; y < rewards[x].length; y++) {
        rewards[x][y] -= mean;
      }
    }
    return new TabularFit(rewards, logLikelihood(data, model, rewards, null),
        result.iterations());
  }

  /**
   * A tabular fit.
   *
   * @param rewards {@code r_hat[x][y]}, centered per prompt
   * @param logLikelihood the data's log-likelihood at the rewards (without the ridge)
   * @param iterations optimizer iterations
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record TabularFit(double[][] rewards, double logLikelihood, int iterations) {
    /** Keeps a copy of the rewards. */
    public TabularFit {
      rewards = ArrayKernels.copyRows(rewards);
    }

    /** A copy of the rewards. */
    @Override
    public double[][] rewards() {
      return ArrayKernels.copyRows(rewards);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof TabularFit f && Arrays.deepEquals(rewards, f.rewards)
          && Double.compare(logLikelihood, f.logLikelihood) == 0 && iterations == f.iterations;
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.deepHashCode(rewards) + Objects.hash(logLikelihood, iterations);
    }

    @Override
    public String toString() {
      return "TabularFit[rewards=" + Arrays.deepToString(rewards) + ", logLikelihood="
          + logLikelihood + ", iterations=" + iterations + "]";
    }
  }

  /** For each prompt, how often each response appears in the data (uniform if never). */
  public static double[][] empiricalFrequencies(PreferenceData data) {
    double[][] w = new double[data.prompts()][];
    for (int x = 0; x < data.prompts(); x++) {
      w[x] = new double[data.responses(x)];
    }
    for (int i = 0; i < data.size(); i++) {
      for (int j = 0; j < data.rankingLength(i); j++) {
        w[data.prompt(i)][data.ranked(i, j)] += 1;
      }
    }
    for (double[] row : w) {
      double s = 0;
      for (double v : row) {
        s += v;
      }
      for (int y = 0; y < row.length; y++) {
        row[y] = s > 0 ? row[y] / s : 1.0 / row.length;
      }
    }
    return w;
  }

  /** Features {@code phi(x, y)} of every prompt's responses, all of one dimension. */
  @FunctionalInterface
  @Stability(Stability.Status.EXPERIMENTAL)
  public interface FeatureMap {
    double[] features(int prompt, int response);
  }

  /**
   * Linear rewards {@code theta . phi(x,y)} by penalized maximum likelihood, optionally with
   * {@code ||theta|| <= bound}.
   *
   * @param l2 ridge on theta, {@code >= 0}
   * @param bound the largest allowed norm of theta, or {@code +inf}
   */
  public static LinearFit fitLinear(PreferenceData data, PreferenceModel model, FeatureMap phi,
      double l2, double bound, Lbfgs optimizer) {
    checkModel(data, model);
    if (!(l2 >= 0 && l2 < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("l2 must be finite and >= 0, got " + l2);
    }
    if (!(bound > 0)) {
      throw new IllegalArgumentException("bound must be > 0, got " + bound);
    }
    double[][][] features = new double[data.prompts()][][];
    int dimension = -1;
    for (int x = 0; x < data.prompts(); x++) {
      features[x] = new double[data.responses(x)][];
      for (int y = 0; y < data.responses(x); y++) {
        features[x][y] = phi.features(x, y).clone();
        if (dimension < 0) {
          dimension = features[x][y].length;
        } else if (features[x][y].length != dimension) {
          throw new IllegalArgumentException("features of prompt " + x + ", response " + y
              + " have " + features[x][y].length + " entries, expected " + dimension);
        }
      }
    }
    LinearObjective objective = new LinearObjective(data, model, features, dimension);
    return LinearObjective.fitWithBound(objective, l2, bound, optimizer);
  }

  /**
   * Linear rewards from pairs given directly as difference features: row i of the row-major
   * {@code differences} is {@code phi(x_i, chosen_i) - phi(x_i, rejected_i)}, so that {@code
   * P(chosen > rejected) = link(theta . row_i)}. The data are used as given, not copied.
   *
   * @param dimension the number of features, {@code >= 1}, dividing the array's length
   */
  public static LinearFit fitLinearPairs(double[] differences, int dimension,
      PreferenceModel model, double l2, double bound, Lbfgs optimizer) {
    if (dimension < 1 || differences.length % dimension != 0) {
      throw new IllegalArgumentException("differences hold " + differences.length
          + " values, not a whole number of rows of " + dimension);
    }
    if (!(l2 >= 0 && l2 < Double.POSITIVE_INFINITY) || !(bound > 0)) {
      throw new IllegalArgumentException("l2 must be finite and >= 0 and bound > 0, got " + l2
          + " and " + bound);
    }
    return LinearObjective.fitWithBound(LinearObjective.ofDifferences(model, differences,
        dimension), l2, bound, optimizer);
  }

  /**
   * The negative log-likelihood of linear rewards {@code theta . phi} over some preference data,
   * and its gradient, however it is computed: in this JVM, or summed over a cluster's partitions.
   */
  @FunctionalInterface
  @Stability(Stability.Status.EXPERIMENTAL)
  public interface LinearLikelihood {
    /**
     * {@code -log L(theta)}, without any penalty, with its gradient written into {@code
     * gradient} (overwritten, not added to).
     */
    double negativeLogLikelihood(double[] theta, double[] gradient);
  }

  /**
   * Linear rewards by penalized maximum likelihood over any {@link LinearLikelihood} (the same
   * ridge, norm bound and optimizer as {@link #fitLinear(PreferenceData, PreferenceModel,
   * FeatureMap, double, double, Lbfgs)}); a distributed job passes a likelihood summed over its
   * partitions and gets the optimum this JVM would find, up to the order of the sums.
   *
   * @param dimension the number of features, {@code >= 1}
   * @param l2 ridge on theta, {@code >= 0}
   * @param bound the largest allowed norm of theta, or {@code +inf}
   */
  public static LinearFit fitLinear(LinearLikelihood likelihood, int dimension, double l2,
      double bound, Lbfgs optimizer) {
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
    }
    if (!(l2 >= 0 && l2 < Double.POSITIVE_INFINITY) || !(bound > 0)) {
      throw new IllegalArgumentException("l2 must be finite and >= 0 and bound > 0, got " + l2
          + " and " + bound);
    }
    return LinearObjective.fitWithBound(likelihood, dimension, l2, bound, optimizer);
  }

  /**
   * A linear fit.
   *
   * @param theta the weights
   * @param logLikelihood the data's log-likelihood at theta (without penalties)
   * @param iterations optimizer iterations, over all solves
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record LinearFit(double[] theta, double logLikelihood, int iterations) {
    /** Keeps a copy of the weights. */
    public LinearFit {
      theta = theta.clone();
    }

    /** A copy of the weights. */
    @Override
    public double[] theta() {
      return theta.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof LinearFit f && Arrays.equals(theta, f.theta)
          && Double.compare(logLikelihood, f.logLikelihood) == 0 && iterations == f.iterations;
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(theta) + Objects.hash(logLikelihood, iterations);
    }

    @Override
    public String toString() {
      return "LinearFit[theta=" + Arrays.toString(theta) + ", logLikelihood=" + logLikelihood
          + ", iterations=" + iterations + "]";
    }
  }

  static void checkModel(PreferenceData data, PreferenceModel model) {
    for (int i = 0; i < data.size(); i++) {
      if (data.rankingLength(i) > model.maxRankingLength()) {
        throw new IllegalArgumentException("observation " + i + " ranks "
            + data.rankingLength(i) + " responses but model " + model + " ranks at most "
            + model.maxRankingLength());
      }
    }
  }
}

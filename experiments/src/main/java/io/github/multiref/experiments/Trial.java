package io.github.multiref.experiments;

import io.github.multiref.api.BoundCalculator;
import io.github.multiref.api.BoundInputs;
import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.PreferenceModel;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.Solver;
import io.github.multiref.api.Stability;
import io.github.multiref.api.internal.ArrayKernels;
import io.github.multiref.bounds.Coverage;
import io.github.multiref.bounds.Gaps;
import io.github.multiref.rewards.Lbfgs;
import io.github.multiref.rewards.PreferenceData;
import io.github.multiref.rewards.RewardLearning;
import io.github.multiref.rewards.SamplingPolicy;
import io.github.multiref.rewards.SyntheticBandit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One trial of the paper's experiment: draw n preference pairs from a bandit, learn a reward,
 * and measure the exact gaps of each method next to its bounds.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class Trial {

  private Trial() {}

  /** How the reward is learned. */
  @Stability(Stability.Status.EXPERIMENTAL)
  public sealed interface RewardClass permits Finite, Tabular, Linear {
    /** The reward learned from the data, {@code r_hat[x][y]}. */
    double[][] fit(PreferenceData data, PreferenceModel model, SyntheticBandit bandit);

    /** The class's size for the finite-class bounds; NaN for an infinite class. */
    default double size() {
      return Double.NaN;
    }
  }

  /**
   * A finite class (it should contain the truth for the bounds to apply). A value: the members
   * are copied on the way in and out.
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Finite(List<double[][]> members) implements RewardClass {
    /** Keeps a copy of the members. */
    public Finite {
      members = members.stream().map(ArrayKernels::copyRows).toList();
    }

    /** Copies of the members. */
    @Override
    public List<double[][]> members() {
      return members.stream().map(ArrayKernels::copyRows).toList();
    }

    /** The member of highest likelihood. */
    @Override
    public double[][] fit(PreferenceData data, PreferenceModel model, SyntheticBandit bandit) {
      int best = RewardLearning.fitFinite(data, model, members).index();
      return ArrayKernels.copyRows(members.get(best));
    }

    @Override
    public double size() {
      return members.size();
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Finite f) || f.members.size() != members.size()) {
        return false;
      }
      for (int m = 0; m < members.size(); m++) {
        if (!Arrays.deepEquals(members.get(m), f.members.get(m))) {
          return false;
        }
      }
      return true;
    }

    @Override
    public int hashCode() {
      int h = 1;
      for (double[][] m : members) {
        h = 31 * h + Arrays.deepHashCode(m);
      }
      return h;
    }

    @Override
    public String toString() {
      return "Finite[" + members.size() + " members]";
    }
  }

  /** Tabular rewards with a ridge. */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Tabular(double l2) implements RewardClass {
    @Override
    public double[][] fit(PreferenceData data, PreferenceModel model, SyntheticBandit bandit) {
      return RewardLearning.fitTabular(data, model, null, l2, Lbfgs.of(1e-9, 5000, 10))
          .rewards();
    }
  }

  /**
   * Linear rewards {@code theta . phi[x][y]} with a ridge. A value: the features are copied on
   * the way in and out.
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Linear(double[][][] features, double l2) implements RewardClass {
    /** Keeps a copy of the features. */
    public Linear {
      features = copy(features);
    }

    /** A copy of the features. */
    @Override
    public double[][][] features() {
      return copy(features);
    }

    @Override
    public double[][] fit(PreferenceData data, PreferenceModel model, SyntheticBandit bandit) {
      double[] theta = RewardLearning.fitLinear(data, model, (x, y) -> features[x][y], l2,
          Double.POSITIVE_INFINITY, Lbfgs.of(1e-9, 5000, 10)).theta();
      double[][] learned = new double[bandit.prompts()][bandit.responses()];
      for (int x = 0; x < bandit.prompts(); x++) {
        for (int y = 0; y < bandit.responses(); y++) {
          for (int k = 0; k < theta.length; k++) {
            learned[x][y] += theta[k] * features[x][y][k];
          }
        }
      }
      return learned;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Linear lin && Arrays.deepEquals(features, lin.features)
          && Double.compare(l2, lin.l2) == 0;
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.deepHashCode(features) + Double.hashCode(l2);
    }

    @Override
    public String toString() {
      return "Linear[" + (features.length == 0 || features[0].length == 0 ? 0
          : features[0][0].length) + " features, l2=" + l2 + "]";
    }
  }

  /**
   * A method: the divergence, the solver of the optimal policy, the solver of the deployed policy
   * for the learned reward (the surrogate for MRPO), and its two bounds.
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Method(String name, Divergence divergence, Solver optimal, Solver deployed,
      BoundCalculator subOptimalityBound, BoundCalculator optimalityGapBound,
      TrainedPolicies trained) {

    /** A method whose deployed policy {@code deployed} solves for the learned reward. */
    public Method(String name, Divergence divergence, Solver optimal, Solver deployed,
        BoundCalculator subOptimalityBound, BoundCalculator optimalityGapBound) {
      this(name, divergence, optimal, deployed, subOptimalityBound, optimalityGapBound, null);
    }
  }

  /**
   * A deployed policy trained on the trial's pairs (DPO) instead of solved for the learned
   * reward: one policy per prompt.
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  @FunctionalInterface
  public interface TrainedPolicies {
    List<LogDistribution> train(PreferenceData data, SyntheticBandit bandit, double beta,
        double[] alpha, long seed);
  }

  /**
   * The outcome for one method. The bounds are NaN where they do not apply: they are stated for a
   * finite realizable reward class, and a tabular or linear class is infinite.
   *
   * @param rewardError the learned reward's measured error, Lemma A.1's left side: {@code E_x
   *     E_{y, y' ~ pi_s} [((r_hat(y) - r_hat(y')) - (r*(y) - r*(y')))^2] = 2 E_x Var_{pi_s}(r_hat -
   *     r*)}, prompts weighted alike (the same for the methods whose pairs share a policy)
   * @param rewardErrorBound its bound {@code eps_n = 2 kappa^2 log(|R|/delta) / n}; NaN for an
   *     infinite class
   * @param learnedTheTruth whether the learned reward is the truth (a finite class's MLE picked
   *     it)
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Outcome(String method, double subOptimality, double optimalityGap,
      double subOptimalityBound, double optimalityGapBound, double coverage, double rewardError,
      double rewardErrorBound, boolean learnedTheTruth) {}

  /**
   * Runs one trial with each method's pairs drawn from its own policy: methods that share a
   * policy share the data and the learned reward (the same as {@link #run(SyntheticBandit,
   * SamplingPolicy, PreferenceModel, RewardClass, int, double, double, List, long)} with that
   * policy and seed); outcomes in the order of the methods.
   *
   * @param sampling one policy per method
   */
  public static List<Outcome> run(SyntheticBandit bandit, List<SamplingPolicy> sampling,
      PreferenceModel model, RewardClass rewardClass, int n, double beta, double delta,
      List<Method> methods, long seed) {
    if (sampling.size() != methods.size()) {
      throw new IllegalArgumentException(sampling.size() + " sampling policies for "
          + methods.size() + " methods");
    }
    Outcome[] out = new Outcome[methods.size()];
    for (SamplingPolicy policy : new java.util.LinkedHashSet<>(sampling)) {
      List<Integer> these = new ArrayList<>();
      for (int m = 0; m < methods.size(); m++) {
        if (sampling.get(m).equals(policy)) {
          these.add(m);
        }
      }
      List<Outcome> group = run(bandit, policy, model, rewardClass, n, beta, delta,
          these.stream().map(methods::get).toList(), seed);
      for (int j = 0; j < these.size(); j++) {
        out[these.get(j)] = group.get(j);
      }
    }
    return List.of(out);
  }

  /**
   * Runs one trial.
   *
   * @param delta the bounds' failure probability
   * @param seed the trial's seed (the data and nothing else depend on it)
   */
  public static List<Outcome> run(SyntheticBandit bandit, SamplingPolicy sampling,
      PreferenceModel model, RewardClass rewardClass, int n, double beta, double delta,
      List<Method> methods, long seed) {
    PreferenceData data = bandit.sample(sampling, model, n, 2, seed);
    double[][] truth = bandit.trueReward();
    double[][] learned = rewardClass.fit(data, model, bandit);
    double classSize = rewardClass.size(); // NaN: an infinite class, the bounds do not apply
    List<ReferenceSet> refs = new ArrayList<>();
    List<LogDistribution> pis = new ArrayList<>();
    double[] rho = new double[bandit.prompts()];
    for (int x = 0; x < bandit.prompts(); x++) {
      refs.add(bandit.references(x));
      pis.add(bandit.policy(sampling, x));
      rho[x] = 1.0 / bandit.prompts();
    }
    boolean exact = Arrays.deepEquals(truth, learned);
    center(truth, pis);
    center(learned, pis);
    double rewardError = rewardError(truth, learned, pis);
    double rewardErrorBound = Double.isNaN(classSize) ? Double.NaN : new BoundInputs(n, delta,
        beta, bandit.rMax(), classSize, model.kappa(bandit.rMax()), 0.0).rewardErrorBound();
    List<Outcome> out = new ArrayList<>();
    for (Method m : methods) {
      Gaps.Result g = m.trained() == null
          ? Gaps.of(refs, rho, truth, learned, beta, m.divergence(), m.optimal(), m.deployed())
          : Gaps.ofPolicies(refs, rho, truth, learned, beta, m.divergence(), m.optimal(),
              m.trained().train(data, bandit, beta, refs.get(0).weights(), seed));
      double c = Coverage.exact(refs, pis, learned, truth, beta, m.divergence(), m.optimal(), 16);
      double subBound = Double.NaN;
      double optBound = Double.NaN;
      if (!Double.isNaN(classSize)) {
        BoundInputs in = BoundInputs.withCoverage(n, delta, beta, bandit.rMax(), classSize,
            model.kappa(bandit.rMax()), c);
        subBound = m.subOptimalityBound().evaluate(in).value();
        optBound = m.optimalityGapBound().evaluate(in).value();
      }
      out.add(new Outcome(m.name(), g.subOptimality(), g.optimalityGap(), subBound, optBound,
          c, rewardError, rewardErrorBound, exact));
    }
    return out;
  }

  /**
   * {@code 2 E_x Var_{pi_s}(r_hat - r*)}, prompts weighted uniformly: the expected squared error of
   * the learned reward differences over pairs drawn from the sampling policy.
   */
  static double rewardError(double[][] truth, double[][] learned, List<LogDistribution> sampling) {
    double total = 0;
    for (int x = 0; x < truth.length; x++) {
      LogDistribution pi = sampling.get(x);
      double[] d = new double[truth[x].length];
      for (int y = 0; y < d.length; y++) {
        d[y] = learned[x][y] - truth[x][y];
      }
      double mean = pi.expectation(d);
      double var = 0;
      for (int y = 0; y < d.length; y++) {
        if (pi.inSupport(y)) {
          var += pi.prob(y) * (d[y] - mean) * (d[y] - mean);
        }
      }
      total += 2 * var / truth.length;
    }
    return total;
  }

  /** Centers each prompt's rewards under the sampling policy (docs/math.md#reward-learning). */
  static void center(double[][] r, List<LogDistribution> sampling) {
    for (int x = 0; x < r.length; x++) {
      double mean = sampling.get(x).expectation(r[x]);
      for (int y = 0; y < r[x].length; y++) {
        r[x][y] -= mean;
      }
    }
  }

  private static double[][][] copy(double[][][] r) {
    double[][][] out = new double[r.length][][];
    for (int x = 0; x < r.length; x++) {
      out[x] = ArrayKernels.copyRows(r[x]);
    }
    return out;
  }
}

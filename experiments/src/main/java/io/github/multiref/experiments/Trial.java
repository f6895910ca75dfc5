package io.github.multiref.experiments;

import io.github.multiref.api.BoundCalculator;
import io.github.multiref.api.BoundInputs;
import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.PreferenceModel;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.Solver;
import io.github.multiref.api.Stability;
import io.github.multiref.bounds.Coverage;
import io.github.multiref.bounds.Gaps;
import io.github.multiref.rewards.Lbfgs;
import io.github.multiref.rewards.PreferenceData;
import io.github.multiref.rewards.RewardLearning;
import io.github.multiref.rewards.SamplingPolicy;
import io.github.multiref.rewards.SyntheticBandit;
import java.util.ArrayList;
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
  public sealed interface RewardClass permits Finite, Tabular, Linear {}

  /** A finite class (it should contain the truth for the bounds to apply). */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Finite(List<double[][]> members) implements RewardClass {}

  /** Tabular rewards with a ridge. */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Tabular(double l2) implements RewardClass {}

  /** Linear rewards {@code theta . phi[x][y]} with a ridge. */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Linear(double[][][] features, double l2) implements RewardClass {}

  /**
   * A method: the divergence, the solver of the optimal policy, the solver of the deployed policy
   * for the learned reward (the surrogate for MRPO), and its two bounds.
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Method(String name, Divergence divergence, Solver optimal, Solver deployed,
      BoundCalculator subOptimalityBound, BoundCalculator optimalityGapBound) {}

  /**
   * The outcome for one method. The bounds are NaN where they do not apply: they are stated for a
   * finite realizable reward class, and a tabular or linear class is infinite.
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Outcome(String method, double subOptimality, double optimalityGap,
      double subOptimalityBound, double optimalityGapBound, double coverage) {}

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
    double[][] learned;
    double classSize;
    if (rewardClass instanceof Finite f) {
      learned = copy(f.members().get(RewardLearning.fitFinite(data, model, f.members())
          .index()));
      classSize = f.members().size();
    } else if (rewardClass instanceof Tabular t) {
      learned = RewardLearning.fitTabular(data, model, null, t.l2(), Lbfgs.of(1e-9, 5000, 10))
          .rewards();
      classSize = Double.NaN; // an infinite class: the finite-class bounds do not apply
    } else {
      Linear lin = (Linear) rewardClass;
      double[] theta = RewardLearning.fitLinear(data, model, (x, y) -> lin.features()[x][y],
          lin.l2(), Double.POSITIVE_INFINITY, Lbfgs.of(1e-9, 5000, 10)).theta();
      learned = new double[bandit.prompts()][bandit.responses()];
      for (int x = 0; x < bandit.prompts(); x++) {
        for (int y = 0; y < bandit.responses(); y++) {
          for (int k = 0; k < theta.length; k++) {
            learned[x][y] += theta[k] * lin.features()[x][y][k];
          }
        }
      }
      classSize = Double.NaN;
    }
    List<ReferenceSet> refs = new ArrayList<>();
    List<LogDistribution> pis = new ArrayList<>();
    double[] rho = new double[bandit.prompts()];
    for (int x = 0; x < bandit.prompts(); x++) {
      refs.add(bandit.references(x));
      pis.add(bandit.policy(sampling, x));
      rho[x] = 1.0 / bandit.prompts();
    }
    center(truth, pis);
    center(learned, pis);
    List<Outcome> out = new ArrayList<>();
    for (Method m : methods) {
      Gaps.Result g = Gaps.of(refs, rho, truth, learned, beta, m.divergence(), m.optimal(),
          m.deployed());
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
          c));
    }
    return out;
  }

  /** Centers each prompt's rewards under the sampling policy (MATH.md section 8). */
  static void center(double[][] r, List<LogDistribution> sampling) {
    for (int x = 0; x < r.length; x++) {
      double mean = sampling.get(x).expectation(r[x]);
      for (int y = 0; y < r[x].length; y++) {
        r[x][y] -= mean;
      }
    }
  }

  private static double[][] copy(double[][] r) {
    double[][] out = new double[r.length][];
    for (int x = 0; x < r.length; x++) {
      out[x] = r[x].clone();
    }
    return out;
  }
}

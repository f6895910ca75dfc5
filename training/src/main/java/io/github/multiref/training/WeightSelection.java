package io.github.multiref.training;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.LogMath;
import io.github.multiref.api.Stability;
import io.github.multiref.bounds.Coverage;
import io.github.multiref.rewards.Lbfgs;
import io.github.multiref.solvers.dpo.DpoLoss;
import io.github.multiref.solvers.dpo.MultiReferenceDpo;
import io.github.multiref.solvers.dpo.PairScore;
import io.github.multiref.solvers.dpo.ReferenceWeighting;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Choosing the reference weights alpha for multi-reference DPO (docs/math.md#choosing-alpha):
 * the pairs are split into train and validation (by prompt, or by pair), each scheme proposes
 * weights, a policy is trained on the train pairs with them, and its implicit reward is scored
 * on the held-out pairs (Bradley-Terry log-likelihood of the DPO logit, and accuracy).
 *
 * <p>The schemes: {@code vertex:i} (reference i alone), {@code grid} (the simplex in steps of
 * {@code 1/gridDivisions}, for K <= 4), {@code mrpo-adaptive} (MRPO's per-pair weights), {@code
 * validation-accuracy} and {@code validation-margin} (weights in proportion to each vertex
 * policy's held-out accuracy above 1/2, or to its mean held-out DPO logit when positive), {@code
 * thompson} (a Thompson-sampling bandit over the references during Adam training, rewarded by
 * the batch pairs each pulled reference's implicit reward orders correctly after its step; the
 * weights are the pull frequencies), and {@code bound} (the grid point that minimizes this
 * project's sample-complexity bound, through its coverage constant: the largest over prompts of
 * the global coverage of the escort for reverse KL, of the mixture for forward KL).
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class WeightSelection {

  private WeightSelection() {}

  /**
   * What the selection needs.
   *
   * @param divergence the DPO divergence
   * @param beta the DPO strength
   * @param loss the DPO loss
   * @param l2 the ridge of every fit (a split leaves candidates without pairs, so it must be > 0)
   * @param gridDivisions the simplex grid's steps per unit
   * @param validationFraction the share of prompts held out, in (0, 1)
   * @param rMax the rewards' range for the bound scheme's coverage
   * @param bandit the Adam settings of the Thompson-sampling scheme
   * @param optimizer the L-BFGS of every fit
   * @param policy the policy class for the train pairs ({@code PolicyClass::tabular}, or a
   *     log-linear class over features)
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Settings(Divergence divergence, double beta, DpoLoss loss, double l2,
      int gridDivisions, double validationFraction, double rMax, DpoTrainer.Adam bandit,
      Lbfgs optimizer, java.util.function.Function<DpoData, PolicyClass> policy) {
    public Settings {
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(divergence, "divergence");
      Objects.requireNonNull(loss, "loss");
      if (!(l2 > 0 && l2 < Double.POSITIVE_INFINITY)) {
        throw new IllegalArgumentException("l2 must be finite and > 0 (a split leaves candidates"
            + " in no train pair), got " + l2);
      }
      if (gridDivisions < 1) {
        throw new IllegalArgumentException("grid divisions must be >= 1, got " + gridDivisions);
      }
      if (!(validationFraction > 0 && validationFraction < 1)) {
        throw new IllegalArgumentException("the validation fraction must be in (0, 1), got "
            + validationFraction);
      }
      if (!(rMax > 0 && rMax < Double.POSITIVE_INFINITY)) {
        throw new IllegalArgumentException("r_max must be finite and > 0, got " + rMax);
      }
    }
  }

  /**
   * One scheme's weights and how its trained policy does.
   *
   * @param scheme the scheme
   * @param weights alpha; null for per-pair weights
   * @param heldOutLogLikelihood the mean Bradley-Terry log-likelihood of the held-out pairs under
   *     the policy's implicit reward ({@code log sigmoid(z)} of the DPO logit)
   * @param heldOutAccuracy the share of held-out pairs with {@code z > 0}
   * @param trainAccuracy the same on the train pairs (against the held-out one, a sign of a label
   *     leak or of overfitting)
   * @param policy the trained policy's log-probabilities per prompt
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Evaluated(String scheme, double[] weights, double heldOutLogLikelihood,
      double heldOutAccuracy, double trainAccuracy, double[][] policy) {}

  /** The train and validation pairs. */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Split(DpoData train, DpoData validation) {}

  /**
   * Splits the pairs by prompt: each prompt with pairs goes to validation with probability
   * {@code fraction}, drawn from {@code random}; both sides keep at least one prompt. A tabular
   * policy knows nothing of a prompt it was not trained on, so for it {@link #splitPairs} is the
   * split that measures something.
   */
  public static Split split(DpoData data, double fraction, RandomGenerator random) {
    boolean[] held = new boolean[data.prompts()];
    boolean[] hasPairs = new boolean[data.prompts()];
    for (int p = 0; p < data.pairs(); p++) {
      hasPairs[data.pairPrompt(p)] = true;
    }
    int withPairs = 0;
    int heldCount = 0;
    int firstHeld = -1;
    int firstKept = -1;
    for (int x = 0; x < data.prompts(); x++) {
      if (hasPairs[x]) {
        withPairs++;
        held[x] = random.nextDouble() < fraction;
        heldCount += held[x] ? 1 : 0;
        firstHeld = held[x] && firstHeld < 0 ? x : firstHeld;
        firstKept = !held[x] && firstKept < 0 ? x : firstKept;
      }
    }
    if (withPairs < 2) {
      throw new IllegalArgumentException("a train/validation split by prompt needs pairs of at"
          + " least 2 prompts, got " + withPairs);
    }
    if (heldCount == 0) {
      held[firstKept] = true;
    } else if (heldCount == withPairs) {
      held[firstHeld] = false;
    }
    List<Integer> train = new ArrayList<>();
    List<Integer> validation = new ArrayList<>();
    for (int p = 0; p < data.pairs(); p++) {
      (held[data.pairPrompt(p)] ? validation : train).add(p);
    }
    return new Split(data.subset(train.stream().mapToInt(i -> i).toArray()),
        data.subset(validation.stream().mapToInt(i -> i).toArray()));
  }

  /**
   * Splits the pairs themselves: each pair goes to validation with probability {@code
   * fraction}; both sides keep at least one pair.
   */
  public static Split splitPairs(DpoData data, double fraction, RandomGenerator random) {
    if (data.pairs() < 2) {
      throw new IllegalArgumentException("a train/validation split needs at least 2 pairs");
    }
    List<Integer> train = new ArrayList<>();
    List<Integer> validation = new ArrayList<>();
    for (int p = 0; p < data.pairs(); p++) {
      (random.nextDouble() < fraction ? validation : train).add(p);
    }
    if (validation.isEmpty()) {
      validation.add(train.remove(train.size() - 1));
    } else if (train.isEmpty()) {
      train.add(validation.remove(validation.size() - 1));
    }
    return new Split(data.subset(train.stream().mapToInt(i -> i).toArray()),
        data.subset(validation.stream().mapToInt(i -> i).toArray()));
  }

  /** Every scheme on one split. */
  public static List<Evaluated> run(Split split, Settings s, RandomGenerator random) {
    int k = split.train().references();
    List<Evaluated> out = new ArrayList<>();
    double[] accuracy = new double[k];
    double[] margin = new double[k];
    vertices(split, s, out, accuracy, margin);
    if (k <= 4) {
      for (double[] alpha : grid(k, s.gridDivisions())) {
        if (Arrays.stream(alpha).filter(a -> a == 1).count() == 0) { // vertices are above
          out.add(evaluate("grid", alpha, split, s));
        }
      }
    }
    out.add(evaluate("mrpo-adaptive", null, split, s));
    out.add(evaluate("validation-accuracy", proportional(accuracy, 0.5), split, s));
    out.add(evaluate("validation-margin", proportional(margin, 0), split, s));
    out.add(evaluate("thompson", thompson(split.train(), s, random), split, s));
    out.add(evaluate("bound", boundMinimizing(split.train(), s), split, s));
    return out;
  }

  /**
   * The weights one data-dependent scheme chooses on a split: {@code validation-accuracy}, {@code
   * validation-margin}, {@code thompson} or {@code bound}, as {@link #run} chooses them.
   */
  public static double[] choose(String scheme, Split split, Settings s,
      RandomGenerator random) {
    int k = split.train().references();
    switch (scheme) {
      case "thompson":
        return thompson(split.train(), s, random);
      case "bound":
        return boundMinimizing(split.train(), s);
      case "validation-accuracy":
      case "validation-margin": {
        double[] accuracy = new double[k];
        double[] margin = new double[k];
        vertices(split, s, new ArrayList<>(), accuracy, margin);
        return scheme.equals("validation-accuracy") ? proportional(accuracy, 0.5)
            : proportional(margin, 0);
      }
      default:
        throw new IllegalArgumentException("scheme '" + scheme + "' chooses no weights from"
            + " data; known: validation-accuracy, validation-margin, thompson, bound");
    }
  }

  /** Each reference alone: its evaluation into {@code out}, its held-out accuracy and margin. */
  private static void vertices(Split split, Settings s, List<Evaluated> out, double[] accuracy,
      double[] margin) {
    int k = split.train().references();
    for (int i = 0; i < k; i++) {
      double[] vertex = new double[k];
      vertex[i] = 1;
      Evaluated e = evaluate("vertex:" + (i + 1), vertex, split, s);
      out.add(e);
      accuracy[i] = e.heldOutAccuracy();
      margin[i] = meanLogit(split.validation(), e.policy(), scorer(s, vertex));
    }
  }

  /** The weights in proportion to {@code max(v_i - floor, 0)}; uniform when none is positive. */
  static double[] proportional(double[] v, double floor) {
    double[] a = new double[v.length];
    double sum = 0;
    for (int i = 0; i < v.length; i++) {
      a[i] = Math.max(v[i] - floor, 0);
      sum += a[i];
    }
    for (int i = 0; i < v.length; i++) {
      a[i] = sum > 0 ? a[i] / sum : 1.0 / v.length;
    }
    return a;
  }

  /** The simplex points with coordinates in steps of {@code 1/divisions}. */
  static List<double[]> grid(int k, int divisions) {
    List<double[]> out = new ArrayList<>();
    fill(new int[k], 0, divisions, divisions, out);
    return out;
  }

  private static void fill(int[] counts, int i, int left, int divisions, List<double[]> out) {
    if (i == counts.length - 1) {
      counts[i] = left;
      double[] a = new double[counts.length];
      for (int j = 0; j < counts.length; j++) {
        a[j] = (double) counts[j] / divisions;
      }
      out.add(a);
      return;
    }
    for (int c = left; c >= 0; c--) {
      counts[i] = c;
      fill(counts, i + 1, left - c, divisions, out);
    }
  }

  private static MultiReferenceDpo scorer(Settings s, double[] alpha) {
    return MultiReferenceDpo.of(s.divergence(), s.beta(), s.loss(), alpha == null
        ? ReferenceWeighting.adaptive() : ReferenceWeighting.fixed(alpha));
  }

  /** Trains a tabular policy on the train pairs with these weights and scores it. */
  static Evaluated evaluate(String scheme, double[] alpha, Split split, Settings s) {
    MultiReferenceDpo scorer = scorer(s, alpha);
    DpoTrainer.Trained t = DpoTrainer.lbfgs(split.train(), s.policy().apply(split.train()),
        scorer, s.l2(), s.optimizer());
    double[][] policy = t.logProbs();
    double[] held = score(split.validation(), policy, scorer);
    double[] train = score(split.train(), policy, scorer);
    return new Evaluated(scheme, alpha == null ? null : alpha.clone(), held[0], held[1],
        train[1], policy);
  }

  /** The mean {@code log sigmoid(z)} and the share of {@code z > 0} over the data's pairs. */
  static double[] score(DpoData data, double[][] policy, MultiReferenceDpo scorer) {
    double ll = 0;
    int right = 0;
    for (int p = 0; p < data.pairs(); p++) {
      double z = logit(data, policy, scorer, p);
      ll += -LogMath.log1pExp(-z);
      right += z > 0 ? 1 : 0;
    }
    return new double[] {ll / data.pairs(), (double) right / data.pairs()};
  }

  private static double meanLogit(DpoData data, double[][] policy, MultiReferenceDpo scorer) {
    double sum = 0;
    for (int p = 0; p < data.pairs(); p++) {
      sum += logit(data, policy, scorer, p);
    }
    return sum / data.pairs();
  }

  /** The DPO logit of pair p: the implicit reward of its chosen response minus its rejected's. */
  private static double logit(DpoData data, double[][] policy, MultiReferenceDpo scorer, int p) {
    int x = data.pairPrompt(p);
    int w = data.chosen(p);
    int l = data.rejected(p);
    int k = data.references();
    double[] rw = new double[k];
    double[] rl = new double[k];
    for (int i = 0; i < k; i++) {
      rw[i] = data.refLogProb(w, i);
      rl[i] = data.refLogProb(l, i);
    }
    PairScore score = scorer.score(policy[x][w - data.offset(x)], policy[x][l - data.offset(x)],
        rw, rl);
    return score.logit();
  }

  /**
   * Thompson sampling over the references during Adam training on the train pairs: each step
   * draws {@code theta_i ~ Beta(1 + wins_i, 1 + losses_i)}, steps with the reference of the
   * largest draw alone, and counts, after the step, the batch's pairs whose DPO logit under that
   * reference is positive as its wins. The weights are how often each was pulled.
   */
  static double[] thompson(DpoData train, Settings s, RandomGenerator random) {
    int k = train.references();
    MultiReferenceDpo[] arms = new MultiReferenceDpo[k];
    for (int i = 0; i < k; i++) {
      double[] vertex = new double[k];
      vertex[i] = 1;
      arms[i] = scorer(s, vertex);
    }
    double[] wins = new double[k];
    double[] losses = new double[k];
    int[] pulls = new int[k];
    int[] chosenArm = new int[1];
    double[] uniform = new double[k];
    Arrays.fill(uniform, 1.0 / k);
    DpoTrainer.adam(train, s.policy().apply(train), step -> {
      int best = 0;
      double top = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < k; i++) {
        double draw = beta(1 + wins[i], 1 + losses[i], random);
        if (draw > top) {
          top = draw;
          best = i;
        }
      }
      chosenArm[0] = best;
      pulls[best]++;
      return arms[best];
    }, (step, scorer, logPi, order, from, to) -> {
      int arm = chosenArm[0];
      double[] rw = new double[k];
      double[] rl = new double[k];
      for (int q = from; q < to; q++) {
        int p = order[q];
        for (int i = 0; i < k; i++) {
          rw[i] = train.refLogProb(train.chosen(p), i);
          rl[i] = train.refLogProb(train.rejected(p), i);
        }
        double z = scorer.score(logPi[train.chosen(p)], logPi[train.rejected(p)], rw, rl)
            .logit();
        if (z > 0) {
          wins[arm]++;
        } else {
          losses[arm]++;
        }
      }
    }, scorer(s, uniform), s.l2(), s.bandit(), random, null);
    int total = Arrays.stream(pulls).sum();
    double[] alpha = new double[k];
    for (int i = 0; i < k; i++) {
      alpha[i] = (double) pulls[i] / total;
    }
    return alpha;
  }

  /** A Beta(a, b) draw as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b) (Marsaglia-Tsang). */
  static double beta(double a, double b, RandomGenerator random) {
    double x = gamma(a, random);
    double y = gamma(b, random);
    return x / (x + y);
  }

  private static double gamma(double shape, RandomGenerator random) {
    if (shape < 1) {
      return gamma(shape + 1, random) * Math.pow(random.nextDouble(), 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double z = random.nextGaussian();
      double v = 1 + c * z;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = random.nextDouble();
      if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }

  /**
   * The grid point whose coverage constant, and so whose sample-complexity bound, is smallest:
   * the largest over the train prompts of the global coverage of the escort (reverse KL) or of
   * the mixture (otherwise) at {@code r_max} and beta.
   */
  static double[] boundMinimizing(DpoData train, Settings s) {
    int k = train.references();
    boolean reverse = s.divergence().powerForm().map(f -> f.exponent() == 0.0).orElse(false);
    double[] best = null;
    double bestC = Double.POSITIVE_INFINITY;
    for (double[] alpha : grid(k, s.gridDivisions())) {
      double worst = Double.NEGATIVE_INFINITY;
      for (int x = 0; x < train.prompts(); x++) {
        int n = train.candidates(x);
        double[] combined = new double[n];
        double[] terms = new double[k];
        for (int j = 0; j < n; j++) {
          int row = train.offset(x) + j;
          double e = 0;
          for (int i = 0; i < k; i++) {
            e += alpha[i] > 0 ? alpha[i] * train.refLogProb(row, i) : 0;
            terms[i] = alpha[i] > 0 ? Math.log(alpha[i]) + train.refLogProb(row, i)
                : Double.NEGATIVE_INFINITY;
          }
          combined[j] = reverse ? e : LogMath.logSumExp(terms);
        }
        LogDistribution d = LogDistribution.normalize(combined);
        worst = Math.max(worst, reverse ? Coverage.logGlobalReverseKl(d, s.rMax(), s.beta())
            : Coverage.logGlobalForwardKl(d, s.rMax(), s.beta()));
      }
      if (worst < bestC) {
        bestC = worst;
        best = alpha;
      }
    }
    return best;
  }
}

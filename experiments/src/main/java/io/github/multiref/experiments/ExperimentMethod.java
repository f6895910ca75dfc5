package io.github.multiref.experiments;

import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.Stability;
import io.github.multiref.bounds.Bounds;
import io.github.multiref.divergences.ForwardKl;
import io.github.multiref.divergences.ReverseKl;
import io.github.multiref.rewards.Lbfgs;
import io.github.multiref.rewards.PreferenceData;
import io.github.multiref.rewards.SamplingPolicy;
import io.github.multiref.rewards.SyntheticBandit;
import io.github.multiref.solvers.ForwardKlSolver;
import io.github.multiref.solvers.MrpoSolver;
import io.github.multiref.solvers.ReverseKlSolver;
import io.github.multiref.solvers.dpo.DpoLosses;
import io.github.multiref.solvers.dpo.MultiReferenceDpo;
import io.github.multiref.solvers.dpo.ReferenceWeighting;
import io.github.multiref.training.DpoData;
import io.github.multiref.training.DpoTrainer;
import io.github.multiref.training.PolicyClass;
import io.github.multiref.training.WeightSelection;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The methods an experiment can compare, by the labels a config and the reports use: the exact
 * {@code rkl} and {@code fkl}, the {@code mrpo} surrogate, and {@code dpo:SCHEME}, a tabular
 * policy trained by multi-reference reverse-KL DPO on the trial's own pairs with the weights a
 * scheme of {@link WeightSelection} chooses ({@code dpo:config} for the config's alpha, {@code
 * dpo:vertex:I}, {@code dpo:mrpo-adaptive}, {@code dpo:validation-accuracy}, {@code
 * dpo:validation-margin}, {@code dpo:thompson}, {@code dpo:bound}), judged like the others by the
 * exact reverse-KL objective at the config's alpha. Immutable; two methods are equal when their
 * labels are.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class ExperimentMethod {
  /** Exact reverse KL. */
  public static final ExperimentMethod RKL = new ExperimentMethod("rkl", null);
  /** Exact forward KL. */
  public static final ExperimentMethod FKL = new ExperimentMethod("fkl", null);
  /** The MRPO surrogate's policy, judged by the exact reverse-KL objective and its bounds. */
  public static final ExperimentMethod MRPO = new ExperimentMethod("mrpo", null);

  /** The weighting schemes a {@code dpo:} method takes. */
  public static final List<String> DPO_SCHEMES = List.of("config", "vertex:I", "mrpo-adaptive",
      "validation-accuracy", "validation-margin", "thompson", "bound");

  /** The gap names the reports use. */
  public static final String SUB_OPTIMALITY = "sub-optimality";
  public static final String OPTIMALITY_GAP = "optimality gap";

  private static final List<ExperimentMethod> BUILT_IN = List.of(RKL, FKL, MRPO);

  private final String label;
  private final String scheme; // for dpo: methods, else null

  private ExperimentMethod(String label, String scheme) {
    this.label = label;
    this.scheme = scheme;
  }

  /** The label: {@code rkl}, {@code fkl}, {@code mrpo} or {@code dpo:SCHEME}. */
  public String label() {
    return label;
  }

  /** Every label: the three built-in methods, then the {@code dpo:} form. */
  public static List<String> labels() {
    List<String> out = new ArrayList<>(BUILT_IN.stream().map(ExperimentMethod::label).toList());
    out.add("dpo:SCHEME (SCHEME one of " + DPO_SCHEMES + ")");
    return out;
  }

  /**
   * The method with this label.
   *
   * @throws IllegalArgumentException naming the label and the known ones
   */
  public static ExperimentMethod parse(String label) {
    for (ExperimentMethod m : BUILT_IN) {
      if (m.label.equals(label)) {
        return m;
      }
    }
    if (label.startsWith("dpo:")) {
      String scheme = label.substring(4);
      boolean vertex = scheme.matches("vertex:[1-9][0-9]*");
      if (vertex || DPO_SCHEMES.contains(scheme) && !scheme.equals("vertex:I")) {
        return new ExperimentMethod(label, scheme);
      }
    }
    throw new IllegalArgumentException("methods: unknown method '" + label + "'; known: "
        + labels());
  }

  /** The divergence, solvers and bounds a trial runs this method with. */
  public Trial.Method trial() {
    if (this == RKL) {
      return new Trial.Method(label, ReverseKl.INSTANCE, ReverseKlSolver.INSTANCE,
          ReverseKlSolver.INSTANCE, Bounds.RKL_SUBOPTIMALITY, Bounds.RKL_OPTIMALITY_GAP);
    }
    if (this == FKL) {
      return new Trial.Method(label, ForwardKl.INSTANCE, ForwardKlSolver.DEFAULT,
          ForwardKlSolver.DEFAULT, Bounds.FKL_SUBOPTIMALITY, Bounds.FKL_OPTIMALITY_GAP);
    }
    if (this == MRPO) {
      return new Trial.Method(label, ReverseKl.INSTANCE, ReverseKlSolver.INSTANCE,
          MrpoSolver.INSTANCE, Bounds.RKL_SUBOPTIMALITY, Bounds.RKL_OPTIMALITY_GAP);
    }
    return new Trial.Method(label, ReverseKl.INSTANCE, ReverseKlSolver.INSTANCE,
        ReverseKlSolver.INSTANCE, Bounds.RKL_SUBOPTIMALITY, Bounds.RKL_OPTIMALITY_GAP,
        this::trainDpo);
  }

  /** The ridge of the DPO fits (small data leaves candidates in no pair). */
  static final double DPO_L2 = 1e-4;

  /**
   * The DPO policy of this method's scheme on a trial's pairs: the weights from the scheme
   * (schemes that need held-out pairs split them 80/20, seeded), then a tabular policy trained
   * on every pair with them.
   */
  private List<LogDistribution> trainDpo(PreferenceData data, SyntheticBandit bandit,
      double beta, double[] configAlpha, long seed) {
    int prompts = bandit.prompts();
    double[][][] refs = new double[prompts][][];
    for (int x = 0; x < prompts; x++) {
      int k = bandit.references(x).size();
      refs[x] = new double[k][];
      for (int i = 0; i < k; i++) {
        refs[x][i] = bandit.references(x).reference(i).logProbs();
      }
    }
    List<int[]> pairs = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      for (int a = 0; a < data.rankingLength(i); a++) {
        for (int b = a + 1; b < data.rankingLength(i); b++) {
          pairs.add(new int[] {data.prompt(i), data.ranked(i, a), data.ranked(i, b)});
        }
      }
    }
    DpoData all = DpoData.of(refs, pairs.toArray(new int[0][]));
    Lbfgs lbfgs = Lbfgs.of(1e-9, 10_000, 20);
    WeightSelection.Settings settings = new WeightSelection.Settings(ReverseKl.INSTANCE, beta,
        DpoLosses.SIGMOID, DPO_L2, 4, 0.2, bandit.rMax(), new DpoTrainer.Adam(0.05, 64, 3),
        lbfgs, PolicyClass::tabular);
    SplittableRandom rng = new SplittableRandom(seed ^ 0x6A09E667F3BCC909L);
    double[] alpha = weights(all, configAlpha, settings, rng);
    MultiReferenceDpo scorer = MultiReferenceDpo.of(ReverseKl.INSTANCE, beta, DpoLosses.SIGMOID,
        alpha == null ? ReferenceWeighting.adaptive() : ReferenceWeighting.fixed(alpha));
    DpoTrainer.Trained t = DpoTrainer.lbfgs(all, PolicyClass.tabular(all), scorer, DPO_L2, lbfgs);
    List<LogDistribution> out = new ArrayList<>();
    for (double[] lp : t.logProbs()) {
      out.add(LogDistribution.normalize(lp));
    }
    return out;
  }

  /** The scheme's weights; null for per-pair weights. */
  private double[] weights(DpoData all, double[] configAlpha, WeightSelection.Settings s,
      SplittableRandom rng) {
    int k = all.references();
    if (scheme.equals("config")) {
      return configAlpha.clone();
    }
    if (scheme.startsWith("vertex:")) {
      int i = Integer.parseInt(scheme.substring(7)) - 1;
      if (i >= k) {
        throw new IllegalArgumentException("methods: " + label + " names reference " + (i + 1)
            + " but the bandit has " + k);
      }
      double[] v = new double[k];
      v[i] = 1;
      return v;
    }
    if (scheme.equals("mrpo-adaptive")) {
      return null;
    }
    return WeightSelection.choose(scheme, WeightSelection.splitPairs(all, 0.2, rng), s, rng);
  }

  /**
   * The policy this method's preference data is sampled from unless a config says otherwise: the
   * reference its analysis assumes (Sections 5 and 6), the escort for reverse KL, MRPO and DPO,
   * the mixture for forward KL.
   */
  public SamplingPolicy defaultSampling() {
    return this == FKL ? SamplingPolicy.mixture() : SamplingPolicy.escort();
  }

  /**
   * The paper's claimed exponent of a gap's rate in n (docs/math.md#rates); NaN for the MRPO
   * surrogate and for DPO with a scheme's weights, for which no rate is claimed.
   *
   * @param gap {@link #SUB_OPTIMALITY} or {@link #OPTIMALITY_GAP}
   */
  public double claimedExponent(String gap) {
    if (this != RKL && this != FKL) {
      return Double.NaN;
    }
    if (gap.equals(SUB_OPTIMALITY)) {
      return this == FKL ? -0.5 : -1.0;
    }
    return -0.5;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExperimentMethod m && m.label.equals(label);
  }

  @Override
  public int hashCode() {
    return Objects.hash(label);
  }

  @Override
  public String toString() {
    return label;
  }
}

package io.github.multiref.experiments;

import io.github.multiref.rewards.SamplingPolicy;
import io.github.multiref.api.Stability;
import io.github.multiref.bounds.Bounds;
import io.github.multiref.divergences.ForwardKl;
import io.github.multiref.divergences.ReverseKl;
import io.github.multiref.solvers.ForwardKlSolver;
import io.github.multiref.solvers.MrpoSolver;
import io.github.multiref.solvers.ReverseKlSolver;
import java.util.Arrays;
import java.util.List;

/** The methods an experiment can compare, by the labels a config and the reports use. */
@Stability(Stability.Status.EXPERIMENTAL)
public enum ExperimentMethod {
  /** Exact reverse KL. */
  RKL("rkl"),
  /** Exact forward KL. */
  FKL("fkl"),
  /** The MRPO surrogate's policy, judged by the exact reverse-KL objective and its bounds. */
  MRPO("mrpo");

  /** The gap names the reports use. */
  public static final String SUB_OPTIMALITY = "sub-optimality";
  public static final String OPTIMALITY_GAP = "optimality gap";

  private final String label;

  ExperimentMethod(String label) {
    this.label = label;
  }

  /** The label: {@code rkl}, {@code fkl} or {@code mrpo}. */
  public String label() {
    return label;
  }

  /** Every label, in declaration order. */
  public static List<String> labels() {
    return Arrays.stream(values()).map(ExperimentMethod::label).toList();
  }

  /**
   * The method with this label.
   *
   * @throws IllegalArgumentException naming the label and the known ones
   */
  public static ExperimentMethod parse(String label) {
    for (ExperimentMethod m : values()) {
      if (m.label.equals(label)) {
        return m;
      }
    }
    throw new IllegalArgumentException("methods: unknown method '" + label + "'; known: "
        + labels());
  }

  /** The divergence, solvers and bounds a trial runs this method with. */
  public Trial.Method trial() {
    return switch (this) {
      case RKL -> new Trial.Method(label, ReverseKl.INSTANCE, ReverseKlSolver.INSTANCE,
          ReverseKlSolver.INSTANCE, Bounds.RKL_SUBOPTIMALITY, Bounds.RKL_OPTIMALITY_GAP);
      case FKL -> new Trial.Method(label, ForwardKl.INSTANCE, ForwardKlSolver.DEFAULT,
          ForwardKlSolver.DEFAULT, Bounds.FKL_SUBOPTIMALITY, Bounds.FKL_OPTIMALITY_GAP);
      case MRPO -> new Trial.Method(label, ReverseKl.INSTANCE, ReverseKlSolver.INSTANCE,
          MrpoSolver.INSTANCE, Bounds.RKL_SUBOPTIMALITY, Bounds.RKL_OPTIMALITY_GAP);
    };
  }

  /**
   * The policy this method's preference data is sampled from unless a config says otherwise: the
   * reference its analysis assumes (Sections 5 and 6), the escort for reverse KL and MRPO, the
   * mixture for forward KL.
   */
  public SamplingPolicy defaultSampling() {
    return this == FKL ? SamplingPolicy.mixture() : SamplingPolicy.escort();
  }

  /**
   * The paper's claimed exponent of a gap's rate in n (docs/math.md#rates); NaN for the MRPO
   * surrogate, for which no rate is claimed (its gap tends to the surrogate's own bias).
   *
   * @param gap {@link #SUB_OPTIMALITY} or {@link #OPTIMALITY_GAP}
   */
  public double claimedExponent(String gap) {
    if (this == MRPO) {
      return Double.NaN;
    }
    if (gap.equals(SUB_OPTIMALITY)) {
      return this == FKL ? -0.5 : -1.0;
    }
    return -0.5;
  }

  @Override
  public String toString() {
    return label;
  }
}

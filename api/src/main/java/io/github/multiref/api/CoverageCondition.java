package io.github.multiref.api;

import java.util.Locale;

/**
 * A coverage condition of the paper (Assumptions 4.3-4.5): the set of policies over which the
 * coverage constant {@code C = sup pi(y|x) / pi_ref(y|x)} is taken.
 *
 * @param kind which set
 * @param epsilon the ball's radius for the two local conditions, {@code >= 0} and finite; 0 for
 *     global coverage (which has none)
 */
@Stability(Stability.Status.EXPERIMENTAL)
public record CoverageCondition(Kind kind, double epsilon) {

  /** The three sets of policies. */
  @Stability(Stability.Status.EXPERIMENTAL)
  public enum Kind {
    /**
     * Assumption 4.3, over the optimal policies of the bound's problem for every reward with
     * values in {@code [0, R_max]}.
     */
    GLOBAL,
    /** Assumption 4.4, over the policies with {@code KL(pi || pi_ref) <= epsilon}. */
    REVERSE_KL_BALL,
    /** Assumption 4.5, over the policies with {@code KL(pi_ref || pi) <= epsilon}. */
    FORWARD_KL_BALL;

    /** The kind's name as users type it: {@code global}, {@code reverse-kl-ball}, ... */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The kind with this {@link #label()}.
     *
     * @throws IllegalArgumentException naming the labels there are
     */
    public static Kind ofLabel(String label) {
      for (Kind k : values()) {
        if (k.label().equals(label)) {
          return k;
        }
      }
      throw new IllegalArgumentException("no coverage condition '" + label + "'; expected one of"
          + " global, reverse-kl-ball, forward-kl-ball");
    }
  }

  /** Validates the radius against the kind. */
  public CoverageCondition {
    if (kind == null) {
      throw new IllegalArgumentException("kind must not be null");
    }
    if (kind == Kind.GLOBAL ? epsilon != 0.0
        : !(epsilon >= 0.0 && epsilon < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(kind == Kind.GLOBAL
          ? "global coverage has no radius, got epsilon = " + epsilon
          : "the KL ball's radius epsilon must be finite and >= 0, got " + epsilon);
    }
  }

  /** Global coverage (Assumption 4.3). */
  public static CoverageCondition global() {
    return new CoverageCondition(Kind.GLOBAL, 0.0);
  }

  /** {@code global}, or {@code reverse-kl-ball (epsilon = 0.1)}. */
  @Override
  public String toString() {
    return kind == Kind.GLOBAL ? kind.label()
        : kind.label() + " (epsilon = " + epsilon + ")";
  }
}

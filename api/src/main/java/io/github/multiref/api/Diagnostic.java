package io.github.multiref.api;

import java.util.regex.Pattern;

/**
 * A named quantity a solver reports beside its policy, the key of {@link
 * PolicySolution#diagnostics()}. The built-in solvers report the constants below; a plugin solver
 * reports the same constant where it computes the same quantity, and a {@code Diagnostic} of its
 * own otherwise. Two diagnostics are equal when their names are.
 *
 * @param name how the quantity is written in output files (a JSON key, a CSV column): a letter,
 *     then letters, digits or underscores
 * @param description what the quantity is, in one line
 */
@Stability(Stability.Status.STABLE)
public record Diagnostic(String name, String description) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

  /** {@code log Z}: the log-partition function of the tilted escort (reverse KL). */
  public static final Diagnostic LOG_PARTITION = new Diagnostic("logZ",
      "log Z, the log-partition function of the escort tilted by exp(r/beta)");

  /** {@code log F_alpha = log sum_y prod_i pi_i(y)^alpha_i <= 0}: the escort's normalizer. */
  public static final Diagnostic LOG_ESCORT_NORMALIZER = new Diagnostic("logF",
      "log F_alpha = log sum_y prod_i pi_i(y)^alpha_i, the normalizer of the escort");

  /**
   * The alpha-average of the single-reference optima, which bounds the multi-reference optimum
   * from above: Hoelder's inequality for reverse KL ({@code sum_i alpha_i beta log E_{pi_i}
   * exp(r/beta)}), the paper's Corollary C.1 for forward KL (the maximum of a sum is at most the
   * sum of the maxima). The name is kept from when reverse KL alone reported it.
   */
  public static final Diagnostic HOELDER_BOUND = new Diagnostic("upperBound",
      "sum_i alpha_i J_i*, the alpha-average of the single-reference optima: an upper bound on"
          + " the optimum (Hoelder for reverse KL, Corollary C.1 for forward KL)");

  /** {@code lambda}: the multiplier of the constraint {@code sum_y pi(y) = 1} (KKT). */
  public static final Diagnostic MULTIPLIER = new Diagnostic("lambda",
      "the multiplier of the constraint sum_y pi(y) = 1 in the KKT conditions");

  /** The exact optimum's objective, reported beside a surrogate's. */
  public static final Diagnostic EXACT_OBJECTIVE = new Diagnostic("exactObjective",
      "the objective of the exact optimum, beside a surrogate's");

  /** {@code exactObjective - objective >= 0}: what the exact optimum gains over a surrogate. */
  public static final Diagnostic SURROGATE_GAIN = new Diagnostic("gain",
      "exactObjective - objective >= 0, what the exact optimum gains over the surrogate");

  /**
   * Validates the name and the description.
   *
   * @throws IllegalArgumentException naming the field and its value
   */
  public Diagnostic {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("diagnostic name must be a letter followed by letters,"
          + " digits or underscores, got " + (name == null ? "null" : "'" + name + "'"));
    }
    if (description == null || description.isBlank()) {
      throw new IllegalArgumentException("diagnostic '" + name + "' needs a description");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Diagnostic other && name.equals(other.name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}

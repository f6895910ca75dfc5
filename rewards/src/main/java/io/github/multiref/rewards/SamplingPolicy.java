package io.github.multiref.rewards;

import io.github.multiref.api.Stability;

/**
 * Which policy preference data is sampled from: the generalized escort of the references, their
 * mixture, one reference, or uniform over the responses.
 *
 * @param kind {@code escort}, {@code mixture}, {@code reference} or {@code uniform}
 * @param reference the reference's index for {@code reference}, else -1
 */
@Stability(Stability.Status.EXPERIMENTAL)
public record SamplingPolicy(String kind, int reference) {

  /** Validates the kind and index. */
  public SamplingPolicy {
    if (!java.util.Set.of("escort", "mixture", "reference", "uniform").contains(kind)) {
      throw new IllegalArgumentException("sampling policy must be escort, mixture, reference:I"
          + " or uniform, got '" + kind + "'");
    }
    if (kind.equals("reference") != (reference >= 0)) {
      throw new IllegalArgumentException("a reference index goes with 'reference' only");
    }
  }

  public static SamplingPolicy escort() {
    return new SamplingPolicy("escort", -1);
  }

  public static SamplingPolicy mixture() {
    return new SamplingPolicy("mixture", -1);
  }

  public static SamplingPolicy uniform() {
    return new SamplingPolicy("uniform", -1);
  }

  public static SamplingPolicy reference(int i) {
    return new SamplingPolicy("reference", i);
  }

  /** Parses {@code escort}, {@code mixture}, {@code uniform} or {@code reference:I}. */
  public static SamplingPolicy parse(String text) {
    if (text.startsWith("reference:")) {
      try {
        return reference(Integer.parseInt(text.substring("reference:".length())));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("malformed sampling policy '" + text
            + "': expected reference:I with an integer I", e);
      }
    }
    return new SamplingPolicy(text, -1);
  }

  @Override
  public String toString() {
    return kind.equals("reference") ? "reference:" + reference : kind;
  }
}

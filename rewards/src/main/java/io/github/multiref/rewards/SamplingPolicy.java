package io.github.multiref.rewards;

import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.Stability;
import io.github.multiref.divergences.EscortCombiner;
import io.github.multiref.divergences.MixtureCombiner;

/**
 * Which policy preference data is sampled from: the generalized escort of the references, their
 * mixture, one reference, or uniform over the responses. A closed set: {@link #parse} reads the
 * text form ({@code escort}, {@code mixture}, {@code uniform}, {@code reference:I}) once, and
 * {@code toString} writes it back.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public sealed interface SamplingPolicy {

  /** This policy's distribution over the responses of a prompt with these references. */
  LogDistribution distribution(ReferenceSet references);

  /** The generalized escort of the references. */
  @Stability(Stability.Status.EXPERIMENTAL)
  record Escort() implements SamplingPolicy {
    @Override
    public LogDistribution distribution(ReferenceSet references) {
      return EscortCombiner.INSTANCE.combine(references).distribution();
    }

    @Override
    public String toString() {
      return "escort";
    }
  }

  /** The mixture of the references. */
  @Stability(Stability.Status.EXPERIMENTAL)
  record Mixture() implements SamplingPolicy {
    @Override
    public LogDistribution distribution(ReferenceSet references) {
      return MixtureCombiner.INSTANCE.combine(references).distribution();
    }

    @Override
    public String toString() {
      return "mixture";
    }
  }

  /** Uniform over the responses. */
  @Stability(Stability.Status.EXPERIMENTAL)
  record Uniform() implements SamplingPolicy {
    @Override
    public LogDistribution distribution(ReferenceSet references) {
      return LogDistribution.uniform(references.responses());
    }

    @Override
    public String toString() {
      return "uniform";
    }
  }

  /**
   * One reference.
   *
   * @param index the reference's index, from 0
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  record Reference(int index) implements SamplingPolicy {
    /** Validates the index. */
    public Reference {
      if (index < 0) {
        throw new IllegalArgumentException("a reference index is at least 0, got " + index);
      }
    }

    @Override
    public LogDistribution distribution(ReferenceSet references) {
      if (index >= references.size()) {
        throw new IllegalArgumentException("reference " + index
            + " does not exist: there are " + references.size());
      }
      return references.reference(index);
    }

    @Override
    public String toString() {
      return "reference:" + index;
    }
  }

  static SamplingPolicy escort() {
    return new Escort();
  }

  static SamplingPolicy mixture() {
    return new Mixture();
  }

  static SamplingPolicy uniform() {
    return new Uniform();
  }

  static SamplingPolicy reference(int i) {
    return new Reference(i);
  }

  /** Parses {@code escort}, {@code mixture}, {@code uniform} or {@code reference:I}. */
  static SamplingPolicy parse(String text) {
    if (text.startsWith("reference:")) {
      try {
        return reference(Integer.parseInt(text.substring("reference:".length())));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("malformed sampling policy '" + text
            + "': expected reference:I with an integer I", e);
      }
    }
    return switch (text) {
      case "escort" -> escort();
      case "mixture" -> mixture();
      case "uniform" -> uniform();
      default -> throw new IllegalArgumentException("sampling policy must be escort, mixture,"
          + " reference:I or uniform, got '" + text + "'");
    };
  }
}

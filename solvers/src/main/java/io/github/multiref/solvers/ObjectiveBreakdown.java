package io.github.multiref.solvers;

import io.github.multiref.api.Stability;
import java.util.Arrays;

/**
 * {@code J(pi) = E_pi r - beta * sum_i alpha_i D_f(pi||pi_i)}, term by term.
 *
 * @param value J itself
 * @param expectedReward {@code E_{y~pi} r(y)}
 * @param divergences {@code D_f(pi||pi_i)} for each reference i (possibly {@code +inf})
 * @param penalty {@code beta * sum_i alpha_i D_f(pi||pi_i)}, with zero weights contributing 0
 */
@Stability(Stability.Status.STABLE)
public record ObjectiveBreakdown(
    double value, double expectedReward, double[] divergences, double penalty) {

  public ObjectiveBreakdown {
    divergences = divergences.clone();
  }

  @Override
  public double[] divergences() {
    return divergences.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObjectiveBreakdown other
        && Double.compare(value, other.value) == 0
        && Double.compare(expectedReward, other.expectedReward) == 0
        && Double.compare(penalty, other.penalty) == 0
        && Arrays.equals(divergences, other.divergences);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(divergences) * 31 + Double.hashCode(value);
  }

  @Override
  public String toString() {
    return "ObjectiveBreakdown[value=" + value + ", expectedReward=" + expectedReward
        + ", divergences=" + Arrays.toString(divergences) + ", penalty=" + penalty + "]";
  }
}

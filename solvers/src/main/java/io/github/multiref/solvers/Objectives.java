package io.github.multiref.solvers;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Stability;

/**
 * Evaluates the multi-reference objective of any policy:
 * {@code J(pi) = E_{y~pi} r(y) - beta * sum_i alpha_i D_f(pi||pi_i)}.
 */
@Stability(Stability.Status.STABLE)
public final class Objectives {

  private Objectives() {}

  /**
   * J of {@code policy} for the problem's references, weights, rewards, beta and divergence.
   *
   * <p>A reference with zero weight contributes nothing to the penalty, even when its divergence
   * is infinite; J is {@code -inf} when a weighted divergence is infinite.
   *
   * @throws IllegalArgumentException if the policy's size differs from the problem's
   */
  public static ObjectiveBreakdown evaluate(LogDistribution policy, RegularizedProblem problem) {
    return evaluate(policy, problem, problem.divergence());
  }

  /** J of {@code policy} with another divergence than the problem's (e.g. MRPO's true objective). */
  public static ObjectiveBreakdown evaluate(
      LogDistribution policy, RegularizedProblem problem, Divergence divergence) {
    ReferenceSet refs = problem.references();
    if (policy.size() != refs.responses()) {
      throw new IllegalArgumentException("prompt '" + refs.prompt() + "': policy has "
          + policy.size() + " responses but the problem has " + refs.responses());
    }
    double expectedReward = policy.expectation(problem.rewards());
    double[] divergences = new double[refs.size()];
    double weighted = 0.0;
    for (int i = 0; i < refs.size(); i++) {
      divergences[i] = divergence.divergence(policy, refs.reference(i));
      if (refs.weight(i) > 0) {
        weighted += refs.weight(i) * divergences[i];
      }
    }
    double penalty = problem.beta() * weighted;
    return new ObjectiveBreakdown(expectedReward - penalty, expectedReward, divergences, penalty);
  }
}

package io.github.multiref.bounds;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Solver;
import io.github.multiref.api.Stability;
import io.github.multiref.divergences.ReverseKl;
import io.github.multiref.solvers.Objectives;
import io.github.multiref.solvers.ReverseKlSolver;
import java.util.ArrayList;
import java.util.List;

/**
 * The exact gaps of a learned reward (docs/math.md#gaps), averaged over prompts with weights rho:
 * <ul>
 *   <li>sub-optimality {@code J(pi_{r*}; r*) - J(pi_{r_hat}; r*)};
 *   <li>optimality gap {@code J(pi_{r*}; r*) - J(pi_{r_hat}; r_hat)} (the learned reward centered).
 * </ul>
 * J is the multi-reference objective of the problem's divergence; {@code pi_r} is what {@code
 * policySolver} returns for reward r (the exact solver, or a surrogate such as MRPO, whose policy
 * is then judged by the exact objective), and {@code pi_{r*}} what {@code optimalSolver} returns.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class Gaps {

  private Gaps() {}

  /**
   * The two gaps.
   *
   * @param subOptimality {@code J(pi_{r*}; r*) - J(pi_{r_hat}; r*)}
   * @param optimalityGap {@code J(pi_{r*}; r*) - J(pi_{r_hat}; r_hat)}
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Result(double subOptimality, double optimalityGap) {}

  /** The gaps for learned reward {@code learned} against {@code truth}. */
  public static Result of(List<ReferenceSet> references, double[] rho, double[][] truth,
      double[][] learned, double beta, Divergence divergence, Solver optimalSolver,
      Solver policySolver) {
    List<LogDistribution> chosen = new java.util.ArrayList<>();
    for (int x = 0; x < references.size(); x++) {
      chosen.add(rho[x] == 0 ? null : policySolver.solve(RegularizedProblem.of(
          references.get(x), learned[x], beta, divergence)).policy());
    }
    return ofPolicies(references, rho, truth, learned, beta, divergence, optimalSolver, chosen);
  }

  /**
   * The two gaps of given deployed policies (one per prompt, trained rather than solved, such as
   * a DPO policy), against the optimum for the true reward: {@code J(pi_{r*}; r*) - J(pi; r*)}
   * and {@code J(pi_{r*}; r*) - J(pi; r_hat)}.
   */
  public static Result ofPolicies(List<ReferenceSet> references, double[] rho,
      double[][] truth, double[][] learned, double beta, Divergence divergence,
      Solver optimalSolver, List<LogDistribution> deployed) {
    double sub = 0;
    double opt = 0;
    for (int x = 0; x < references.size(); x++) {
      if (rho[x] == 0) {
        continue;
      }
      RegularizedProblem atTruth = RegularizedProblem.of(references.get(x), truth[x], beta,
          divergence);
      RegularizedProblem atLearned = RegularizedProblem.of(references.get(x), learned[x], beta,
          divergence);
      double optimum = Objectives.evaluate(optimalSolver.solve(atTruth).policy(), atTruth)
          .value();
      sub += rho[x] * (optimum - Objectives.evaluate(deployed.get(x), atTruth).value());
      opt += rho[x] * (optimum - Objectives.evaluate(deployed.get(x), atLearned).value());
    }
    return new Result(sub, opt);
  }

  /**
   * The first-order (concavity) bound on the sub-optimality gap, Propositions 5.3 and 6.3:
   * {@code J(pi*; r*) - J(pi_hat; r*) <= sum_y (pi*(y) - pi_hat(y)) (r*(y) - r_hat(y))}, averaged
   * over prompts with weights rho, where {@code pi* = pi_{r*}} and {@code pi_hat = pi_{r_hat}} are
   * the exact optima (docs/math.md#first-order-bound). It holds for every f-divergence, since J is
   * concave in pi and its gradient at {@code pi_hat} is {@code r* - r_hat} plus a constant on
   * {@code pi_hat}'s support (and at most that off it); it needs exact optima, so {@code solver}
   * must be exact (not a surrogate such as MRPO). For reverse KL it equals {@code beta
   * (KL(pi_hat||pi*) + KL(pi*||pi_hat))}: twice the gap to second order.
   */
  public static double firstOrderBound(List<ReferenceSet> references, double[] rho,
      double[][] truth, double[][] learned, double beta, Divergence divergence, Solver solver) {
    double bound = 0;
    for (int x = 0; x < references.size(); x++) {
      if (rho[x] == 0) {
        continue;
      }
      LogDistribution best = solver.solve(RegularizedProblem.of(references.get(x), truth[x],
          beta, divergence)).policy();
      LogDistribution chosen = solver.solve(RegularizedProblem.of(references.get(x), learned[x],
          beta, divergence)).policy();
      double sum = 0;
      for (int y = 0; y < best.size(); y++) {
        double diff = best.prob(y) - chosen.prob(y);
        if (diff != 0) {
          sum += diff * (truth[x][y] - learned[x][y]);
        }
      }
      bound += rho[x] * sum;
    }
    return bound;
  }

  /**
   * The multi-reference reverse-KL solution against one reference's problem (the paper's
   * Appendix B, eqs. (61)-(62), whose statement the text lost; the quantities and bounds here
   * are derived in docs/math.md#against-each-reference).
   *
   * @param reference i, the reference compared with
   * @param objectiveDifference {@code J_alpha(pi*) - J_i(pi*)} at the multi-reference optimum
   *     {@code pi*}: {@code beta sum_j alpha_j E_pi*[log pi_j - log pi_i]}
   * @param objectiveBound {@code beta sum_j alpha_j max_{y in supp pi*} |log pi_j(y) - log
   *     pi_i(y)|}, which bounds |objectiveDifference|
   * @param optimumDifference {@code J_alpha* - J_i*}, the two problems' optimal values; by
   *     Hoelder (eqs. (46)-(48)) their alpha-average over i is at most 0
   * @param rewardDifference {@code E_pi*[r] - E_{pi_i*}[r]}, the expected rewards of the two
   *     optima
   * @param rewardBound {@code (max r - min r) sqrt(KL(pi* || pi_i*) / 2)} (Pinsker), which
   *     bounds |rewardDifference|
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record AgainstReference(int reference, double objectiveDifference,
      double objectiveBound, double optimumDifference, double rewardDifference,
      double rewardBound) {}

  /**
   * For each reference i, the exact reverse-KL optimum of the K-reference problem against the
   * single-reference problem of reference i, with the same reward and beta. The objectives are
   * evaluated from their definitions ({@link Objectives#evaluate}).
   */
  public static List<AgainstReference> againstEachReference(ReferenceSet references,
      double[] reward, double beta) {
    RegularizedProblem multi = RegularizedProblem.of(references, reward, beta,
        ReverseKl.INSTANCE);
    var solution = ReverseKlSolver.INSTANCE.solve(multi);
    LogDistribution pi = solution.policy();
    double rMin = Double.POSITIVE_INFINITY;
    double rMax = Double.NEGATIVE_INFINITY;
    for (int y = 0; y < reward.length; y++) {
      rMin = Math.min(rMin, reward[y]);
      rMax = Math.max(rMax, reward[y]);
    }
    double expected = pi.expectation(reward);
    List<AgainstReference> out = new ArrayList<>(references.size());
    for (int i = 0; i < references.size(); i++) {
      LogDistribution ref = references.reference(i);
      RegularizedProblem single = RegularizedProblem.of(ReferenceSet.of(references.prompt(),
          List.of(ref), 1.0), reward, beta, ReverseKl.INSTANCE);
      var alone = ReverseKlSolver.INSTANCE.solve(single);
      double bound = 0;
      for (int j = 0; j < references.size(); j++) {
        double alpha = references.weight(j);
        if (alpha == 0) {
          continue;
        }
        double largest = 0;
        for (int y = 0; y < pi.size(); y++) {
          if (pi.inSupport(y)) {
            largest = Math.max(largest,
                Math.abs(references.reference(j).logProb(y) - ref.logProb(y)));
          }
        }
        bound += alpha * largest;
      }
      double kl = ReverseKl.INSTANCE.divergence(pi, alone.policy()); // KL(pi* || pi_i*)
      out.add(new AgainstReference(i, Objectives.evaluate(pi, multi).value()
          - Objectives.evaluate(pi, single).value(), beta * bound,
          solution.objective() - alone.objective(), expected - alone.policy().expectation(reward),
          (rMax - rMin) * Math.sqrt(Math.max(kl, 0) / 2)));
    }
    return out;
  }
}

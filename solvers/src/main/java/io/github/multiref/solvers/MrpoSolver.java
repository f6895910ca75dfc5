package io.github.multiref.solvers;

import io.github.multiref.api.CombinedReference;
import io.github.multiref.api.Diagnostic;
import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.LogMath;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Solver;
import io.github.multiref.api.Stability;
import io.github.multiref.divergences.HarmonicCombiner;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The MRPO surrogate (docs/math.md#mrpo-surrogate, Le et al. 2024): {@code pi(y) proportional to
 * h(y) exp(r(y)/beta)} with h the weighted harmonic mean of the references. It maximizes a lower bound
 * of the reverse-KL objective, not the objective itself.
 *
 * <p>The reported {@code objective} is the surrogate policy's <em>true</em> multi-reference
 * reverse-KL objective; diagnostics add {@code exactObjective} (that of {@link ReverseKlSolver})
 * and {@code gain = exactObjective - objective >= 0}, what the exact solution gains.
 */
@Stability(Stability.Status.STABLE)
public final class MrpoSolver implements Solver {

  /** The single instance. */
  public static final MrpoSolver INSTANCE = new MrpoSolver();

  private MrpoSolver() {}

  /** Reverse KL and its positive multiples, by their power form (see {@link KlFamily}). */
  @Override
  public boolean supports(Divergence divergence) {
    return KlFamily.reverseKl(divergence).isPresent();
  }

  @Override
  public PolicySolution solve(RegularizedProblem problem) {
    Divergence.PowerForm form = KlFamily.reverseKl(problem.divergence()).orElseThrow(() ->
        new IllegalArgumentException("the MRPO surrogate is defined for reverse-kl, got "
            + problem.divergence()));
    CombinedReference harmonic = HarmonicCombiner.INSTANCE.combine(problem.references());
    double[] logits = harmonic.distribution().logProbs();
    double invBeta = 1.0 / (problem.beta() * form.scale());
    for (int y = 0; y < logits.length; y++) {
      logits[y] += problem.reward(y) * invBeta;
    }
    double logNorm = LogMath.logSumExp(logits);
    for (int y = 0; y < logits.length; y++) {
      logits[y] -= logNorm;
    }
    LogDistribution policy = LogDistribution.of(logits, 1e-9);
    double trueObjective = Objectives.evaluate(policy, problem).value();
    double exact = ReverseKlSolver.INSTANCE.solve(problem).objective();
    Map<Diagnostic, Double> diagnostics = new LinkedHashMap<>();
    diagnostics.put(Diagnostic.EXACT_OBJECTIVE, exact);
    diagnostics.put(Diagnostic.SURROGATE_GAIN, exact - trueObjective);
    return new PolicySolution(policy, trueObjective, 0, 0.0, diagnostics,
        Optional.of(HarmonicCombiner.INSTANCE));
  }

  @Override
  public String toString() {
    return "mrpo";
  }
}

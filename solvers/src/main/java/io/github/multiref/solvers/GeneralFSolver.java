package io.github.multiref.solvers;

import io.github.multiref.api.Diagnostic;
import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.LogMath;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Solver;
import io.github.multiref.api.Stability;
import java.util.Map;
import java.util.Optional;

/**
 * The multi-reference problem for any strictly convex f-divergence and any K, by monotone root
 * finding on the KKT conditions (docs/math.md#any-f-divergence).
 *
 * <h2>Method</h2>
 * KKT: where {@code pi(y) > 0}, {@code r(y) - beta h_y(pi(y)) = lambda} with {@code h_y(p) = sum_i
 * alpha_i f'(p / pi_i(y))}; where {@code pi(y) = 0}, {@code r(y) - beta h_y(0+) <= lambda}. A
 * reference without mass at y contributes {@code alpha_i f'(inf)} to h_y, so when {@code f'(inf) =
 * +inf} (reverse KL, chi^2) y gets no mass.
 *
 * <p>Real sequence log-probabilities put references hundreds of nats apart, and then lambda itself
 * cannot be held to the precision the policy needs: with squared Hellinger and a reference mass of
 * {@code e^-100} where the policy wants 0.96, lambda sits {@code e^-50 beta} above the point where
 * f' saturates. So the solver never forms {@code lambda} or a ratio {@code p / pi_i(y)}:
 * <ol>
 *   <li>the multiplier is parametrized by a z that holds every reachable lambda to full relative
 *       precision, chosen by which limits of f' are finite ({@link Multiplier}): for finite {@code
 *       f'(inf)}, z is the log of lambda's distance above saturation;
 *   <li>for each response and z, {@code log pi_z(y)} solves a monotone equation in the log-ratios
 *       {@code log p - log pi_i(y)}, stated as a gap below {@code f'(inf)}, an excess above {@code
 *       f'(0+)} or f' itself ({@link ResponseSum}): in closed form for a divergence with a {@link
 *       Divergence.PowerForm} (every built-in but Jensen-Shannon), else by Brent's method in {@code
 *       log p} inside {@code [min_i, max_i] log pi_i(y) + phi^-1(target)};
 *   <li>the total mass decreases in z; z lies between {@code max_y z_y(1)} and {@code max_y
 *       z_y(1/n)}, where {@code z_y(p)} is the z that gives y mass p, and Brent's method finds the
 *       root of its log.
 * </ol>
 * A response at which every weighted reference has no mass (possible when {@code f'(inf)} is
 * finite) has a constant marginal value {@code r(y) - beta W f'(inf)}, so it takes mass only if
 * that exceeds the lambda of the other responses; then lambda equals it and the remaining mass is
 * split evenly among the best such responses.
 *
 * <p>Errors of its own are {@link ArithmeticException}s that name the prompt and the divergence:
 * an exhausted budget, or a divergence whose methods cannot resolve f' where the answer needs it.
 *
 * <p>Diagnostics: {@code lambda}. Iterations count outer evaluations; the residual is {@code |sum pi
 * - 1|} before the final renormalization.
 */
@Stability(Stability.Status.STABLE)
public final class GeneralFSolver implements Solver {

  /** The default tolerance: 0, at the limit of double precision. */
  public static final double DEFAULT_TOLERANCE = 0.0;

  /** The default budget of outer evaluations. */
  public static final int DEFAULT_MAX_OUTER_EVALUATIONS = 400;

  /** Tolerances at the limit of double precision, 400 outer evaluations, 200 inner ones. */
  public static final GeneralFSolver DEFAULT = withBudget(DEFAULT_TOLERANCE,
      DEFAULT_MAX_OUTER_EVALUATIONS);

  /** Mass left off 1 by the outer root beyond which the solver reports a failure. */
  private static final double MASS_TOLERANCE = 1e-6;

  private final double tolerance;
  private final int maxOuterEvaluations;
  private final int maxInnerEvaluations;

  private GeneralFSolver(double tolerance, int maxOuterEvaluations, int maxInnerEvaluations) {
    this.tolerance = tolerance;
    this.maxOuterEvaluations = maxOuterEvaluations;
    this.maxInnerEvaluations = maxInnerEvaluations;
  }

  /**
   * A solver with explicit tolerance and budgets.
   *
   * @param tolerance absolute tolerance on the parametrized multiplier z and on each {@code log
   *     pi(y)}, beyond a few ulps, {@code >= 0}
   * @param maxOuterEvaluations evaluations of {@code sum_y pi_z(y)} before {@link
   *     ArithmeticException}
   * @param maxInnerEvaluations evaluations per response and z where no closed form exists
   */
  public static GeneralFSolver of(double tolerance, int maxOuterEvaluations,
      int maxInnerEvaluations) {
    if (!(tolerance >= 0 && tolerance <= 1e-6)) {
      throw new IllegalArgumentException("tolerance must be in [0, 1e-6], got " + tolerance);
    }
    if (maxOuterEvaluations < 3 || maxInnerEvaluations < 3) {
      throw new IllegalArgumentException("evaluation budgets must be >= 3, got "
          + maxOuterEvaluations + " and " + maxInnerEvaluations);
    }
    return new GeneralFSolver(tolerance, maxOuterEvaluations, maxInnerEvaluations);
  }

  /**
   * A solver with an outer budget and half of it (at least 3) for each inner root, as the
   * {@code general-f} component configures it.
   */
  public static GeneralFSolver withBudget(double tolerance, int maxOuterEvaluations) {
    return of(tolerance, maxOuterEvaluations, Math.max(3, maxOuterEvaluations / 2));
  }

  @Override
  public boolean supports(Divergence divergence) {
    return divergence.isStrictlyConvex();
  }

  @Override
  public PolicySolution solve(RegularizedProblem problem) {
    Divergence f = problem.divergence();
    if (!supports(f)) {
      throw new IllegalArgumentException(
          "the general solver needs a strictly convex f, got " + f);
    }
    Optional<Divergence.PowerForm> power = f.powerForm();
    double fPrimeAtZero = power.map(Divergence.PowerForm::fPrimeAtZero).orElse(f.fPrimeAtZero());
    double fPrimeAtInfinity =
        power.map(Divergence.PowerForm::fPrimeAtInfinity).orElse(f.fPrimeAtInfinity());
    KktResponses responses =
        new KktResponses(problem, fPrimeAtInfinity == Double.POSITIVE_INFINITY);
    if (responses.regularCount == 0) {
      throw new IllegalArgumentException("prompt '" + responses.prompt + "': no response can have"
          + " positive probability under " + f + ": each lacks mass under some reference with"
          + " positive weight, and f'(inf) = +inf forbids that (the supports do not intersect)");
    }
    Multiplier multiplier = multiplier(responses, f, power, fPrimeAtZero, fPrimeAtInfinity);
    double[] logPolicy = new double[responses.n];
    Root root = outerRoot(multiplier, logPolicy, f);
    double z = root.z;
    double degenerate = multiplier.degenerate();
    double logInside = totalLogMass(multiplier, degenerate > z ? degenerate : z, logPolicy);
    if (degenerate > z) {
      z = degenerate;
      shareAmongBestDegenerate(responses, logPolicy, logInside);
    }
    return solution(problem, responses, multiplier.lambda(z), root.evaluations, logPolicy, f);
  }

  private Multiplier multiplier(KktResponses responses, Divergence f,
      Optional<Divergence.PowerForm> power, double fPrimeAtZero, double fPrimeAtInfinity) {
    if (fPrimeAtInfinity < Double.POSITIVE_INFINITY) {
      ResponseSum gaps = power.map(p -> ResponseSum.power(responses, p)).orElseGet(() ->
          new ResponseSum.Generic(responses, f, true, f::logFPrimeGap, f::logRatioAtFPrimeGap,
              "f'(inf) - f'(t)", tolerance, maxInnerEvaluations));
      return new Multiplier.Saturating(responses, gaps, fPrimeAtInfinity,
          f.logFPrimeGap(Double.NEGATIVE_INFINITY));
    }
    if (fPrimeAtZero > Double.NEGATIVE_INFINITY) {
      ResponseSum excess = power.map(p -> ResponseSum.power(responses, p)).orElseGet(() ->
          new ResponseSum.Generic(responses, f, true,
              u -> Math.log(f.fPrimeOfLogRatio(u) - fPrimeAtZero),
              x -> f.logFPrimeInverse(fPrimeAtZero + Math.exp(x)), "f'(t) - f'(0+)", tolerance,
              maxInnerEvaluations));
      return new Multiplier.BoundedBelow(responses, excess, fPrimeAtZero);
    }
    ResponseSum derivative = power.map(p -> ResponseSum.power(responses, p)).orElseGet(() ->
        new ResponseSum.Generic(responses, f, false, f::fPrimeOfLogRatio, f::logFPrimeInverse,
            "f'(t)", tolerance, maxInnerEvaluations));
    return new Multiplier.Unbounded(responses, derivative);
  }

  private record Root(double z, int evaluations) {}

  /**
   * The z at which the regular responses' mass is 1, between {@code max_y z_y(1)} (some response
   * alone has mass 1 there) and {@code max_y z_y(1/n)} (none has more than 1/n).
   */
  private Root outerRoot(Multiplier multiplier, double[] scratch, Divergence f) {
    KktResponses responses = multiplier.responses;
    double lo = Double.NEGATIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    double logEach = -Math.log(responses.regularCount);
    for (int y = 0; y < responses.n; y++) {
      if (responses.kind[y] == KktResponses.REGULAR) {
        lo = Math.max(lo, multiplier.at(y, 0.0));
        hi = Math.max(hi, multiplier.at(y, logEach));
      }
    }
    if (!(lo > Double.NEGATIVE_INFINITY && hi < Double.POSITIVE_INFINITY)) {
      throw new ArithmeticException("prompt '" + responses.prompt + "': the general solver with"
          + " divergence " + f + " cannot bracket the multiplier: f' overflows at every response"
          + " (bracket [" + lo + ", " + hi + "])");
    }
    // the bracket holds mathematically; rounding at its ends is settled before Brent
    if (hi - lo <= 0 || totalLogMass(multiplier, lo, scratch) <= 0) {
      return new Root(lo, 1);
    }
    if (totalLogMass(multiplier, hi, scratch) >= 0) {
      return new Root(hi, 2);
    }
    try {
      Roots.Root root = Roots.brent(z -> totalLogMass(multiplier, z, scratch), lo, hi, tolerance,
          maxOuterEvaluations);
      return new Root(root.x(), root.evaluations());
    } catch (ArithmeticException e) {
      throw new ArithmeticException("prompt '" + responses.prompt + "': the general solver with"
          + " divergence " + f + ": the multiplier's " + e.getMessage());
    }
  }

  /** Fills {@code out} with {@code log pi_z(y)} (zero off the regular responses); their log-sum. */
  private static double totalLogMass(Multiplier multiplier, double z, double[] out) {
    KktResponses responses = multiplier.responses;
    for (int y = 0; y < responses.n; y++) {
      out[y] = responses.kind[y] == KktResponses.REGULAR ? multiplier.logMass(y, z)
          : Double.NEGATIVE_INFINITY;
    }
    return LogMath.logSumExp(out);
  }

  /** The mass the regular responses leave, split evenly among the best degenerate responses. */
  private static void shareAmongBestDegenerate(KktResponses responses, double[] logPolicy,
      double logInside) {
    int ties = 0;
    for (int y = 0; y < responses.n; y++) {
      if (isBestDegenerate(responses, y)) {
        ties++;
      }
    }
    double logEach = LogMath.log1mExp(Math.min(logInside, 0.0)) - Math.log(ties);
    for (int y = 0; y < responses.n; y++) {
      if (isBestDegenerate(responses, y)) {
        logPolicy[y] = logEach;
      }
    }
  }

  private static boolean isBestDegenerate(KktResponses responses, int y) {
    return responses.kind[y] == KktResponses.DEGENERATE
        && responses.reward(y) == responses.bestDegenerateReward;
  }

  private static PolicySolution solution(RegularizedProblem problem, KktResponses responses,
      double lambda, int evaluations, double[] logPolicy, Divergence f) {
    double logTotal = LogMath.logSumExp(logPolicy);
    double residual = Math.abs(Math.expm1(logTotal));
    for (int y = 0; y < logPolicy.length; y++) {
      if (Double.isNaN(logPolicy[y]) || logPolicy[y] == Double.POSITIVE_INFINITY) {
        throw new ArithmeticException("prompt '" + responses.prompt + "': the general solver with"
            + " divergence " + f + " computed log pi = " + logPolicy[y] + " for response " + y
            + " at lambda = " + lambda);
      }
      logPolicy[y] -= logTotal;
    }
    if (!(residual <= MASS_TOLERANCE)) {
      throw new ArithmeticException("prompt '" + responses.prompt + "': the general solver with"
          + " divergence " + f + " found lambda = " + lambda + " but the policy's mass there is "
          + Math.exp(logTotal) + ", not 1");
    }
    LogDistribution pi = LogDistribution.of(logPolicy, 1e-9);
    return new PolicySolution(pi, Objectives.evaluate(pi, problem).value(), evaluations, residual,
        Map.of(Diagnostic.MULTIPLIER, lambda), KlFamily.tiltedReference(f));
  }

  @Override
  public String toString() {
    return "general-f";
  }
}

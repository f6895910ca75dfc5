package io.github.multiref.solvers;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.LogMath;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Solver;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The multi-reference problem for any strictly convex f-divergence and any K, by nested monotone
 * root finding (MATH.md section 5).
 *
 * <h2>Method</h2>
 * KKT: where {@code pi(y) > 0}, {@code r(y) - beta h_y(pi(y)) = lambda} with {@code h_y(p) = sum_i
 * alpha_i f'(p / pi_i(y))}; where {@code pi(y) = 0}, {@code r(y) - beta h_y(0+) <= lambda}. A
 * reference without mass at y contributes {@code alpha_i f'(inf)} to h_y, so when {@code f'(inf) =
 * +inf} (reverse KL, chi^2) y gets no mass.
 * <ol>
 *   <li>Inner: for a given lambda, {@code pi_lambda(y) = h_y^{-1}((r(y) - lambda)/beta)}, or exactly 0
 *       when {@code (r(y) - lambda)/beta <= h_y(0+)}. h_y is a weighted average of {@code f'(p /
 *       pi_i(y))}, so the root lies between {@code min_i} and {@code max_i} of {@code pi_i(y)
 *       (f')^{-1}(v)}; it is found by Brent's method in {@code log p} (closed form when one
 *       reference has mass at y, or all agree).
 *   <li>Outer: {@code sum_y pi_lambda(y)} decreases in lambda; lambda lies between {@code max_y (r(y) -
 *       beta h_y(1))} and {@code max_y (r(y) - beta h_y(1/n))}, and Brent's method finds the root.
 * </ol>
 * A response at which every weighted reference has no mass (possible when {@code f'(inf)} is
 * finite: forward KL, Hellinger, Jensen-Shannon, alpha < 1) has a constant h, so it takes mass only
 * if {@code r(y) - beta f'(inf)} exceeds the lambda of the other responses; then lambda equals it and
 * the remaining mass is split evenly among the best such responses.
 *
 * <p>Diagnostics: {@code lambda}. Iterations count outer evaluations; the residual is {@code |sum pi
 * - 1|} before the final renormalization.
 */
public final class GeneralFSolver implements Solver {

  /** Tolerances at the limit of double precision, 400 outer evaluations, 200 inner ones. */
  public static final GeneralFSolver DEFAULT = new GeneralFSolver(0.0, 400, 200);

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
   * @param tolerance absolute tolerance on lambda and on each {@code log pi(y)} beyond a few ulps,
   *     {@code >= 0}
   * @param maxOuterEvaluations evaluations of {@code sum_y pi_lambda(y)} before {@link
   *     ArithmeticException}
   * @param maxInnerEvaluations evaluations of {@code h_y} per response and lambda
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
    Setup setup = new Setup(problem);
    int n = setup.n;
    double lambda;
    int evaluations = 0;
    double[] logPolicy = new double[n];
    java.util.Arrays.fill(logPolicy, Double.NEGATIVE_INFINITY);
    boolean anyRegular = setup.regularCount > 0;
    if (!anyRegular && !setup.anyDegenerate()) {
      throw new IllegalArgumentException("prompt '" + setup.prompt + "': no response can have"
          + " positive probability under " + f + ": each lacks mass under some reference with"
          + " positive weight, and f'(inf) = +inf forbids that (the supports do not intersect)");
    }
    if (anyRegular) {
      double lo = Double.NEGATIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      double logOneOverN = -Math.log(setup.regularCount);
      for (int y = 0; y < n; y++) {
        if (setup.kind[y] == REGULAR) {
          lo = Math.max(lo, problem.reward(y) - problem.beta() * setup.h(y, 0.0));
          hi = Math.max(hi, problem.reward(y) - problem.beta() * setup.h(y, logOneOverN));
        }
      }
      double[] scratch = new double[n];
      // the bracket holds mathematically; rounding at its ends is settled before Brent
      if (hi - lo <= 0 || setup.logMass(lo, scratch) <= 0) {
        lambda = lo;
      } else if (setup.logMass(hi, scratch) >= 0) {
        lambda = hi;
      } else {
        Roots.Root root = Roots.brent(l -> clamp(setup.logMass(l, scratch)), lo, hi, tolerance,
            maxOuterEvaluations);
        lambda = root.x();
        evaluations = root.evaluations();
      }
    } else {
      lambda = Double.NEGATIVE_INFINITY;
    }
    // responses no weighted reference covers: constant marginal r(y) - beta f'(inf)
    double degenerate = Double.NEGATIVE_INFINITY;
    for (int y = 0; y < n; y++) {
      if (setup.kind[y] == DEGENERATE) {
        degenerate = Math.max(degenerate, problem.reward(y) - problem.beta() * setup.fPrimeInf);
      }
    }
    boolean degenerateWins = degenerate > lambda;
    if (degenerateWins) {
      lambda = degenerate;
    }
    double logInside = anyRegular ? setup.logMass(lambda, logPolicy) : Double.NEGATIVE_INFINITY;
    if (degenerateWins) {
      int ties = 0;
      for (int y = 0; y < n; y++) {
        if (isBestDegenerate(setup, problem, y, degenerate)) {
          ties++;
        }
      }
      double logEach = LogMath.log1mExp(Math.min(logInside, 0.0)) - Math.log(ties);
      for (int y = 0; y < n; y++) {
        logPolicy[y] = isBestDegenerate(setup, problem, y, degenerate) ? logEach
            : setup.kind[y] == REGULAR ? logPolicy[y] : Double.NEGATIVE_INFINITY;
      }
    }
    double logTotal = LogMath.logSumExp(logPolicy);
    double residual = Math.abs(Math.expm1(logTotal));
    for (int y = 0; y < n; y++) {
      logPolicy[y] -= logTotal;
    }
    LogDistribution pi = LogDistribution.of(logPolicy, 1e-9);
    Map<String, Double> diagnostics = new LinkedHashMap<>();
    diagnostics.put("lambda", lambda);
    return new PolicySolution(pi, Objectives.evaluate(pi, problem).value(), evaluations, residual,
        diagnostics);
  }

  private static boolean isBestDegenerate(Setup s, RegularizedProblem p, int y, double best) {
    return s.kind[y] == DEGENERATE && p.reward(y) - p.beta() * s.fPrimeInf == best;
  }

  private static double clamp(double logMass) {
    return Math.max(-700.0, Math.min(700.0, logMass));
  }

  private static final byte INFEASIBLE = 0;
  private static final byte REGULAR = 1;
  private static final byte DEGENERATE = 2;

  /** Per-response data that does not depend on lambda. */
  private final class Setup {
    final int n;
    final int k;
    final Divergence f;
    final double beta;
    final double[] rewards;
    final double fPrimeInf;
    final double fPrimeZero;
    final byte[] kind;
    final double[][] logRef; // [y][j] log pi_i(y) of the weighted references with mass at y
    final double[][] relWeight; // [y][j] alpha_i / A_y
    final double[] massWeight; // A_y
    final double[] constant; // c_y = (weight of references without mass) * f'(inf)
    final double[] minLogRef;
    final double[] maxLogRef;
    final int regularCount;
    final String prompt;

    Setup(RegularizedProblem problem) {
      ReferenceSet refs = problem.references();
      prompt = refs.prompt();
      n = refs.responses();
      k = refs.size();
      f = problem.divergence();
      beta = problem.beta();
      rewards = problem.rewards();
      fPrimeInf = f.fPrimeAtInfinity();
      fPrimeZero = f.fPrimeAtZero();
      double[][] lp = new double[k][];
      for (int i = 0; i < k; i++) {
        lp[i] = refs.reference(i).logProbs();
      }
      kind = new byte[n];
      logRef = new double[n][];
      relWeight = new double[n][];
      massWeight = new double[n];
      constant = new double[n];
      minLogRef = new double[n];
      maxLogRef = new double[n];
      int regular = 0;
      for (int y = 0; y < n; y++) {
        int count = 0;
        double a = 0.0;
        double z = 0.0;
        for (int i = 0; i < k; i++) {
          double w = refs.weight(i);
          if (w == 0.0) {
            continue;
          }
          if (lp[i][y] == Double.NEGATIVE_INFINITY) {
            z += w;
          } else {
            a += w;
            count++;
          }
        }
        if (z > 0 && fPrimeInf == Double.POSITIVE_INFINITY) {
          kind[y] = INFEASIBLE;
          continue;
        }
        if (count == 0) {
          kind[y] = DEGENERATE;
          continue;
        }
        kind[y] = REGULAR;
        regular++;
        massWeight[y] = a;
        constant[y] = z > 0 ? z * fPrimeInf : 0.0;
        logRef[y] = new double[count];
        relWeight[y] = new double[count];
        minLogRef[y] = Double.POSITIVE_INFINITY;
        maxLogRef[y] = Double.NEGATIVE_INFINITY;
        int j = 0;
        for (int i = 0; i < k; i++) {
          double w = refs.weight(i);
          if (w != 0.0 && lp[i][y] != Double.NEGATIVE_INFINITY) {
            logRef[y][j] = lp[i][y];
            relWeight[y][j] = w / a;
            minLogRef[y] = Math.min(minLogRef[y], lp[i][y]);
            maxLogRef[y] = Math.max(maxLogRef[y], lp[i][y]);
            j++;
          }
        }
      }
      regularCount = regular;
    }

    boolean anyDegenerate() {
      for (byte b : kind) {
        if (b == DEGENERATE) {
          return true;
        }
      }
      return false;
    }

    /** {@code h_y(p)} at {@code p = exp(logP)}. */
    double h(int y, double logP) {
      return massWeight[y] * average(y, logP) + constant[y];
    }

    /** {@code sum_j (alpha_j / A_y) f'(p / pi_j(y))}. */
    double average(int y, double logP) {
      double s = 0.0;
      double[] lr = logRef[y];
      double[] rw = relWeight[y];
      for (int j = 0; j < lr.length; j++) {
        s += rw[j] * f.fPrimeOfLogRatio(logP - lr[j]);
      }
      return s;
    }

    /** Fills {@code out} with {@code log pi_lambda(y)} and returns their log-sum-exp. */
    double logMass(double lambda, double[] out) {
      for (int y = 0; y < n; y++) {
        out[y] = kind[y] == REGULAR ? logPi(y, lambda) : Double.NEGATIVE_INFINITY;
      }
      return LogMath.logSumExp(out);
    }

    /** {@code log h_y^{-1}((r(y) - lambda)/beta)}, {@code -inf} below {@code h_y(0+)}. */
    double logPi(int y, double lambda) {
      double v = ((rewards[y] - lambda) / beta - constant[y]) / massWeight[y];
      if (v <= fPrimeZero) {
        return Double.NEGATIVE_INFINITY;
      }
      if (v >= fPrimeInf) {
        return Double.POSITIVE_INFINITY;
      }
      double base = f.logFPrimeInverse(v);
      double lo = minLogRef[y] + base;
      double hi = maxLogRef[y] + base;
      if (logRef[y].length == 1 || hi - lo <= 4 * Math.ulp(Math.abs(lo) + Math.abs(hi))) {
        return lo;
      }
      if (average(y, lo) >= v) {
        return lo;
      }
      if (average(y, hi) <= v) {
        return hi;
      }
      try {
        return Roots.brent(lq -> average(y, lq) - v, lo, hi, tolerance, maxInnerEvaluations).x();
      } catch (ArithmeticException e) {
        throw new ArithmeticException("prompt '" + prompt + "', response " + y + ": "
            + e.getMessage());
      }
    }
  }

  @Override
  public String toString() {
    return "general-f";
  }
}

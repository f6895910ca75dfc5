package io.github.multiref.solvers;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.LogMath;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;

/**
 * Checks of optimality that share nothing with the solvers: the objective from its definition,
 * a generic mirror-ascent optimizer on the simplex, a Lagrangian duality certificate computed by
 * golden-section search on f alone, and the KKT residual from f'.
 */
final class Independent {

  private Independent() {}

  /** J(p) for log-probabilities lp: sum p r - beta sum_i alpha_i sum_y q f(p/q), by definition. */
  static double objective(double[] lp, RegularizedProblem problem) {
    ReferenceSet refs = problem.references();
    Divergence f = problem.divergence();
    double reward = 0;
    for (int y = 0; y < lp.length; y++) {
      if (lp[y] > Double.NEGATIVE_INFINITY) {
        reward += Math.exp(lp[y]) * problem.reward(y);
      }
    }
    double penalty = 0;
    for (int i = 0; i < refs.size(); i++) {
      if (refs.weight(i) == 0) {
        continue;
      }
      double d = 0;
      for (int y = 0; y < lp.length; y++) {
        d += f.term(lp[y], refs.reference(i).logProb(y));
      }
      penalty += refs.weight(i) * d;
    }
    return reward - problem.beta() * penalty;
  }

  /**
   * The Lagrangian dual {@code D(lambda) = lambda + sum_y max_{p >= 0} [p (r(y) - lambda) - beta
   * sum_i alpha_i q_i f(p/q_i)]}, an upper bound on the optimum for every lambda (weak duality).
   * Each one-dimensional concave maximum is found by golden-section search on the value, which is
   * accurate to rounding even where the maximizer is not.
   */
  static double dualBound(RegularizedProblem problem, double lambda) {
    double total = lambda;
    for (int y = 0; y < problem.references().responses(); y++) {
      total += maxOverMass(problem, y, lambda);
    }
    return total;
  }

  private static double phi(RegularizedProblem problem, int y, double lambda, double p) {
    ReferenceSet refs = problem.references();
    double logP = p == 0 ? Double.NEGATIVE_INFINITY : Math.log(p);
    double penalty = 0;
    for (int i = 0; i < refs.size(); i++) {
      if (refs.weight(i) > 0) {
        penalty += refs.weight(i) * problem.divergence().term(logP,
            refs.reference(i).logProb(y));
      }
    }
    return p * (problem.reward(y) - lambda) - problem.beta() * penalty;
  }

  private static double maxOverMass(RegularizedProblem problem, int y, double lambda) {
    double hi = 1.0;
    while (hi < 1e6 && phi(problem, y, lambda, 2 * hi) > phi(problem, y, lambda, hi)) {
      hi *= 2;
    }
    hi *= 2;
    double lo = 0;
    double g = (Math.sqrt(5) - 1) / 2;
    double a = hi - g * (hi - lo);
    double b = lo + g * (hi - lo);
    double fa = phi(problem, y, lambda, a);
    double fb = phi(problem, y, lambda, b);
    double best = Math.max(phi(problem, y, lambda, 0), Math.max(fa, fb));
    for (int it = 0; it < 200 && hi - lo > 1e-300; it++) {
      if (fa >= fb) {
        hi = b;
        b = a;
        fb = fa;
        a = hi - g * (hi - lo);
        fa = phi(problem, y, lambda, a);
      } else {
        lo = a;
        a = b;
        fa = fb;
        b = lo + g * (hi - lo);
        fb = phi(problem, y, lambda, b);
      }
      best = Math.max(best, Math.max(fa, fb));
    }
    return best;
  }

  /**
   * Mirror ascent (exponentiated gradient) on the simplex with a backtracking step: a generic
   * optimizer that knows only J and its gradient {@code r(y) - beta sum_i alpha_i f'(p/q_i)}.
   */
  static double[] mirrorAscent(RegularizedProblem problem, int iterations) {
    ReferenceSet refs = problem.references();
    Divergence f = problem.divergence();
    int n = refs.responses();
    double[] lp = new double[n];
    for (int y = 0; y < n; y++) {
      boolean feasible = true;
      for (int i = 0; i < refs.size(); i++) {
        if (refs.weight(i) > 0 && !refs.reference(i).inSupport(y)
            && f.fPrimeAtInfinity() == Double.POSITIVE_INFINITY) {
          feasible = false;
        }
      }
      lp[y] = feasible ? 0 : Double.NEGATIVE_INFINITY;
    }
    normalize(lp);
    double value = objective(lp, problem);
    double step = 1.0 / problem.beta();
    double[] grad = new double[n];
    double[] next = new double[n];
    for (int it = 0; it < iterations; it++) {
      for (int y = 0; y < n; y++) {
        if (lp[y] == Double.NEGATIVE_INFINITY) {
          continue;
        }
        double h = 0;
        for (int i = 0; i < refs.size(); i++) {
          if (refs.weight(i) > 0) {
            double lq = refs.reference(i).logProb(y);
            h += refs.weight(i) * (lq == Double.NEGATIVE_INFINITY ? f.fPrimeAtInfinity()
                : f.fPrimeOfLogRatio(lp[y] - lq));
          }
        }
        grad[y] = problem.reward(y) - problem.beta() * h;
      }
      boolean improved = false;
      for (int tries = 0; tries < 80 && !improved; tries++) {
        for (int y = 0; y < n; y++) {
          next[y] = lp[y] == Double.NEGATIVE_INFINITY ? lp[y]
              : lp[y] + Math.max(-700, Math.min(700, step * grad[y]));
        }
        normalize(next);
        double v = objective(next, problem);
        if (v > value) {
          improved = true;
          System.arraycopy(next, 0, lp, 0, n);
          value = v;
          step *= 1.2;
        } else {
          step *= 0.5;
        }
      }
      if (!improved) {
        return lp; // no step improves J at double precision: stationary
      }
    }
    return lp;
  }

  /**
   * The largest violation of the KKT conditions by a policy: on its support, {@code r(y) - beta
   * h_y(pi(y))} must be one constant lambda (its pi-average); off it, {@code r(y) - beta h_y(0+)}
   * must not exceed lambda.
   */
  static double kktResidual(LogDistribution policy, RegularizedProblem problem) {
    return kkt(policy, problem)[1];
  }

  /** The pi-average of {@code r(y) - beta h_y(pi(y))}: lambda as the KKT conditions see it. */
  static double kktLambda(LogDistribution policy, RegularizedProblem problem) {
    return kkt(policy, problem)[0];
  }

  private static double[] kkt(LogDistribution policy, RegularizedProblem problem) {
    ReferenceSet refs = problem.references();
    Divergence f = problem.divergence();
    int n = policy.size();
    double[] g = new double[n];
    double lambda = 0;
    for (int y = 0; y < n; y++) {
      double h = 0;
      for (int i = 0; i < refs.size(); i++) {
        if (refs.weight(i) > 0) {
          double lq = refs.reference(i).logProb(y);
          double term = lq == Double.NEGATIVE_INFINITY ? f.fPrimeAtInfinity()
              : policy.inSupport(y) ? f.fPrimeOfLogRatio(policy.logProb(y) - lq)
              : f.fPrimeAtZero();
          h += refs.weight(i) * term;
        }
      }
      g[y] = problem.reward(y) - problem.beta() * h;
      if (policy.inSupport(y)) {
        lambda += policy.prob(y) * g[y];
      }
    }
    double worst = 0;
    for (int y = 0; y < n; y++) {
      if (policy.inSupport(y)) {
        worst = Math.max(worst, Math.abs(g[y] - lambda));
      } else if (!Double.isNaN(g[y])) {
        worst = Math.max(worst, g[y] - lambda);
      }
    }
    return new double[] {lambda, worst};
  }

  static void normalize(double[] lp) {
    double z = LogMath.logSumExp(lp);
    for (int y = 0; y < lp.length; y++) {
      lp[y] -= z;
    }
  }
}

package io.github.multiref.testkit;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;

/**
 * Optimality checks that use only the divergence's f and f' and the definition of the objective
 * {@code J(pi) = E_pi r - beta sum_i alpha_i D_f(pi||pi_i)}, nothing from the solvers.
 */
public final class Certificates {

  private Certificates() {}

  /** {@code J(pi)} from its definition, term by term. */
  public static double objective(LogDistribution pi, RegularizedProblem problem) {
    ReferenceSet refs = problem.references();
    double value = 0;
    for (int y = 0; y < pi.size(); y++) {
      if (pi.inSupport(y)) {
        value += pi.prob(y) * problem.reward(y);
      }
    }
    for (int i = 0; i < refs.size(); i++) {
      if (refs.weight(i) > 0) {
        value -= problem.beta() * refs.weight(i)
            * problem.divergence().divergence(pi, refs.reference(i));
      }
    }
    return value;
  }

  /**
   * The pi-average of {@code r(y) - beta h_y(pi(y))}, where {@code h_y(p) = sum_i alpha_i f'(p /
   * pi_i(y))}: the multiplier of the simplex constraint as the KKT conditions see it.
   */
  public static double kktLambda(LogDistribution pi, RegularizedProblem problem) {
    double lambda = 0;
    for (int y = 0; y < pi.size(); y++) {
      if (pi.inSupport(y)) {
        lambda += pi.prob(y) * (problem.reward(y) - problem.beta() * h(problem, y,
            pi.logProb(y)));
      }
    }
    return lambda;
  }

  /**
   * How far pi can be from the optimum: {@code min D(lambda) - J(pi)} over the KKT multiplier of
   * pi and a few values just above it. Those guard against a multiplier that rounding leaves a few
   * ulps below the reward of a response outside every reference's support (possible when {@code
   * f'(inf)} is finite), where {@code D} would be {@code +inf}; every candidate is a valid bound.
   */
  public static double optimalityGap(LogDistribution pi, RegularizedProblem problem) {
    double lambda = kktLambda(pi, problem);
    double delta = 1e-13 * (1 + Math.abs(lambda));
    double best = Double.POSITIVE_INFINITY;
    for (double shift : new double[] {0, 1, 10, 100}) {
      best = Math.min(best, dualBound(problem, lambda + shift * delta));
    }
    return best - objective(pi, problem);
  }

  /**
   * The Lagrangian dual {@code D(lambda) = lambda + sum_y max_{p >= 0} phi_y(p)} with {@code
   * phi_y(p) = p (r(y) - lambda) - beta sum_i alpha_i pi_i(y) f(p / pi_i(y))}. By weak duality
   * {@code D(lambda) >= max_pi J(pi)} for every lambda, so {@code D(lambda) - J(pi)} bounds how far
   * pi is from the optimum. Each concave one-dimensional maximum is located by bisection on its
   * derivative in log p and evaluated with the divergence's term; {@code +inf} when some
   * {@code phi_y} is unbounded.
   */
  public static double dualBound(RegularizedProblem problem, double lambda) {
    double total = lambda;
    for (int y = 0; y < problem.references().responses(); y++) {
      total += maxOverMass(problem, y, lambda);
    }
    return total;
  }

  private static double maxOverMass(RegularizedProblem problem, int y, double lambda) {
    double atZero = phi(problem, y, lambda, Double.NEGATIVE_INFINITY);
    double hi = 0;
    while (slope(problem, y, lambda, hi) > 0) {
      hi += 2;
      if (hi > 60) {
        return Double.POSITIVE_INFINITY;
      }
    }
    double lo = -745;
    if (slope(problem, y, lambda, lo) <= 0) {
      return Math.max(atZero, phi(problem, y, lambda, lo));
    }
    for (int it = 0; it < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo)); it++) {
      double mid = 0.5 * (lo + hi);
      if (slope(problem, y, lambda, mid) > 0) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return Math.max(atZero, Math.max(phi(problem, y, lambda, lo), phi(problem, y, lambda, hi)));
  }

  private static double phi(RegularizedProblem problem, int y, double lambda, double logP) {
    ReferenceSet refs = problem.references();
    double penalty = 0;
    for (int i = 0; i < refs.size(); i++) {
      if (refs.weight(i) > 0) {
        penalty += refs.weight(i) * problem.divergence().term(logP,
            refs.reference(i).logProb(y));
      }
    }
    double gain = logP == Double.NEGATIVE_INFINITY ? 0
        : Math.exp(logP) * (problem.reward(y) - lambda);
    return gain - problem.beta() * penalty;
  }

  private static double slope(RegularizedProblem problem, int y, double lambda, double logP) {
    return problem.reward(y) - lambda - problem.beta() * h(problem, y, logP);
  }

  private static double h(RegularizedProblem problem, int y, double logP) {
    ReferenceSet refs = problem.references();
    Divergence f = problem.divergence();
    double h = 0;
    for (int i = 0; i < refs.size(); i++) {
      if (refs.weight(i) > 0) {
        double lq = refs.reference(i).logProb(y);
        h += refs.weight(i) * (lq == Double.NEGATIVE_INFINITY ? f.fPrimeAtInfinity()
            : f.fPrimeOfLogRatio(logP - lq));
      }
    }
    return h;
  }
}

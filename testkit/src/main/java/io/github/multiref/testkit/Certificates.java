package io.github.multiref.testkit;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Stability;

/**
 * Optimality checks that use only the definition of the objective {@code J(pi) = E_pi r - beta
 * sum_i alpha_i D_f(pi||pi_i)}, with each {@code D_f} summed from the divergence's own {@link
 * Divergence#term(double, double)} (its f values), and nothing from the solvers.
 *
 * <p>The certificate is weak Lagrangian duality: for every lambda, {@code D(lambda) = lambda + sum_y
 * max_{0 <= p <= 1} phi_y(p)} with {@code phi_y(p) = p (r(y) - lambda) - beta sum_i alpha_i
 * pi_i(y) f(p / pi_i(y))} is at least the optimum, because the simplex lies in the box {@code
 * [0, 1]^n}. Each one-dimensional maximum is found by golden-section search on {@code phi_y}
 * (concave in p, so unimodal in p and in log p), which is accurate to rounding in the value even
 * where the maximizer is not; so a wrong f' in the divergence cannot certify itself.
 * Which lambda is tried only decides how tight the bound is, never whether it holds: the kit takes
 * the one the KKT conditions give from f' and a few just above it.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class Certificates {

  private static final double GOLDEN = (Math.sqrt(5) - 1) / 2;
  /** The smallest {@code log p} the box maximum looks at: below it a mass is worth nothing. */
  private static final double LOWEST_LOG_MASS = -2e4;

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
   * pi_i(y))}: the multiplier of the simplex constraint as the KKT conditions see it, from f'.
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
   * How far pi can be from the optimum: {@code min D(lambda) - J(pi)} over the KKT multiplier of pi
   * and values just above and below it, with D from f values alone ({@link #dualBound}). Every
   * candidate gives a valid bound.
   */
  public static double optimalityGap(LogDistribution pi, RegularizedProblem problem) {
    double lambda = kktLambda(pi, problem);
    double delta = 1e-13 * (1 + Math.abs(lambda));
    double best = Double.POSITIVE_INFINITY;
    for (double shift : new double[] {0, 1, 10, 100, -1, -10}) {
      best = Math.min(best, dualBound(problem, lambda + shift * delta));
    }
    return best - objective(pi, problem);
  }

  /**
   * The Lagrangian dual {@code D(lambda)} over the box {@code [0, 1]^n} (see the class
   * documentation), from the divergence's f values alone: at least {@code max_pi J(pi)} for every
   * finite lambda.
   */
  public static double dualBound(RegularizedProblem problem, double lambda) {
    double total = lambda;
    for (int y = 0; y < problem.references().responses(); y++) {
      total += boxMaximum(problem, y, lambda);
    }
    return total;
  }

  /**
   * {@code max_{0 <= p <= 1} phi_y(p)}: the best of golden-section searches in p and in log p, and
   * the ends. Every value is phi at some mass, so each search can only fall short of the maximum;
   * the search in p resolves a maximum at moderate mass, where phi is nearly flat in log p for
   * many nats below it (rounding noise there can mislead a search in log p), and the search in log
   * p resolves one at masses far below the resolution of p.
   */
  private static double boxMaximum(RegularizedProblem problem, int y, double lambda) {
    double ends = Math.max(phi(problem, y, lambda, 0.0),
        phi(problem, y, lambda, Double.NEGATIVE_INFINITY));
    double inMass = goldenMaximum(p -> phi(problem, y, lambda, p == 0 ? Double.NEGATIVE_INFINITY
        : Math.log(p)), 0.0, 1.0, 1e-15);
    double inLogMass = goldenMaximum(u -> phi(problem, y, lambda, u), LOWEST_LOG_MASS, 0.0, 1e-13);
    return Math.max(ends, Math.max(inMass, inLogMass));
  }

  /** The largest value golden-section search for a maximum of g on [lo, hi] meets. */
  private static double goldenMaximum(java.util.function.DoubleUnaryOperator g, double lo,
      double hi, double relativeWidth) {
    double a = hi - GOLDEN * (hi - lo);
    double b = lo + GOLDEN * (hi - lo);
    double fa = g.applyAsDouble(a);
    double fb = g.applyAsDouble(b);
    double best = Math.max(fa, fb);
    while (hi - lo > relativeWidth * (1 + Math.abs(hi))) {
      // ties go right: they come from masses too small to change phi, whose value the ends hold
      if (fa > fb) {
        hi = b;
        b = a;
        fb = fa;
        a = hi - GOLDEN * (hi - lo);
        fa = g.applyAsDouble(a);
      } else {
        lo = a;
        a = b;
        fa = fb;
        b = lo + GOLDEN * (hi - lo);
        fb = g.applyAsDouble(b);
      }
      best = Math.max(best, Math.max(fa, fb));
    }
    return best;
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
    double value = gain - problem.beta() * penalty;
    if (Double.isNaN(value)) {
      throw new AssertionError(problem.divergence() + ": term(log p = " + logP + ", ...) at "
          + "response " + y + " gives NaN; the Divergence contract forbids NaN for non-NaN input");
    }
    return value;
  }

  /**
   * The same dual, with each maximum located by bisection on its derivative from f' (the
   * divergence's {@link Divergence#fPrimeOfLogRatio(double)}): a cross-check of f' against f,
   * reliable where the ratios {@code p / pi_i(y)} are moderate ({@code +inf} when some phi_y seems
   * unbounded, which happens when f' rounds to its limit).
   */
  public static double dualBoundFromDerivative(RegularizedProblem problem, double lambda) {
    double total = lambda;
    for (int y = 0; y < problem.references().responses(); y++) {
      total += maxByDerivative(problem, y, lambda);
    }
    return total;
  }

  private static double maxByDerivative(RegularizedProblem problem, int y, double lambda) {
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

package io.github.multiref.solvers;

import java.util.function.DoubleUnaryOperator;

/**
 * Root finding for monotone functions on a bracket (Brent's method: inverse quadratic
 * interpolation and secant steps, safeguarded by bisection). Infinite function values are allowed
 * (a sum of f' terms overflows where a ratio is astronomically large): they only carry a sign, so
 * a step next to one bisects.
 */
final class Roots {

  private Roots() {}

  /** A root and the evaluations spent. */
  record Root(double x, int evaluations) {}

  /**
   * A root of {@code g} in {@code [a, b]}, where {@code g(a)} and {@code g(b)} have opposite signs
   * (or one is zero), to within {@code tolerance + 4 ulp(x)}. Values of g may be infinite, never
   * NaN.
   *
   * @throws IllegalArgumentException if the bracket does not change sign
   * @throws ArithmeticException if {@code maxEvaluations} is spent first
   */
  static Root brent(DoubleUnaryOperator g, double a, double b, double tolerance,
      int maxEvaluations) {
    double fa = g.applyAsDouble(a);
    double fb = g.applyAsDouble(b);
    int evaluations = 2;
    if (fa == 0) {
      return new Root(a, evaluations);
    }
    if (fb == 0) {
      return new Root(b, evaluations);
    }
    if (Math.signum(fa) == Math.signum(fb)) {
      throw new IllegalArgumentException(
          "no sign change on [" + a + ", " + b + "]: g = " + fa + ", " + fb);
    }
    double c = a;
    double fc = fa;
    double d = b - a;
    double e = d;
    while (true) {
      if (Math.signum(fb) == Math.signum(fc)) {
        c = a;
        fc = fa;
        d = b - a;
        e = d;
      }
      if (Math.abs(fc) < Math.abs(fb)) {
        a = b;
        b = c;
        c = a;
        fa = fb;
        fb = fc;
        fc = fa;
      }
      double tol = 2 * Math.ulp(b) + 0.5 * tolerance;
      double m = 0.5 * (c - b);
      if (Math.abs(m) <= tol || fb == 0) {
        return new Root(b, evaluations);
      }
      if (evaluations >= maxEvaluations) {
        throw new ArithmeticException("root not found to " + tolerance + " within "
            + maxEvaluations + " evaluations; bracket [" + b + ", " + c + "]");
      }
      if (Math.abs(e) < tol || Math.abs(fa) <= Math.abs(fb)
          || !(Double.isFinite(fa) && Double.isFinite(fc))) {
        d = m;
        e = m;
      } else {
        double s = fb / fa;
        double p;
        double q;
        if (a == c) {
          p = 2 * m * s;
          q = 1 - s;
        } else {
          double qa = fa / fc;
          double r = fb / fc;
          p = s * (2 * m * qa * (qa - r) - (b - a) * (r - 1));
          q = (qa - 1) * (r - 1) * (s - 1);
        }
        if (p > 0) {
          q = -q;
        } else {
          p = -p;
        }
        if (2 * p < Math.min(3 * m * q - Math.abs(tol * q), Math.abs(e * q))) {
          e = d;
          d = p / q;
        } else {
          d = m;
          e = m;
        }
      }
      a = b;
      fa = fb;
      b += Math.abs(d) > tol ? d : Math.copySign(tol, m);
      fb = g.applyAsDouble(b);
      evaluations++;
    }
  }
}

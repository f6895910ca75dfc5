package io.github.multiref.solvers;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogMath;
import java.util.function.DoubleUnaryOperator;

/**
 * The per-response side of the general solver's KKT conditions: a monotone function {@code
 * S_y(log p)} built from one term per weighted reference with mass at y, evaluated at the
 * log-ratios {@code log p - log pi_i(y)}, and its inverse in {@code log p}. Which function depends
 * on how the multiplier is parametrized ({@link Multiplier}):
 *
 * <ul>
 *   <li>the log of the gap sum {@code sum_i alpha_i (f'(inf) - f'(p/pi_i))}, when {@code f'(inf)}
 *       is finite;
 *   <li>the log of the excess sum {@code sum_i alpha_i (f'(p/pi_i) - f'(0+))}, when {@code f'(0+)}
 *       is finite and {@code f'(inf)} is not;
 *   <li>the derivative sum {@code sum_i alpha_i f'(p/pi_i)} itself otherwise.
 * </ul>
 *
 * A divergence with a {@link Divergence.PowerForm} gets each in closed form, exact at any
 * magnitude; any other gets them from its own methods, inverted by a bracketed root.
 */
abstract class ResponseSum {

  final KktResponses responses;

  ResponseSum(KktResponses responses) {
    this.responses = responses;
  }

  /** {@code S_y(logP)}. */
  abstract double at(int y, double logP);

  /** The {@code log p} with {@code S_y(log p) = target}. */
  abstract double solve(int y, double target);

  /** The gap, excess or derivative sum of a power form: {@code b != 0} in log space, else linear. */
  static ResponseSum power(KktResponses responses, Divergence.PowerForm form) {
    if (form.exponent() == 0.0) {
      return new LogLinear(responses, form);
    }
    return new PowerLaw(responses, form);
  }

  /**
   * For {@code b != 0} the gap sum ({@code b < 0}) and the excess sum ({@code b > 0}) are both
   * {@code (c / |b|) p^b sum_i alpha_i pi_i(y)^-b}: in logs, {@code log(c/|b|) + log T_y + b log
   * p}, with {@code log T_y} a log-sum-exp over the references, so no ratio is ever exponentiated.
   */
  private static final class PowerLaw extends ResponseSum {
    private final double exponent;
    private final double[] offset; // log(c/|b|) + log T_y

    PowerLaw(KktResponses responses, Divergence.PowerForm form) {
      super(responses);
      exponent = form.exponent();
      double logCoefficient = Math.log(form.scale() / Math.abs(exponent));
      offset = new double[responses.n];
      double[] terms = new double[0];
      for (int y = 0; y < responses.n; y++) {
        double[] lq = responses.logRef[y];
        if (lq == null) {
          continue;
        }
        if (terms.length < lq.length) {
          terms = new double[lq.length];
        }
        for (int j = 0; j < lq.length; j++) {
          terms[j] = responses.logWeight[y][j] - exponent * lq[j];
        }
        offset[y] = logCoefficient + LogMath.logSumExp(terms, 0, lq.length);
      }
    }

    @Override
    double at(int y, double logP) {
      return offset[y] + exponent * logP;
    }

    @Override
    double solve(int y, double target) {
      return (target - offset[y]) / exponent;
    }
  }

  /**
   * For {@code b = 0}, {@code f'(t) = shift + c log t}: the derivative sum is {@code A shift + c (A
   * log p - sum_i alpha_i log pi_i(y))}, linear in {@code log p}, with A the weight of the
   * references with mass at y.
   */
  private static final class LogLinear extends ResponseSum {
    private final double shift;
    private final double scale;
    private final double[] weightedLogRef;

    LogLinear(KktResponses responses, Divergence.PowerForm form) {
      super(responses);
      shift = form.shift();
      scale = form.scale();
      weightedLogRef = new double[responses.n];
      for (int y = 0; y < responses.n; y++) {
        double[] lq = responses.logRef[y];
        if (lq != null) {
          double s = 0;
          for (int j = 0; j < lq.length; j++) {
            s += responses.weight[y][j] * lq[j];
          }
          weightedLogRef[y] = s;
        }
      }
    }

    @Override
    double at(int y, double logP) {
      double a = responses.massWeight[y];
      return a * shift + scale * (a * logP - weightedLogRef[y]);
    }

    @Override
    double solve(int y, double target) {
      double a = responses.massWeight[y];
      return ((target - a * shift) / scale + weightedLogRef[y]) / a;
    }
  }

  /**
   * Any divergence: {@code S_y} summed term by term from a per-ratio function {@code phi(log t)}
   * (in log space for the gap and excess sums) and inverted by a bracketed root. Each term lies
   * between its values at the smallest and the largest reference, so the root lies in {@code
   * [min_i log pi_i(y), max_i log pi_i(y)] + phi^-1(target / A)}; when the references agree (K = 1
   * in particular) that is the answer.
   */
  static final class Generic extends ResponseSum {
    private final Divergence divergence;
    private final boolean logSpace;
    private final DoubleUnaryOperator phi;
    private final DoubleUnaryOperator phiInverse;
    private final String what;
    private final double tolerance;
    private final int maxEvaluations;
    /** Scratch for the log-sum-exp; a solver makes one instance per prompt. */
    private final double[] terms;

    /**
     * @param logSpace whether {@code phi} is a log and the terms are combined by log-sum-exp
     * @param what what phi is, for error messages
     */
    Generic(KktResponses responses, Divergence divergence, boolean logSpace,
        DoubleUnaryOperator phi, DoubleUnaryOperator phiInverse, String what, double tolerance,
        int maxEvaluations) {
      super(responses);
      this.divergence = divergence;
      this.logSpace = logSpace;
      this.phi = phi;
      this.phiInverse = phiInverse;
      this.what = what;
      this.tolerance = tolerance;
      this.maxEvaluations = maxEvaluations;
      int widest = 0;
      for (double[] lq : responses.logRef) {
        widest = lq == null ? widest : Math.max(widest, lq.length);
      }
      terms = new double[widest];
    }

    @Override
    double at(int y, double logP) {
      double[] lq = responses.logRef[y];
      if (!logSpace) {
        double value = 0;
        for (int j = 0; j < lq.length; j++) {
          value += responses.weight[y][j] * checked(y, logP - lq[j]);
        }
        return value;
      }
      if (lq.length == 1) {
        return responses.logWeight[y][0] + checked(y, logP - lq[0]);
      }
      for (int j = 0; j < lq.length; j++) {
        terms[j] = responses.logWeight[y][j] + checked(y, logP - lq[j]);
      }
      return LogMath.logSumExp(terms, 0, lq.length);
    }

    private double checked(int y, double logRatio) {
      double v = phi.applyAsDouble(logRatio);
      if (Double.isNaN(v)) {
        throw new ArithmeticException("prompt '" + responses.prompt + "': the general solver"
            + " with divergence " + divergence + " got NaN for " + what + " at log t = "
            + logRatio + " (response " + y + ")");
      }
      return v;
    }

    @Override
    double solve(int y, double target) {
      double a = responses.massWeight[y];
      double base = phiInverse.applyAsDouble(logSpace ? target - Math.log(a) : target / a);
      double lo = responses.minLogRef[y] + base;
      double hi = responses.maxLogRef[y] + base;
      if (base == Double.POSITIVE_INFINITY) {
        throw new ArithmeticException("prompt '" + responses.prompt + "': the general solver"
            + " with divergence " + divergence + " needs the ratio t at which " + what + " is "
            + (logSpace ? "exp(" + target + ")" : target) + " (response " + y + "), and the"
            + " divergence's inverse gave +inf: it cannot resolve f' that close to its limit;"
            + " its logFPrimeGap and logRatioAtFPrimeGap (or a power form) must be exact there");
      }
      if (responses.referencesAgree(y) || !(lo > Double.NEGATIVE_INFINITY)
          || !(hi < Double.POSITIVE_INFINITY)) {
        return lo;
      }
      DoubleUnaryOperator g = u -> at(y, u) - target;
      try {
        return Roots.brent(g, lo, hi, tolerance, maxEvaluations).x();
      } catch (IllegalArgumentException rounding) {
        // the bracket holds mathematically; at its ends rounding can put the root just outside
        return Math.abs(g.applyAsDouble(lo)) <= Math.abs(g.applyAsDouble(hi)) ? lo : hi;
      } catch (ArithmeticException e) {
        throw new ArithmeticException("prompt '" + responses.prompt + "': the general solver"
            + " with divergence " + divergence + " found no inner root for response " + y
            + ": " + e.getMessage());
      }
    }
  }
}

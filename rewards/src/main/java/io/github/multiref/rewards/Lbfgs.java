package io.github.multiref.rewards;

import io.github.multiref.api.Stability;
import java.util.Arrays;
import java.util.Objects;

/**
 * Limited-memory BFGS for smooth minimization, with a backtracking line search that accepts a
 * step by the Armijo condition, or, where f changes only at rounding level (near the optimum of a
 * large sum), by the approximate Wolfe conditions of Hager and Zhang on the directional derivative:
 * {@code f_new <= f + 1e-12 |f|} and {@code (2 delta - 1) f'(0) >= f'(step) >= sigma f'(0)}.
 *
 * <p>Stops when the gradient's largest component is at most {@code tolerance * max(1, |f|)};
 * throws {@link ArithmeticException} when the iteration budget runs out first, or when the line
 * search cannot decrease f (which for a convex objective means the tolerance is below what double
 * arithmetic resolves). Keeps no state between calls.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class Lbfgs {

  /** The objective: writes the gradient at x into g and returns f(x). */
  @FunctionalInterface
  @Stability(Stability.Status.EXPERIMENTAL)
  public interface Objective {
    double valueAndGradient(double[] x, double[] g);
  }

  /**
   * The minimizer found.
   *
   * @param x the point
   * @param value f(x)
   * @param iterations iterations spent
   * @param gradientNorm the largest gradient component at x
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Result(double[] x, double value, int iterations, double gradientNorm) {
    /** Keeps a copy of the point. */
    public Result {
      x = x.clone();
    }

    /** A copy of the point. */
    @Override
    public double[] x() {
      return x.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Result r && Arrays.equals(x, r.x) && Double.compare(value, r.value) == 0
          && iterations == r.iterations && Double.compare(gradientNorm, r.gradientNorm) == 0;
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(x) + Objects.hash(value, iterations, gradientNorm);
    }

    @Override
    public String toString() {
      return "Result[x=" + Arrays.toString(x) + ", value=" + value + ", iterations=" + iterations
          + ", gradientNorm=" + gradientNorm + "]";
    }
  }

  private final double tolerance;
  private final int maxIterations;
  private final int memory;

  private Lbfgs(double tolerance, int maxIterations, int memory) {
    this.tolerance = tolerance;
    this.maxIterations = maxIterations;
    this.memory = memory;
  }

  /**
   * An optimizer.
   *
   * @throws IllegalArgumentException unless tolerance > 0, maxIterations >= 1, memory >= 1
   */
  public static Lbfgs of(double tolerance, int maxIterations, int memory) {
    if (!(tolerance > 0 && tolerance < 1)) {
      throw new IllegalArgumentException("tolerance must be in (0, 1), got " + tolerance);
    }
    if (maxIterations < 1 || memory < 1) {
      throw new IllegalArgumentException("max-iterations and memory must be >= 1, got "
          + maxIterations + " and " + memory);
    }
    return new Lbfgs(tolerance, maxIterations, memory);
  }

  /** Minimizes f from {@code start} (not modified). */
  public Result minimize(Objective f, double[] start) {
    int n = start.length;
    double[] x = start.clone();
    double[] g = new double[n];
    double value = f.valueAndGradient(x, g);
    double[][] s = new double[memory][n];
    double[][] y = new double[memory][n];
    double[] rho = new double[memory];
    double[] alpha = new double[memory];
    int stored = 0;
    int newest = -1;
    double[] direction = new double[n];
    double[] xNew = new double[n];
    double[] gNew = new double[n];
    for (int iteration = 0; ; iteration++) {
      double norm = maxAbs(g);
      if (norm <= tolerance * Math.max(1.0, Math.abs(value))) {
        return new Result(x, value, iteration, norm);
      }
      if (iteration >= maxIterations) {
        throw new ArithmeticException("L-BFGS did not reach gradient " + tolerance
            + " (relative) within " + maxIterations + " iterations; gradient " + norm);
      }
      // two-loop recursion: direction = -H g
      for (int i = 0; i < n; i++) {
        direction[i] = -g[i];
      }
      for (int k = 0; k < stored; k++) {
        int j = Math.floorMod(newest - k, memory);
        alpha[j] = rho[j] * dot(s[j], direction);
        axpy(-alpha[j], y[j], direction);
      }
      if (stored > 0) {
        double gamma = dot(s[newest], y[newest]) / dot(y[newest], y[newest]);
        for (int i = 0; i < n; i++) {
          direction[i] *= gamma;
        }
      } else {
        double scale = 1.0 / Math.max(1.0, norm);
        for (int i = 0; i < n; i++) {
          direction[i] *= scale;
        }
      }
      for (int k = stored - 1; k >= 0; k--) {
        int j = Math.floorMod(newest - k, memory);
        double b = rho[j] * dot(y[j], direction);
        axpy(alpha[j] - b, s[j], direction);
      }
      double slope = dot(g, direction);
      if (!(slope < 0)) { // not a descent direction: restart from steepest descent
        stored = 0;
        for (int i = 0; i < n; i++) {
          direction[i] = -g[i] / Math.max(1.0, norm);
        }
        slope = dot(g, direction);
      }
      double step = 1.0;
      double valueNew;
      int backtracks = 0;
      while (true) {
        for (int i = 0; i < n; i++) {
          xNew[i] = x[i] + step * direction[i];
        }
        valueNew = f.valueAndGradient(xNew, gNew);
        if (valueNew <= value + 1e-4 * step * slope) {
          break;
        }
        double slopeNew = dot(gNew, direction);
        if (valueNew <= value + 1e-12 * Math.abs(value)
            && slopeNew >= 0.9 * slope && slopeNew <= (2 * 1e-4 - 1) * slope) {
          break; // approximate Wolfe: progress certified by the derivative
        }
        step *= 0.5;
        if (++backtracks > 60) {
          throw new ArithmeticException("L-BFGS line search cannot decrease the objective at"
              + " iteration " + iteration + " (gradient " + norm + "): tolerance " + tolerance
              + " is below what double arithmetic resolves here");
        }
      }
      int slot = (newest + 1) % memory;
      double sy = 0;
      for (int i = 0; i < n; i++) {
        s[slot][i] = xNew[i] - x[i];
        y[slot][i] = gNew[i] - g[i];
        sy += s[slot][i] * y[slot][i];
      }
      if (sy > 1e-300) { // keep curvature pairs that preserve positive definiteness
        rho[slot] = 1.0 / sy;
        newest = slot;
        stored = Math.min(stored + 1, memory);
      }
      double[] t = x;
      x = xNew;
      xNew = t;
      t = g;
      g = gNew;
      gNew = t;
      value = valueNew;
    }
  }

  private static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  private static void axpy(double a, double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      y[i] += a * x[i];
    }
  }

  private static double maxAbs(double[] g) {
    double m = 0;
    for (double v : g) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }
}

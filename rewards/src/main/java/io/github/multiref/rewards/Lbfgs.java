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
    History history = new History(memory, n);
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
      history.direction(g, norm, direction);
      double slope = dot(g, direction);
      if (!(slope < 0)) { // not a descent direction: restart from steepest descent
        history.forget();
        for (int i = 0; i < n; i++) {
          direction[i] = -g[i] / Math.max(1.0, norm);
        }
        slope = dot(g, direction);
      }
      double valueNew = lineSearch(f, x, value, g, direction, slope, xNew, gNew, iteration,
          norm);
      history.add(x, xNew, g, gNew);
      double[] t = x;
      x = xNew;
      xNew = t;
      t = g;
      g = gNew;
      gNew = t;
      value = valueNew;
    }
  }

  /**
   * Backtracks from step 1 along the direction until the Armijo condition holds (or an
   * approximate Wolfe condition certifies progress by the derivative); the new point and its
   * gradient go to {@code xNew} and {@code gNew}, its value is returned.
   */
  private double lineSearch(Objective f, double[] x, double value, double[] g,
      double[] direction, double slope, double[] xNew, double[] gNew, int iteration,
      double norm) {
    double step = 1.0;
    for (int backtracks = 0; ; backtracks++) {
      for (int i = 0; i < x.length; i++) {
        xNew[i] = x[i] + step * direction[i];
      }
      double valueNew = f.valueAndGradient(xNew, gNew);
      if (valueNew <= value + 1e-4 * step * slope) {
        return valueNew;
      }
      double slopeNew = dot(gNew, direction);
      if (valueNew <= value + 1e-12 * Math.abs(value)
          && slopeNew >= 0.9 * slope && slopeNew <= (2 * 1e-4 - 1) * slope) {
        return valueNew; // approximate Wolfe: progress certified by the derivative
      }
      step *= 0.5;
      if (backtracks + 1 > 60) {
        throw new ArithmeticException("L-BFGS line search cannot decrease the objective at"
            + " iteration " + iteration + " (gradient " + norm + "): tolerance " + tolerance
            + " is below what double arithmetic resolves here");
      }
    }
  }

  /** The last {@code memory} curvature pairs {@code (s, y)}, in a ring. */
  private static final class History {
    final double[][] s;
    final double[][] y;
    final double[] rho;
    final double[] alpha;
    int stored;
    int newest = -1;

    History(int memory, int n) {
      s = new double[memory][n];
      y = new double[memory][n];
      rho = new double[memory];
      alpha = new double[memory];
    }

    /** The two-loop recursion: {@code direction = -H g}. */
    void direction(double[] g, double norm, double[] direction) {
      int memory = rho.length;
      for (int i = 0; i < g.length; i++) {
        direction[i] = -g[i];
      }
      for (int k = 0; k < stored; k++) {
        int j = Math.floorMod(newest - k, memory);
        alpha[j] = rho[j] * dot(s[j], direction);
        axpy(-alpha[j], y[j], direction);
      }
      double scale = stored > 0 ? dot(s[newest], y[newest]) / dot(y[newest], y[newest])
          : 1.0 / Math.max(1.0, norm);
      for (int i = 0; i < g.length; i++) {
        direction[i] *= scale;
      }
      for (int k = stored - 1; k >= 0; k--) {
        int j = Math.floorMod(newest - k, memory);
        double b = rho[j] * dot(y[j], direction);
        axpy(alpha[j] - b, s[j], direction);
      }
    }

    void forget() {
      stored = 0;
    }

    /** Keeps the step's pair when it preserves positive definiteness. */
    void add(double[] x, double[] xNew, double[] g, double[] gNew) {
      int slot = (newest + 1) % rho.length;
      double sy = 0;
      for (int i = 0; i < x.length; i++) {
        s[slot][i] = xNew[i] - x[i];
        y[slot][i] = gNew[i] - g[i];
        sy += s[slot][i] * y[slot][i];
      }
      if (sy > 1e-300) {
        rho[slot] = 1.0 / sy;
        newest = slot;
        stored = Math.min(stored + 1, rho.length);
      }
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

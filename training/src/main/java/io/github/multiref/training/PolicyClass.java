package io.github.multiref.training;

import io.github.multiref.api.Stability;

/**
 * How a policy's parameters give the logits of each prompt's candidates, {@code log pi(y|x) =
 * logit(x, y) - logsumexp_y logit(x, y)}, and how a gradient in the logits goes back to the
 * parameters.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public interface PolicyClass {

  /** The number of parameters. */
  int dimension();

  /** The logit of every row of the data (each prompt's candidates) at {@code theta}. */
  void logits(double[] theta, double[] logits);

  /** {@code out = d objective / d theta} from {@code gradLogits = d objective / d logits}. */
  void backward(double[] gradLogits, double[] out);

  /** {@code "tabular"} or {@code "linear"}. */
  String name();

  /** One logit per prompt and candidate: the parameters are the logits. */
  static PolicyClass tabular(DpoData data) {
    int rows = data.rows();
    return new PolicyClass() {
      @Override
      public int dimension() {
        return rows;
      }

      @Override
      public void logits(double[] theta, double[] logits) {
        System.arraycopy(theta, 0, logits, 0, rows);
      }

      @Override
      public void backward(double[] gradLogits, double[] out) {
        System.arraycopy(gradLogits, 0, out, 0, rows);
      }

      @Override
      public String name() {
        return "tabular";
      }
    };
  }

  /**
   * Log-linear: {@code logit(x, y) = theta . phi(x, y)}.
   *
   * @param features {@code phi} of every row of the data, each of the same dimension d >= 1
   * @throws IllegalArgumentException on a missing row, a wrong dimension or a non-finite feature
   */
  static PolicyClass linear(DpoData data, double[][] features) {
    if (features.length != data.rows()) {
      throw new IllegalArgumentException("features has " + features.length + " rows but the data"
          + " has " + data.rows() + " candidates");
    }
    int d = features[0].length;
    if (d == 0) {
      throw new IllegalArgumentException("features must have dimension >= 1");
    }
    double[] flat = new double[Math.multiplyExact(features.length, d)];
    for (int r = 0; r < features.length; r++) {
      if (features[r].length != d) {
        throw new IllegalArgumentException("feature row " + r + " has dimension "
            + features[r].length + " but row 0 has " + d);
      }
      for (int j = 0; j < d; j++) {
        if (!Double.isFinite(features[r][j])) {
          throw new IllegalArgumentException("feature row " + r + ", entry " + j + " is "
              + features[r][j] + "; expected a finite number");
        }
        flat[r * d + j] = features[r][j];
      }
    }
    int rows = features.length;
    return new PolicyClass() {
      @Override
      public int dimension() {
        return d;
      }

      @Override
      public void logits(double[] theta, double[] logits) {
        for (int r = 0; r < rows; r++) {
          double s = 0;
          for (int j = 0; j < d; j++) {
            s += flat[r * d + j] * theta[j];
          }
          logits[r] = s;
        }
      }

      @Override
      public void backward(double[] gradLogits, double[] out) {
        java.util.Arrays.fill(out, 0.0);
        for (int r = 0; r < rows; r++) {
          double g = gradLogits[r];
          if (g != 0) {
            for (int j = 0; j < d; j++) {
              out[j] += g * flat[r * d + j];
            }
          }
        }
      }

      @Override
      public String name() {
        return "linear";
      }
    };
  }
}

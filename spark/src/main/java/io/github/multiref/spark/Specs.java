package io.github.multiref.spark;

/** The checks the specs share, with the command line's messages. */
final class Specs {

  private Specs() {}

  static void checkName(String what, String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(what + " must be a name, got " + name);
    }
  }

  static void checkBeta(double beta) {
    if (!(beta > 0 && beta < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("beta must be finite and > 0, got " + beta);
    }
  }

  /**
   * A copy of the weights after the checks of {@code --weights}: finite, non-negative, summing
   * to 1 within 1e-6; null stays null. They are kept as given and divided by their sum where they
   * are used ({@link #normalized}), once, as the command line does.
   */
  static double[] checkWeights(double[] weights) {
    if (weights == null) {
      return null;
    }
    if (weights.length == 0) {
      throw new IllegalArgumentException("weights must not be empty");
    }
    double sum = 0;
    for (int k = 0; k < weights.length; k++) {
      if (!(weights[k] >= 0 && weights[k] < Double.POSITIVE_INFINITY)) {
        throw new IllegalArgumentException("weight " + (k + 1) + " is " + weights[k]
            + "; weights must be finite and non-negative");
      }
      sum += weights[k];
    }
    if (Math.abs(sum - 1) > 1e-6) {
      throw new IllegalArgumentException("weights must sum to 1 within 1e-6, got " + sum);
    }
    return weights.clone();
  }

  /** The weights divided by their sum (the command line's doubles), or uniform over k if null. */
  static double[] normalized(double[] weights, int k) {
    double[] out = new double[k];
    if (weights == null) {
      java.util.Arrays.fill(out, 1.0 / k);
      return out;
    }
    double sum = 0;
    for (double w : weights) {
      sum += w;
    }
    for (int i = 0; i < k; i++) {
      out[i] = weights[i] / sum;
    }
    return out;
  }
}

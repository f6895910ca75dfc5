package io.github.multiref.solvers.dpo;

import io.github.multiref.api.Stability;
import java.util.Arrays;
import java.util.Optional;

/** How the K references are weighted for one preference pair. */
@Stability(Stability.Status.EXPERIMENTAL)
public interface ReferenceWeighting {

  /**
   * The weights alpha on the simplex for a pair whose references give the chosen and rejected
   * responses the log-probabilities {@code refChosen} and {@code refRejected}.
   */
  double[] weights(double[] refChosen, double[] refRejected);

  /** Its description, for summaries. */
  String describe();

  /**
   * The weights, when they are the same for every pair (then batches are scored column by
   * column); empty when they depend on the pair. A fresh array.
   */
  default Optional<double[]> fixedWeights() {
    return Optional.empty();
  }

  /**
   * The same weights for every pair.
   *
   * @throws IllegalArgumentException unless finite, non-negative and summing to 1 within 1e-9
   */
  static ReferenceWeighting fixed(double... alpha) {
    double sum = 0;
    for (int i = 0; i < alpha.length; i++) {
      if (!(alpha[i] >= 0 && alpha[i] < Double.POSITIVE_INFINITY)) {
        throw new IllegalArgumentException(
            "weight " + i + " must be finite and non-negative, got " + alpha[i]);
      }
      sum += alpha[i];
    }
    if (alpha.length == 0 || Math.abs(sum - 1) > 1e-9) {
      throw new IllegalArgumentException("weights must sum to 1 within 1e-9, got " + sum);
    }
    return new Fixed(alpha.clone());
  }

  /** Weights that are the same for every pair. */
  @Stability(Stability.Status.EXPERIMENTAL)
  final class Fixed implements ReferenceWeighting {
    private final double[] alpha;

    private Fixed(double[] alpha) {
      this.alpha = alpha;
    }

    /** A copy of the weights. */
    public double[] alpha() {
      return alpha.clone();
    }

    @Override
    public Optional<double[]> fixedWeights() {
      return Optional.of(alpha.clone());
    }

    @Override
    public double[] weights(double[] refChosen, double[] refRejected) {
      if (refChosen.length != alpha.length) {
        throw new IllegalArgumentException("there are " + alpha.length + " weights but "
            + refChosen.length + " references");
      }
      return alpha;
    }

    @Override
    public String describe() {
      return "fixed " + Arrays.toString(alpha);
    }
  }

  /**
   * MRPO's adaptive weights (Le et al. 2024), generalized from two to K references: reference k
   * gets weight in proportion to its confidence {@code |d_k|}, {@code d_k = log pi_k(y_w) - log
   * pi_k(y_l)}; uniform when no reference prefers either response.
   */
  static ReferenceWeighting adaptive() {
    return new ReferenceWeighting() {
      @Override
      public double[] weights(double[] refChosen, double[] refRejected) {
        int k = refChosen.length;
        double[] a = new double[k];
        double sum = 0;
        for (int i = 0; i < k; i++) {
          a[i] = Math.abs(refChosen[i] - refRejected[i]);
          sum += a[i];
        }
        for (int i = 0; i < k; i++) {
          a[i] = sum > 0 ? a[i] / sum : 1.0 / k;
        }
        return a;
      }

      @Override
      public String describe() {
        return "adaptive (MRPO)";
      }
    };
  }
}

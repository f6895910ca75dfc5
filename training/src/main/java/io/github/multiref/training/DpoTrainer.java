package io.github.multiref.training;

import io.github.multiref.api.Stability;
import io.github.multiref.rewards.Lbfgs;
import io.github.multiref.solvers.dpo.MultiReferenceDpo;
import io.github.multiref.solvers.dpo.PairScore;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A policy over each prompt's candidates ({@link PolicyClass}: tabular or log-linear) trained by
 * minimizing the multi-reference DPO loss of a {@link MultiReferenceDpo} scorer (any divergence,
 * any loss, fixed or adaptive weights) summed over the pairs, plus an optional ridge {@code
 * (l2/2) |theta|^2}: by full-batch L-BFGS ({@link #lbfgs}) or by seeded mini-batch Adam ({@link
 * #adam}).
 *
 * <p>The gradient: with {@code g_w, g_l} the scorer's derivatives of a pair's loss in {@code log
 * pi(y_w)} and {@code log pi(y_l)}, and {@code d log pi(y)/d logit(y') = [y = y'] - pi(y')}, a
 * pair adds {@code g_w} to its chosen logit, {@code g_l} to its rejected one, and {@code -(g_w +
 * g_l) pi(y')} to every logit of its prompt; the policy class takes that back to its parameters
 * (docs/math.md#dpo-training).
 *
 * <p>Unregularized, a tabular loss is invariant to a constant added to a prompt's logits. A
 * candidate that no pair compares is identified only through normalization (forward KL, general
 * f) or not at all (reverse KL, whose loss sees only log-probability differences): compare every
 * candidate, or add a ridge. Separable pairs have no finite optimum without a ridge: L-BFGS then
 * stops where the loss's slope falls below its tolerance, at logits tens of nats apart.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class DpoTrainer {

  private DpoTrainer() {}

  /**
   * A trained policy.
   *
   * @param logProbs {@code log pi(y|x)} per prompt, normalized over its candidates
   * @param parameters the policy class's parameters
   * @param objective the loss summed over the pairs, plus the ridge, at the end
   * @param iterations L-BFGS iterations, or Adam steps
   * @param gradientNorm the largest gradient component at the end (full batch)
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Trained(double[][] logProbs, double[] parameters, double objective,
      int iterations, double gradientNorm) {
    public Trained {
      logProbs = copy(logProbs);
      parameters = parameters.clone();
    }

    @Override
    public double[] parameters() {
      return parameters.clone();
    }

    @Override
    public double[][] logProbs() {
      return copy(logProbs);
    }

    private static double[][] copy(double[][] a) {
      double[][] c = new double[a.length][];
      for (int i = 0; i < a.length; i++) {
        c[i] = a[i].clone();
      }
      return c;
    }
  }

  /**
   * The objective and its gradient at {@code theta} (the policy class's parameters), over the
   * pairs {@code pairs[from .. to - 1]} (or every pair when {@code pairs} is null), the ridge
   * scaled by {@code ridgeScale}.
   */
  static double objective(DpoData data, PolicyClass policy, MultiReferenceDpo scorer, double l2,
      double[] theta, double[] grad, int[] pairs, int from, int to, double ridgeScale) {
    int rows = data.rows();
    double[] logits = new double[rows];
    policy.logits(theta, logits);
    double[] logPi = new double[rows];
    double[] pi = new double[rows];
    for (int x = 0; x < data.prompts(); x++) {
      int o = data.offset(x);
      int n = data.candidates(x);
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        max = Math.max(max, logits[o + j]);
      }
      double sum = 0;
      for (int j = 0; j < n; j++) {
        sum += Math.exp(logits[o + j] - max);
      }
      double log = max + Math.log(sum);
      for (int j = 0; j < n; j++) {
        logPi[o + j] = logits[o + j] - log;
        pi[o + j] = Math.exp(logPi[o + j]);
      }
    }
    double[] gradLogits = new double[rows];
    double[] promptSlope = new double[data.prompts()];
    int k = data.references();
    double[] refW = new double[k];
    double[] refL = new double[k];
    double value = 0;
    int count = pairs == null ? data.pairs() : to - from;
    for (int c = 0; c < count; c++) {
      int p = pairs == null ? c : pairs[from + c];
      int w = data.chosen(p);
      int l = data.rejected(p);
      for (int i = 0; i < k; i++) {
        refW[i] = data.refLogProb(w, i);
        refL[i] = data.refLogProb(l, i);
      }
      PairScore s = scorer.score(logPi[w], logPi[l], refW, refL);
      value += s.loss();
      gradLogits[w] += s.gradChosen();
      gradLogits[l] += s.gradRejected();
      promptSlope[data.pairPrompt(p)] += s.gradChosen() + s.gradRejected();
    }
    for (int x = 0; x < data.prompts(); x++) {
      int o = data.offset(x);
      for (int j = 0; j < data.candidates(x); j++) {
        gradLogits[o + j] -= promptSlope[x] * pi[o + j];
      }
    }
    policy.backward(gradLogits, grad);
    if (l2 > 0) {
      for (int r = 0; r < theta.length; r++) {
        value += 0.5 * l2 * ridgeScale * theta[r] * theta[r];
        grad[r] += l2 * ridgeScale * theta[r];
      }
    }
    return value;
  }

  /**
   * Full-batch L-BFGS from uniform logits, to the optimizer's tolerance or its refusal.
   *
   * @throws ArithmeticException when L-BFGS does not converge within its budget (separable data
   *     without a ridge has no finite optimum)
   */
  public static Trained lbfgs(DpoData data, PolicyClass policy, MultiReferenceDpo scorer,
      double l2, Lbfgs optimizer) {
    check(data, scorer, l2);
    Lbfgs.Objective f = (theta, g) -> objective(data, policy, scorer, l2, theta, g, null, 0, 0,
        1);
    Lbfgs.Result r = optimizer.minimize(f, new double[policy.dimension()]);
    return trained(data, policy, r.x(), r.value(), r.iterations(), r.gradientNorm());
  }

  /**
   * Adam's settings.
   *
   * @param learningRate the step size, {@code > 0}
   * @param batchSize pairs per step, {@code >= 1}
   * @param epochs passes over the shuffled pairs, {@code >= 1}
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Adam(double learningRate, int batchSize, int epochs) {
    public Adam {
      if (!(learningRate > 0 && learningRate < Double.POSITIVE_INFINITY) || batchSize < 1
          || epochs < 1) {
        throw new IllegalArgumentException("Adam needs learning rate > 0, batch size >= 1 and"
            + " epochs >= 1, got " + learningRate + ", " + batchSize + ", " + epochs);
      }
    }
  }

  /** What an epoch ended with: its number (from 1) and the full-batch objective. */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Epoch(int epoch, double objective) {}

  /**
   * Seeded mini-batch Adam (beta1 0.9, beta2 0.999, epsilon 1e-8) on the mean loss of each
   * batch (the ridge scaled to the batch), the pairs shuffled each epoch by {@code random}.
   */
  public static Trained adam(DpoData data, PolicyClass policy, MultiReferenceDpo scorer,
      double l2, Adam settings, RandomGenerator random, Consumer<Epoch> progress) {
    check(data, scorer, l2);
    Objects.requireNonNull(random, "random");
    int rows = policy.dimension();
    int n = data.pairs();
    double[] theta = new double[rows];
    double[] grad = new double[rows];
    double[] m = new double[rows];
    double[] v = new double[rows];
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    int step = 0;
    for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
      for (int i = n - 1; i > 0; i--) { // Fisher-Yates
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      for (int from = 0; from < n; from += settings.batchSize()) {
        int to = Math.min(n, from + settings.batchSize());
        int size = to - from;
        objective(data, policy, scorer, l2, theta, grad, order, from, to, (double) size / n);
        step++;
        double c1 = 1 - Math.pow(0.9, step);
        double c2 = 1 - Math.pow(0.999, step);
        for (int r = 0; r < rows; r++) {
          double g = grad[r] / size;
          m[r] = 0.9 * m[r] + 0.1 * g;
          v[r] = 0.999 * v[r] + 0.001 * g * g;
          theta[r] -= settings.learningRate() * (m[r] / c1) / (Math.sqrt(v[r] / c2) + 1e-8);
        }
      }
      if (progress != null) {
        progress.accept(new Epoch(epoch, objective(data, policy, scorer, l2, theta, grad, null,
            0, 0, 1)));
      }
    }
    double value = objective(data, policy, scorer, l2, theta, grad, null, 0, 0, 1);
    double norm = 0;
    for (double g : grad) {
      norm = Math.max(norm, Math.abs(g));
    }
    return trained(data, policy, theta, value, step, norm);
  }

  private static Trained trained(DpoData data, PolicyClass policy, double[] theta,
      double value, int iterations, double norm) {
    double[] logits = new double[data.rows()];
    policy.logits(theta, logits);
    double[][] lp = new double[data.prompts()][];
    for (int x = 0; x < data.prompts(); x++) {
      int o = data.offset(x);
      int n = data.candidates(x);
      lp[x] = java.util.Arrays.copyOfRange(logits, o, o + n);
      double max = java.util.Arrays.stream(lp[x]).max().orElseThrow();
      double sum = 0;
      for (double t : lp[x]) {
        sum += Math.exp(t - max);
      }
      double log = max + Math.log(sum);
      for (int j = 0; j < n; j++) {
        lp[x][j] -= log;
      }
    }
    return new Trained(lp, theta, value, iterations, norm);
  }

  private static void check(DpoData data, MultiReferenceDpo scorer, double l2) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(scorer, "scorer");
    if (!(l2 >= 0 && l2 < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("l2 must be finite and >= 0, got " + l2);
    }
  }
}

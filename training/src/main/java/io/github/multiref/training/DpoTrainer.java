package io.github.multiref.training;

import io.github.multiref.api.Stability;
import io.github.multiref.rewards.Lbfgs;
import io.github.multiref.solvers.dpo.MultiReferenceDpo;
import io.github.multiref.solvers.dpo.DpoBatch;
import io.github.multiref.solvers.dpo.PairScores;
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
   * The arrays one objective evaluation works in, made once per training run: the policy's
   * logits and log-probabilities per row, and the scorer's columnar batch (each pair's two
   * log-probabilities and each reference's, reference by reference), so that the hot loop
   * allocates nothing and a fixed-weight reverse-KL scorer takes its vectorized path.
   */
  static final class Workspace {
    final double[] logits;
    final double[] logPi;
    final double[] pi;
    final double[] gradLogits;
    final double[] promptSlope;
    final double[] chosen;
    final double[] rejected;
    final double[][] refChosen;
    final double[][] refRejected;
    final PairScores scores;
    final int[] filled; // which pair each batch slot holds, or null for all pairs in order

    Workspace(DpoData data, int capacity, boolean allPairs) {
      int rows = data.rows();
      int k = data.references();
      logits = new double[rows];
      logPi = new double[rows];
      pi = new double[rows];
      gradLogits = new double[rows];
      promptSlope = new double[data.prompts()];
      chosen = new double[capacity];
      rejected = new double[capacity];
      refChosen = new double[k][capacity];
      refRejected = new double[k][capacity];
      scores = new PairScores(capacity);
      filled = allPairs ? null : new int[capacity];
      if (allPairs) { // the references' columns, once
        for (int p = 0; p < capacity; p++) {
          for (int i = 0; i < k; i++) {
            refChosen[i][p] = data.refLogProb(data.chosen(p), i);
            refRejected[i][p] = data.refLogProb(data.rejected(p), i);
          }
        }
      }
    }
  }

  /**
   * The objective and its gradient at {@code theta} (the policy class's parameters), over the
   * pairs {@code pairs[from .. to - 1]} (or every pair when {@code pairs} is null), the ridge
   * scaled by {@code ridgeScale}.
   */
  static double objective(DpoData data, PolicyClass policy, MultiReferenceDpo scorer, double l2,
      double[] theta, double[] grad, int[] pairs, int from, int to, double ridgeScale) {
    Workspace w = new Workspace(data, pairs == null ? data.pairs() : to - from, pairs == null);
    return objective(data, policy, scorer, l2, theta, grad, pairs, from, to, ridgeScale, w);
  }

  static double objective(DpoData data, PolicyClass policy, MultiReferenceDpo scorer, double l2,
      double[] theta, double[] grad, int[] pairs, int from, int to, double ridgeScale,
      Workspace ws) {
    double[] logits = ws.logits;
    double[] logPi = ws.logPi;
    double[] pi = ws.pi;
    policy.logits(theta, logits);
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
    int k = data.references();
    int count = pairs == null ? data.pairs() : to - from;
    for (int c = 0; c < count; c++) {
      int p = pairs == null ? c : pairs[from + c];
      ws.chosen[c] = logPi[data.chosen(p)];
      ws.rejected[c] = logPi[data.rejected(p)];
      if (pairs != null) {
        ws.filled[c] = p;
        for (int i = 0; i < k; i++) {
          ws.refChosen[i][c] = data.refLogProb(data.chosen(p), i);
          ws.refRejected[i][c] = data.refLogProb(data.rejected(p), i);
        }
      }
    }
    scorer.scoreBatch(new DpoBatch(count, ws.chosen, ws.rejected, ws.refChosen, ws.refRejected),
        ws.scores);
    double[] gradLogits = ws.gradLogits;
    double[] promptSlope = ws.promptSlope;
    java.util.Arrays.fill(gradLogits, 0.0);
    java.util.Arrays.fill(promptSlope, 0.0);
    double value = 0;
    for (int c = 0; c < count; c++) {
      int p = pairs == null ? c : ws.filled[c];
      double gw = ws.scores.gradChosen[c];
      double gl = ws.scores.gradRejected[c];
      value += ws.scores.loss[c];
      gradLogits[data.chosen(p)] += gw;
      gradLogits[data.rejected(p)] += gl;
      promptSlope[data.pairPrompt(p)] += gw + gl;
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
    Workspace ws = new Workspace(data, data.pairs(), true);
    Lbfgs.Objective f = (theta, g) -> objective(data, policy, scorer, l2, theta, g, null, 0, 0,
        1, ws);
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
    Workspace batch = new Workspace(data, Math.min(n, settings.batchSize()), false);
    Workspace full = new Workspace(data, n, true);
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
        objective(data, policy, scorer, l2, theta, grad, order, from, to, (double) size / n,
            batch);
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
            0, 0, 1, full)));
      }
    }
    double value = objective(data, policy, scorer, l2, theta, grad, null, 0, 0, 1, full);
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

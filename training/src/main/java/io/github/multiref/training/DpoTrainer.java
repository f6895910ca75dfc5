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

  /** About how many pairs a chunk of a full-batch evaluation holds: chunks run in parallel. */
  static final int CHUNK = 1 << 17;

  /**
   * The arrays one objective evaluation works in, made once per training run: the policy's
   * logits and log-probabilities per row, and, per chunk of pairs, the scorer's columnar batch
   * (each pair's two log-probabilities and each reference's, reference by reference). For a full
   * batch the pairs are grouped by prompt and each chunk holds whole prompts, so the chunks,
   * scored in parallel, write disjoint rows of the gradient; the chunks are fixed by the data
   * alone, so the result does not depend on the number of threads. The hot loop allocates
   * nothing, and a fixed-weight reverse-KL scorer takes its vectorized path.
   */
  static final class Workspace {
    final double[] logits;
    final double[] logPi;
    final double[] pi;
    final double[] gradLogits;
    final double[] promptSlope;
    final Chunk[] chunks;
    final boolean[] touched; // mini-batches: the prompts the batch holds
    final int[] touchedList;
    int touchedCount;

    Workspace(DpoData data, int capacity, boolean allPairs) {
      int rows = data.rows();
      logits = new double[rows];
      logPi = new double[rows];
      pi = new double[rows];
      gradLogits = new double[rows];
      promptSlope = new double[data.prompts()];
      if (allPairs) {
        chunks = byPrompt(data);
        touched = null;
        touchedList = null;
      } else {
        chunks = new Chunk[] {new Chunk(data, new int[capacity], false)};
        touched = new boolean[data.prompts()];
        touchedList = new int[Math.min(capacity, data.prompts())];
      }
    }

    /** The pairs grouped by prompt (a counting sort, stable), cut into chunks of whole prompts. */
    private static Chunk[] byPrompt(DpoData data) {
      int prompts = data.prompts();
      int[] start = new int[prompts + 1];
      for (int p = 0; p < data.pairs(); p++) {
        start[data.pairPrompt(p) + 1]++;
      }
      for (int x = 0; x < prompts; x++) {
        start[x + 1] += start[x];
      }
      int[] sorted = new int[data.pairs()];
      int[] next = java.util.Arrays.copyOf(start, prompts);
      for (int p = 0; p < data.pairs(); p++) {
        sorted[next[data.pairPrompt(p)]++] = p;
      }
      java.util.List<Chunk> chunks = new java.util.ArrayList<>();
      int from = 0;
      for (int x = 0; x < prompts; x++) {
        if (start[x + 1] - from >= CHUNK || x == prompts - 1) {
          chunks.add(new Chunk(data, java.util.Arrays.copyOfRange(sorted, from, start[x + 1]),
              true));
          from = start[x + 1];
        }
      }
      return chunks.toArray(new Chunk[0]);
    }
  }

  /** A chunk of pairs: which pairs, their batch columns and their scores. */
  static final class Chunk {
    /** Slot q's pair's rows and prompt, from {@code filled[q]}. */
    void locate(DpoData data, int q) {
      chosenRow[q] = data.chosen(filled[q]);
      rejectedRow[q] = data.rejected(filled[q]);
      prompt[q] = data.pairPrompt(filled[q]);
    }

    final int size;
    final double[] chosen;
    final double[] rejected;
    final double[][] refChosen;
    final double[][] refRejected;
    final PairScores scores;
    final int[] filled; // which pair each slot holds
    final int[] chosenRow; // each slot's pair's rows and prompt, in slot order
    final int[] rejectedRow;
    final int[] prompt;
    double value;

    /** The first {@code count} slots of a mini-batch chunk, as a chunk of its own. */
    Chunk(Chunk of, int count) {
      size = count;
      chosen = of.chosen;
      rejected = of.rejected;
      refChosen = of.refChosen;
      refRejected = of.refRejected;
      scores = of.scores;
      filled = of.filled;
      chosenRow = of.chosenRow;
      rejectedRow = of.rejectedRow;
      prompt = of.prompt;
    }

    /** A chunk for the pairs {@code filled}; their references' columns now when they are known. */
    Chunk(DpoData data, int[] filled, boolean known) {
      int capacity = filled.length;
      int k = data.references();
      this.size = capacity;
      this.filled = filled;
      chosen = new double[capacity];
      rejected = new double[capacity];
      refChosen = new double[k][capacity];
      refRejected = new double[k][capacity];
      scores = new PairScores(capacity);
      chosenRow = new int[capacity];
      rejectedRow = new int[capacity];
      prompt = new int[capacity];
      if (known) {
        for (int q = 0; q < capacity; q++) {
          locate(data, q);
          for (int i = 0; i < k; i++) {
            refChosen[i][q] = data.refLogProb(data.chosen(filled[q]), i);
            refRejected[i][q] = data.refLogProb(data.rejected(filled[q]), i);
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
    policy.logits(theta, ws.logits);
    double value;
    if (pairs == null) {
      int prompts = data.prompts();
      if (ws.chunks.length > 1) { // each prompt on its own: the same numbers on any core count
        java.util.stream.IntStream.range(0, (prompts + 1023) / 1024).parallel().forEach(b -> {
          for (int x = b * 1024; x < Math.min(prompts, (b + 1) * 1024); x++) {
            logSoftmax(data, x, ws);
          }
        });
      } else {
        for (int x = 0; x < prompts; x++) {
          logSoftmax(data, x, ws);
        }
      }
      value = fullBatch(data, scorer, ws);
    } else {
      value = miniBatch(data, scorer, pairs, from, to, ws);
    }
    policy.backward(ws.gradLogits, grad);
    if (l2 > 0) {
      for (int r = 0; r < theta.length; r++) {
        value += 0.5 * l2 * ridgeScale * theta[r] * theta[r];
        grad[r] += l2 * ridgeScale * theta[r];
      }
    }
    return value;
  }

  /** Prompt x's log-probabilities and probabilities from its logits. */
  private static void logSoftmax(DpoData data, int x, Workspace ws) {
    int o = data.offset(x);
    int n = data.candidates(x);
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < n; j++) {
      max = Math.max(max, ws.logits[o + j]);
    }
    double sum = 0;
    for (int j = 0; j < n; j++) {
      sum += Math.exp(ws.logits[o + j] - max);
    }
    double log = max + Math.log(sum);
    for (int j = 0; j < n; j++) {
      ws.logPi[o + j] = ws.logits[o + j] - log;
      ws.pi[o + j] = Math.exp(ws.logPi[o + j]);
    }
  }

  /** Every pair, chunk by chunk (in parallel when there are several), into the gradient. */
  private static double fullBatch(DpoData data, MultiReferenceDpo scorer, Workspace ws) {
    Chunk[] chunks = ws.chunks;
    java.util.Arrays.fill(ws.gradLogits, 0.0);
    java.util.Arrays.fill(ws.promptSlope, 0.0);
    if (chunks.length == 1) {
      score(data, scorer, chunks[0], ws, ws.gradLogits, ws.promptSlope);
    } else { // the chunks hold disjoint prompts, so they write disjoint rows
      java.util.stream.IntStream.range(0, chunks.length).parallel().forEach(c ->
          score(data, scorer, chunks[c], ws, ws.gradLogits, ws.promptSlope));
    }
    double value = 0;
    for (Chunk c : chunks) { // in chunk order: the same sum on any core count
      value += c.value;
    }
    for (int x = 0; x < data.prompts(); x++) {
      double slope = ws.promptSlope[x];
      if (slope != 0) {
        int o = data.offset(x);
        for (int j = 0; j < data.candidates(x); j++) {
          ws.gradLogits[o + j] -= slope * ws.pi[o + j];
        }
      }
    }
    return value;
  }

  /** A chunk's pairs scored as one batch, their gradients added into {@code grad}. */
  private static void score(DpoData data, MultiReferenceDpo scorer, Chunk c, Workspace ws,
      double[] grad, double[] slope) {
    int count = c.size;
    int[] w = c.chosenRow;
    int[] l = c.rejectedRow;
    for (int q = 0; q < count; q++) {
      c.chosen[q] = ws.logPi[w[q]];
      c.rejected[q] = ws.logPi[l[q]];
    }
    scorer.scoreBatch(new DpoBatch(count, c.chosen, c.rejected, c.refChosen, c.refRejected),
        c.scores);
    double value = 0;
    double[] gws = c.scores.gradChosen;
    double[] gls = c.scores.gradRejected;
    double[] loss = c.scores.loss;
    int[] x = c.prompt;
    for (int q = 0; q < count; q++) {
      double gw = gws[q];
      double gl = gls[q];
      value += loss[q];
      grad[w[q]] += gw;
      grad[l[q]] += gl;
      slope[x[q]] += gw + gl;
    }
    c.value = value;
  }

  /**
   * The pairs {@code pairs[from .. to - 1]}: only their prompts' rows are normalized and
   * touched, and the gradient is zero elsewhere.
   */
  private static double miniBatch(DpoData data, MultiReferenceDpo scorer, int[] pairs, int from,
      int to, Workspace ws) {
    for (int t = 0; t < ws.touchedCount; t++) { // clear what the previous batch touched
      int x = ws.touchedList[t];
      ws.touched[x] = false;
      ws.promptSlope[x] = 0;
      int o = data.offset(x);
      java.util.Arrays.fill(ws.gradLogits, o, o + data.candidates(x), 0.0);
    }
    ws.touchedCount = 0;
    Chunk c = ws.chunks[0];
    int k = data.references();
    int count = to - from;
    for (int q = 0; q < count; q++) {
      int p = pairs[from + q];
      c.filled[q] = p;
      c.locate(data, q);
      for (int i = 0; i < k; i++) {
        c.refChosen[i][q] = data.refLogProb(data.chosen(p), i);
        c.refRejected[i][q] = data.refLogProb(data.rejected(p), i);
      }
      int x = data.pairPrompt(p);
      if (!ws.touched[x]) {
        ws.touched[x] = true;
        ws.touchedList[ws.touchedCount++] = x;
        logSoftmax(data, x, ws);
      }
    }
    Chunk batch = new Chunk(c, count);
    score(data, scorer, batch, ws, ws.gradLogits, ws.promptSlope);
    for (int t = 0; t < ws.touchedCount; t++) {
      int x = ws.touchedList[t];
      double slope = ws.promptSlope[x];
      if (slope != 0) {
        int o = data.offset(x);
        for (int j = 0; j < data.candidates(x); j++) {
          ws.gradLogits[o + j] -= slope * ws.pi[o + j];
        }
      }
    }
    return batch.value;
  }

  /**
   * The full-batch objective (the loss summed over every pair, plus the ridge) and its gradient
   * in the policy class's parameters, for any optimizer. It keeps one workspace: not for use by
   * two threads at once.
   */
  public static Lbfgs.Objective fullBatchObjective(DpoData data, PolicyClass policy,
      MultiReferenceDpo scorer, double l2) {
    check(data, scorer, l2);
    Workspace ws = new Workspace(data, data.pairs(), true);
    return (theta, g) -> objective(data, policy, scorer, l2, theta, g, null, 0, 0, 1, ws);
  }

  /**
   * Full-batch L-BFGS from uniform logits, to the optimizer's tolerance or its refusal.
   *
   * @throws ArithmeticException when L-BFGS does not converge within its budget (separable data
   *     without a ridge has no finite optimum)
   */
  public static Trained lbfgs(DpoData data, PolicyClass policy, MultiReferenceDpo scorer,
      double l2, Lbfgs optimizer) {
    Lbfgs.Objective f = fullBatchObjective(data, policy, scorer, l2);
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
    return adam(data, policy, step -> scorer, null, scorer, l2, settings, random, progress);
  }

  /** What a step of {@link #adam} did: its scorer and the batch's pairs {@code order[from..to)}. */
  interface StepHook {
    void after(int step, MultiReferenceDpo scorer, double[] logPi, int[] order, int from,
        int to);
  }

  /**
   * Adam with a scorer chosen per step ({@code scorers}, e.g. a bandit's arm) and a hook after
   * each step; the epoch objectives and the result are scored with {@code reporting}.
   */
  static Trained adam(DpoData data, PolicyClass policy,
      java.util.function.IntFunction<MultiReferenceDpo> scorers, StepHook hook,
      MultiReferenceDpo reporting, double l2, Adam settings, RandomGenerator random,
      Consumer<Epoch> progress) {
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
        MultiReferenceDpo scorer = scorers.apply(step);
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
        if (hook != null) {
          objective(data, policy, scorer, l2, theta, grad, order, from, to, (double) size / n,
              batch); // the batch's log-probabilities after the step
          hook.after(step, scorer, batch.logPi, order, from, to);
        }
      }
      if (progress != null) {
        progress.accept(new Epoch(epoch, objective(data, policy, reporting, l2, theta, grad,
            null, 0, 0, 1, full)));
      }
    }
    double value = objective(data, policy, reporting, l2, theta, grad, null, 0, 0, 1, full);
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

package io.github.multiref.cli;

import io.github.multiref.rewards.io.JsonLine;

import io.github.multiref.api.Divergence;
import io.github.multiref.runtime.Registries;
import io.github.multiref.solvers.dpo.DpoBatch;
import io.github.multiref.solvers.dpo.DpoLoss;
import io.github.multiref.solvers.dpo.DpoLosses;
import io.github.multiref.solvers.dpo.MultiReferenceDpo;
import io.github.multiref.solvers.dpo.PairScores;
import io.github.multiref.solvers.dpo.ReferenceWeighting;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code multiref dpo-score}: multi-reference DPO loss, gradients and rewards per pair. */
@Command(
    name = "dpo-score",
    header = "Score preference pairs with multi-reference DPO: losses, logits, gradients.",
    mixinStandardHelpOptions = true,
    description = {
        "Score preference pairs with multi-reference DPO: loss, logit, gradients with respect to",
        "the policy's log-probabilities, and implicit rewards, one line per pair.",
        "Input, one object per line: {\"chosen_logps\": x, \"rejected_logps\": y,"
            + " \"ref_chosen_logps\": [...K...], \"ref_rejected_logps\": [...K...]}",
        "(other fields, such as prompt, chosen and rejected, are ignored)."})
final class DpoScoreCommand implements Callable<Integer>, MultirefCommand.Subcommand {

  /** Logits kept for the margin quantiles; exact below this many pairs. */
  static final int RESERVOIR = 100_000;

  @ParentCommand MultirefCommand parent;

  @Mixin CommonOptions common;

  @Mixin JobOptions job;

  @Option(names = "--adaptive-weights",
      description = "MRPO's adaptive weights per pair: alpha_k proportional to"
          + " |ref_chosen_k - ref_rejected_k|.")
  boolean adaptive;

  @Option(names = "--divergence", paramLabel = "NAME", defaultValue = "reverse-kl",
      description = "Any registered divergence (default: ${DEFAULT-VALUE}).")
  String divergenceName;

  @Option(names = "--loss", paramLabel = "NAME", defaultValue = "sigmoid",
      description = "sigmoid (default; sigmoid:label-smoothing=EPS), hinge or ipo.")
  String lossName;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "65536",
      description = "Pairs held in memory at once (default: ${DEFAULT-VALUE}).")
  int batch;

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public Integer call() throws IOException {
    long start = System.nanoTime();
    CliIo.checkBeta(job.beta);
    int workers = CliIo.checkedThreads(job.threads, batch);
    if (adaptive && job.weights != null) {
      throw new InputException("--weights and --adaptive-weights exclude each other");
    }
    double[] alpha = job.weights == null ? null : CliIo.checkedWeights(job.weights);
    DpoLoss loss;
    try {
      loss = DpoLosses.parse(lossName);
    } catch (IllegalArgumentException e) {
      throw new InputException("--loss: " + e.getMessage(), e);
    }
    Registries registries = parent.registries(parent.effectiveOptions(this));
    Divergence divergence = registries.divergences().create(divergenceName);
    Summary summary = new Summary();
    ForkJoinPool pool = new ForkJoinPool(workers);
    try (BufferedReader in = CliIo.open(job.input);
        AtomicOutput out = AtomicOutput.open(job.output, parent.main().out());
        Progress progress = Progress.start(parent.main().err(), "multiref dpo-score", "pairs")) {
      Chunked chunked = null;
      PairLine fast = new PairLine();
      long line = 0;
      for (String text = in.readLine(); text != null; text = in.readLine()) {
        line++;
        if (text.isBlank()) {
          continue;
        }
        double chosen;
        double rejected;
        double[] rc;
        double[] rr;
        String keys;
        if (fast.read(text)) { // one streaming pass; anything unusual goes through JsonLine
          chosen = fast.chosen;
          rejected = fast.rejected;
          rc = Arrays.copyOf(fast.refChosen, fast.references);
          rr = Arrays.copyOf(fast.refRejected, fast.references);
          keys = fast.keys.toString();
        } else {
          JsonLine f = JsonLine.parse(line, text);
          chosen = f.logProbability("chosen_logps");
          rejected = f.logProbability("rejected_logps");
          rc = f.logProbabilities("ref_chosen_logps", -1, "ref_chosen_logps");
          rr = f.logProbabilities("ref_rejected_logps", rc.length, "ref_chosen_logps");
          keys = keys(f);
        }
        if (chunked == null) {
          if (alpha != null && alpha.length != rc.length) {
            throw InputException.at(line, "field 'ref_chosen_logps' has " + rc.length
                + " references but --weights has " + alpha.length);
          }
          ReferenceWeighting weighting = adaptive ? ReferenceWeighting.adaptive()
              : ReferenceWeighting.fixed(alpha != null ? alpha : uniform(rc.length));
          chunked = new Chunked(MultiReferenceDpo.of(divergence, job.beta, loss, weighting),
              rc.length, batch, workers);
        } else if (rc.length != chunked.k) {
          throw InputException.at(line, "field 'ref_chosen_logps' has " + rc.length
              + " references but earlier lines have " + chunked.k);
        }
        chunked.add(line, keys, chosen, rejected, rc, rr);
        if (chunked.full()) {
          progress.add(chunked.size);
          chunked.flush(pool, out.writer(), summary);
        }
      }
      if (chunked == null) {
        throw new InputException(job.input + " holds no pairs");
      }
      chunked.flush(pool, out.writer(), summary);
      out.commit();
    } finally {
      pool.shutdown();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double[] q = summary.quantiles(0.05, 0.5, 0.95);
    parent.main().err().printf(Locale.ROOT,
        "multiref dpo-score: %d pairs, divergence %s, loss %s, %s weights, beta %s: mean loss"
            + " %.6g, reward accuracy %.4f, margin quantiles 5%%/50%%/95%% %.4g / %.4g / %.4g%s,"
            + " %.2f s%s%n",
        summary.count, divergenceName, loss.describe(), adaptive ? "adaptive" : "fixed", job.beta,
        summary.lossSum / summary.count, (double) summary.correct / summary.count, q[0], q[1],
        q[2], summary.count > RESERVOIR ? " (from a sample of " + RESERVOIR + ")" : "", seconds,
        job.output == null ? "" : ", written to " + job.output);
    return 0;
  }

  /** {@code "prompt":...,"chosen":...,"rejected":...,} for the keys the line has. */
  private static String keys(JsonLine f) {
    StringBuilder b = new StringBuilder();
    for (String key : PairLine.KEYS) {
      String value = f.json(key);
      if (value != null) {
        b.append('"').append(key).append("\":").append(value).append(',');
      }
    }
    return b.toString();
  }

  private static double[] uniform(int k) {
    double[] a = new double[k];
    Arrays.fill(a, 1.0 / k);
    return a;
  }

  /** Up to {@code batch} pairs in column arrays, split into one chunk per worker. */
  private static final class Chunked {
    final MultiReferenceDpo dpo;
    final int k;
    final int capacity;
    final int chunks;
    final int chunkSize;
    final double[][] chosen;
    final double[][] rejected;
    final double[][][] refChosen;
    final double[][][] refRejected;
    final long[] lines;
    final String[] keys;
    final PairScores[] scores;
    int size;

    Chunked(MultiReferenceDpo dpo, int k, int capacity, int workers) {
      this.dpo = dpo;
      this.k = k;
      this.capacity = capacity;
      this.chunks = Math.max(1, Math.min(workers * 4, capacity));
      this.chunkSize = (capacity + chunks - 1) / chunks;
      chosen = new double[chunks][chunkSize];
      rejected = new double[chunks][chunkSize];
      refChosen = new double[chunks][k][chunkSize];
      refRejected = new double[chunks][k][chunkSize];
      lines = new long[capacity];
      keys = new String[capacity];
      scores = new PairScores[chunks];
      for (int c = 0; c < chunks; c++) {
        scores[c] = new PairScores(chunkSize);
      }
    }

    boolean full() {
      return size == capacity;
    }

    void add(long line, String key, double c, double r, double[] rc, double[] rr) {
      int chunk = size / chunkSize;
      int at = size % chunkSize;
      chosen[chunk][at] = c;
      rejected[chunk][at] = r;
      for (int i = 0; i < k; i++) {
        refChosen[chunk][i][at] = rc[i];
        refRejected[chunk][i][at] = rr[i];
      }
      keys[size] = key;
      lines[size++] = line;
    }

    void flush(ForkJoinPool pool, Writer w, Summary summary) throws IOException {
      if (size == 0) {
        return;
      }
      int used = (size + chunkSize - 1) / chunkSize;
      List<Future<?>> work = new ArrayList<>();
      for (int c = 0; c < used; c++) {
        int chunk = c;
        int n = Math.min(chunkSize, size - c * chunkSize);
        work.add(pool.submit(() -> {
          try {
            dpo.scoreBatch(new DpoBatch(n, chosen[chunk], rejected[chunk], refChosen[chunk],
                refRejected[chunk]), scores[chunk]);
          } catch (IllegalArgumentException e) {
            // "pair p: ..." -> the file's line
            String m = e.getMessage();
            int colon = m.indexOf(':');
            int p = Integer.parseInt(m.substring("pair ".length(), colon));
            throw InputException.at(lines[chunk * chunkSize + p], m.substring(colon + 2));
          }
        }));
      }
      for (Future<?> f : work) {
        try {
          f.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException re) {
            throw re;
          }
          throw new IllegalStateException(e.getCause());
        }
      }
      StringBuilder b = new StringBuilder(160);
      for (int c = 0; c < used; c++) {
        PairScores s = scores[c];
        int n = Math.min(chunkSize, size - c * chunkSize);
        for (int p = 0; p < n; p++) {
          b.setLength(0);
          b.append('{').append(keys[c * chunkSize + p])
              .append("\"loss\":").append(JsonLine.number(s.loss[p]))
              .append(",\"logit\":").append(JsonLine.number(s.logit[p]))
              .append(",\"grad_chosen\":").append(JsonLine.number(s.gradChosen[p]))
              .append(",\"grad_rejected\":").append(JsonLine.number(s.gradRejected[p]))
              .append(",\"chosen_reward\":").append(JsonLine.number(s.chosenReward[p]))
              .append(",\"rejected_reward\":").append(JsonLine.number(s.rejectedReward[p]))
              .append("}\n");
          w.append(b);
          summary.add(s.loss[p], s.logit[p]);
        }
      }
      size = 0;
    }
  }

  /** Mean loss, reward accuracy, and a reservoir sample of the margins for their quantiles. */
  static final class Summary {
    long count;
    long correct;
    double lossSum;
    final double[] sample = new double[RESERVOIR];
    final SplittableRandom random = new SplittableRandom(0); // fixed: same file, same summary

    void add(double loss, double logit) {
      if (count < RESERVOIR) {
        sample[(int) count] = logit;
      } else {
        long j = random.nextLong(count + 1);
        if (j < RESERVOIR) {
          sample[(int) j] = logit;
        }
      }
      count++;
      lossSum += loss;
      if (logit > 0) {
        correct++;
      }
    }

    double[] quantiles(double... ps) {
      double[] sorted = Arrays.copyOf(sample, (int) Math.min(count, RESERVOIR));
      Arrays.sort(sorted);
      double[] out = new double[ps.length];
      for (int i = 0; i < ps.length; i++) {
        double pos = ps[i] * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        out[i] = sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
      }
      return out;
    }
  }
}

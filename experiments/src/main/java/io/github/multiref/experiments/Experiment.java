package io.github.multiref.experiments;

import io.github.multiref.api.PreferenceModel;
import io.github.multiref.api.Stability;
import io.github.multiref.rewards.SamplingPolicy;
import io.github.multiref.rewards.SyntheticBandit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an {@link ExperimentConfig}: for every n and trial, preference pairs from the bandit, a
 * learned reward, and each method's exact gaps beside its bounds; then the statistics per n and
 * method, and the log-log slopes of the mean gaps with bootstrap confidence intervals.
 *
 * <p>Trials run in parallel; each draws from a generator derived from the seed, n and its index,
 * so results are the same whatever the number of threads.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class Experiment {

  private static final Logger LOG = LoggerFactory.getLogger(Experiment.class);

  private Experiment() {}

  /** One trial's outcome for one method. */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Row(int n, int trial, String method, double subOptimality, double optimalityGap,
      double subOptimalityBound, double optimalityGapBound, double coverage, double rewardError,
      double rewardErrorBound, boolean learnedTheTruth) {}

  /** Mean, median and the 5% and 95% quantiles. */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Stat(double mean, double median, double q05, double q95) {
    static Stat of(double[] values) {
      double[] s = values.clone();
      Arrays.sort(s);
      double mean = 0;
      for (double v : s) {
        mean += v / s.length;
      }
      return new Stat(mean, quantile(s, 0.5), quantile(s, 0.05), quantile(s, 0.95));
    }
  }

  /** The median, the 95% quantile and the largest of a sample. */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Spread(double median, double q95, double max) {
    static Spread of(double[] values) {
      double[] s = values.clone();
      Arrays.sort(s);
      return s.length == 0 ? new Spread(Double.NaN, Double.NaN, Double.NaN)
          : new Spread(quantile(s, 0.5), quantile(s, 0.95), s[s.length - 1]);
    }
  }

  /**
   * The statistics of one method at one n. The bounds, the fractions of trials in which they
   * held, and the ratios gap / bound per trial are NaN where the bounds do not apply (a reward
   * class that is not finite).
   *
   * @param learnedTheTruth the fraction of trials whose learned reward is the truth (a check
   *     where it is 1 tests nothing: every gap is then 0)
   * @param rewardError Lemma A.1's measured reward error over the trials
   * @param rewardErrorBound its bound eps_n
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Summary(String method, int n, Stat subOptimality, Stat optimalityGap,
      double subOptimalityBound, double optimalityGapBound, double subOptimalityHeld,
      double optimalityGapHeld, Spread subOptimalityRatio, Spread optimalityGapRatio,
      double learnedTheTruth, Stat rewardError, double rewardErrorBound) {

    /** Whether the finite-class bounds apply to the experiment's reward class. */
    public boolean boundsApply() {
      return !Double.isNaN(subOptimalityBound);
    }
  }

  /** A slope needs at least this many values of n with a positive mean gap. */
  public static final int MIN_SLOPE_POINTS = 3;

  /**
   * The fitted log-log slope of a mean gap against n, with a 95% bootstrap interval, and the
   * number of n it rests on (those with a positive mean gap): NaN when fewer than {@link
   * #MIN_SLOPE_POINTS}.
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Slope(String method, String gap, double slope, double low, double high,
      double claimed, int points, int ofPoints) {}

  /** Everything an experiment measured. */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Result(ExperimentConfig config, SyntheticBandit bandit, List<Row> rows,
      List<Summary> summaries, List<Slope> slopes, double seconds) {}

  /**
   * Runs the experiment.
   *
   * @param progress called with the number of trials done so far (from worker threads)
   */
  public static Result run(ExperimentConfig c, PreferenceModel model, IntConsumer progress) {
    long start = System.nanoTime();
    LOG.info("experiment: {} trials at n = {}, methods {}, reward class {}", c.trials(),
        Arrays.toString(c.n()), c.methods(), c.rewardClass().kind());
    ExperimentConfig.Drawn drawn = setUp(c);
    List<Row> rows = runTrials(c, drawn, model, progress);
    List<Summary> summaries = new ArrayList<>();
    List<Slope> slopes = new ArrayList<>();
    int[] n = c.n();
    for (ExperimentMethod m : c.methods()) {
      double[][] sub = new double[n.length][];
      double[][] opt = new double[n.length][];
      for (int j = 0; j < n.length; j++) {
        int nj = n[j];
        List<Row> these = rows.stream().filter(r -> r.method().equals(m.label()) && r.n() == nj)
            .toList();
        sub[j] = these.stream().mapToDouble(Row::subOptimality).toArray();
        opt[j] = these.stream().mapToDouble(Row::optimalityGap).toArray();
        summaries.add(summary(m.label(), nj, these));
      }
      slopes.add(slope(m, ExperimentMethod.SUB_OPTIMALITY, n, sub, c.seed()));
      slopes.add(slope(m, ExperimentMethod.OPTIMALITY_GAP, n, absolute(opt), c.seed()));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    LOG.info("experiment done in {} s", String.format("%.1f", seconds));
    return new Result(c, drawn.bandit(), rows, List.copyOf(summaries), List.copyOf(slopes),
        seconds);
  }

  /** The bandit from the seed (with the given truth, if any) and the drawn reward class. */
  private static ExperimentConfig.Drawn setUp(ExperimentConfig c) {
    SyntheticBandit bandit = SyntheticBandit.generate(c.prompts(), c.responses(),
        c.temperature(), c.alpha(), c.rMax(), c.seed());
    if (c.trueReward() != null) {
      bandit = bandit.withReward(c.trueReward());
    }
    SplittableRandom setup = new SplittableRandom(c.seed() ^ 0x5DEECE66DL);
    return c.rewardClass().draw(bandit, setup);
  }

  /** Every (n, trial) in parallel, each from its own seed; rows in (n, trial, method) order. */
  private static List<Row> runTrials(ExperimentConfig c, ExperimentConfig.Drawn drawn,
      PreferenceModel model, IntConsumer progress) {
    List<Trial.Method> methods = c.methods().stream().map(ExperimentMethod::trial).toList();
    List<SamplingPolicy> sampling = c.methods().stream().map(c::samplingFor).toList();
    int[] n = c.n();
    int total = n.length * c.trials();
    Row[][] rows = new Row[total][];
    AtomicInteger done = new AtomicInteger();
    IntStream.range(0, total).parallel().forEach(i -> {
      int ni = i / c.trials();
      int t = i % c.trials();
      long seed = new SplittableRandom(c.seed() + 0x9E3779B97F4A7C15L * (i + 1)).nextLong();
      List<Trial.Outcome> out = Trial.run(drawn.bandit(), sampling, model,
          drawn.rewardClass(), n[ni], c.beta(), c.delta(), methods, seed);
      Row[] r = new Row[out.size()];
      for (int m = 0; m < out.size(); m++) {
        Trial.Outcome o = out.get(m);
        r[m] = new Row(n[ni], t, o.method(), o.subOptimality(), o.optimalityGap(),
            o.subOptimalityBound(), o.optimalityGapBound(), o.coverage(), o.rewardError(),
            o.rewardErrorBound(), o.learnedTheTruth());
      }
      rows[i] = r;
      progress.accept(done.incrementAndGet());
    });
    List<Row> all = new ArrayList<>();
    for (Row[] r : rows) {
      all.addAll(Arrays.asList(r));
    }
    return List.copyOf(all);
  }

  /** The statistics of one method's rows at one n, with the mean bounds and how often they held. */
  private static Summary summary(String method, int n, List<Row> these) {
    double[] sub = these.stream().mapToDouble(Row::subOptimality).toArray();
    double[] opt = these.stream().mapToDouble(Row::optimalityGap).toArray();
    double subBound = these.stream().mapToDouble(Row::subOptimalityBound).average().orElse(0);
    double optBound = these.stream().mapToDouble(Row::optimalityGapBound).average().orElse(0);
    double subHeld = Double.isNaN(subBound) ? Double.NaN : these.stream().filter(r ->
        r.subOptimality() <= r.subOptimalityBound()).count() / (double) these.size();
    double optHeld = Double.isNaN(optBound) ? Double.NaN : these.stream().filter(r ->
        r.optimalityGap() <= r.optimalityGapBound()).count() / (double) these.size();
    Spread subRatio = Double.isNaN(subBound) ? Spread.of(new double[0]) : Spread.of(
        these.stream().mapToDouble(r -> r.subOptimality() / r.subOptimalityBound()).toArray());
    Spread optRatio = Double.isNaN(optBound) ? Spread.of(new double[0]) : Spread.of(
        these.stream().mapToDouble(r -> r.optimalityGap() / r.optimalityGapBound()).toArray());
    double truth = these.stream().filter(Row::learnedTheTruth).count() / (double) these.size();
    Stat rewardError = Stat.of(these.stream().mapToDouble(Row::rewardError).toArray());
    double rewardErrorBound = these.stream().mapToDouble(Row::rewardErrorBound).average()
        .orElse(Double.NaN);
    return new Summary(method, n, Stat.of(sub), Stat.of(opt), subBound, optBound, subHeld,
        optHeld, subRatio, optRatio, truth, rewardError, rewardErrorBound);
  }

  private static double[][] absolute(double[][] values) {
    double[][] out = new double[values.length][];
    for (int j = 0; j < values.length; j++) {
      out[j] = Arrays.stream(values[j]).map(Math::abs).toArray();
    }
    return out;
  }

  /**
   * OLS slope of log(mean) on log(n), and a 95% percentile bootstrap over the trials; NaN when
   * fewer than {@link #MIN_SLOPE_POINTS} values of n have a positive mean gap.
   */
  static Slope slope(ExperimentMethod m, String gap, int[] n, double[][] values, long seed) {
    String method = m.label();
    double claimed = m.claimedExponent(gap);
    int points = 0;
    for (double[] v : values) {
      points += Arrays.stream(v).average().orElse(0) > 0 ? 1 : 0;
    }
    if (points < MIN_SLOPE_POINTS) {
      return new Slope(method, gap, Double.NaN, Double.NaN, Double.NaN, claimed, points,
          n.length);
    }
    double estimate = fit(n, values, null);
    SplittableRandom rng = new SplittableRandom(seed ^ method.hashCode() ^ gap.hashCode());
    double[] boot = new double[1000];
    int ok = 0;
    for (int b = 0; b < boot.length; b++) {
      double s = fit(n, values, rng);
      if (!Double.isNaN(s)) {
        boot[ok++] = s;
      }
    }
    double low = Double.NaN;
    double high = Double.NaN;
    if (ok > 20) {
      double[] sorted = Arrays.copyOf(boot, ok);
      Arrays.sort(sorted);
      low = quantile(sorted, 0.025);
      high = quantile(sorted, 0.975);
    }
    return new Slope(method, gap, estimate, low, high, claimed, points, n.length);
  }

  private static double fit(int[] n, double[][] values, SplittableRandom resample) {
    double[] logN = new double[n.length];
    double[] logMean = new double[n.length];
    int points = 0;
    for (int j = 0; j < n.length; j++) {
      double mean = 0;
      int m = values[j].length;
      for (int i = 0; i < m; i++) {
        mean += values[j][resample == null ? i : resample.nextInt(m)] / m;
      }
      if (mean > 0) {
        logN[points] = Math.log(n[j]);
        logMean[points] = Math.log(mean);
        points++;
      }
    }
    if (points < MIN_SLOPE_POINTS) {
      return Double.NaN;
    }
    return leastSquaresSlope(Arrays.copyOf(logN, points), Arrays.copyOf(logMean, points));
  }

  /** The ordinary least-squares slope of y on x (same lengths, at least two distinct x). */
  public static double leastSquaresSlope(double[] x, double[] y) {
    double mx = 0;
    double my = 0;
    for (int i = 0; i < x.length; i++) {
      mx += x[i] / x.length;
      my += y[i] / x.length;
    }
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
    }
    return sxy / sxx;
  }

  static double quantile(double[] sorted, double p) {
    double pos = p * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }
}

package io.github.multiref.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.multiref.api.LogMath;
import io.github.multiref.api.Stability;
import io.github.multiref.divergences.ReverseKl;
import io.github.multiref.rewards.Lbfgs;
import io.github.multiref.solvers.dpo.DpoLosses;
import io.github.multiref.training.DpoData;
import io.github.multiref.training.DpoTrainer;
import io.github.multiref.training.PolicyClass;
import io.github.multiref.training.WeightSelection;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Does the exact multi-reference target beat one reference, and when? On one-prompt bandits with
 * two references, preference pairs drawn uniformly over the response pairs and labelled by
 * Bradley-Terry on a label reward (the true reward, or a misspecified proxy of it), every
 * weighting scheme of {@link WeightSelection} trains a tabular reverse-KL DPO policy, which is
 * judged on the <em>true</em> reward: its expected true reward, and its regret against the best
 * policy any alpha reaches with the true reward, as n grows. Also the true reward of the exact
 * optimum {@code pi*_alpha} against alpha, for the learned and for the true reward, and MRPO's
 * train against held-out accuracy.
 *
 * <p>A config ({@code "experiment": "dpo-weights"}):
 *
 * <pre>{@code
 * {"experiment": "dpo-weights", "beta": 0.5, "n": [100, 400, 1600, 6400], "trials": 8,
 *  "seed": 1, "regimes": [
 *    {"name": "similar coverage, well-specified reward",
 *     "references": [[0.25, 0.2, 0.2, 0.15, 0.1, 0.1], [0.15, 0.15, 0.2, 0.2, 0.15, 0.15]],
 *     "true_reward": [1, 0.8, 0.6, 0.4, 0.2, 0]},
 *    {"name": "...", "references": [...], "true_reward": [...], "label_reward": [...]}]}
 * }</pre>
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class DpoWeightsExperiment {

  /** The value of a config's {@code experiment} key. */
  public static final String KIND = "dpo-weights";

  /** Points of the alpha curve. */
  static final int CURVE = 21;

  private DpoWeightsExperiment() {}

  /** One bandit: two references over the responses, the true and the label rewards. */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Regime(String name, double[][] references, double[] trueReward,
      double[] labelReward) {}

  /** A parsed config. */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Config(List<Regime> regimes, double beta, int[] n, int trials, long seed) {}

  /** One scheme's policy in one trial. */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Row(String regime, int n, int trial, String scheme, double[] weights,
      double trueReward, double regret, double heldOutAccuracy, double trainAccuracy) {}

  /**
   * What a run measured.
   *
   * @param oracle per regime, the best true expected reward of {@code pi*_alpha(r*)} over alpha
   * @param curves per regime, {@code {alpha, E r* under pi*_alpha(label), under
   *     pi*_alpha(r*)}} at {@link #CURVE} points
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Result(Config config, List<Row> rows, Map<String, Double> oracle,
      Map<String, double[][]> curves, double seconds) {}

  /** Whether a JSON config asks for this experiment. */
  public static boolean isFor(String json) {
    JsonNode kind = ExperimentConfig.readObject(json).get("experiment");
    return kind != null && kind.isTextual() && kind.asText().equals(KIND);
  }

  /**
   * Parses and validates a config.
   *
   * @throws IllegalArgumentException naming the field and what was expected
   */
  public static Config parse(String json) {
    JsonNode root = ExperimentConfig.readObject(json);
    ExperimentConfig.rejectUnknownKeys(root, "", List.of("experiment", "beta", "n", "trials",
        "seed", "regimes"));
    double beta = ExperimentConfig.positive(root, "beta");
    double[] nv = ExperimentConfig.numbers(root, "n");
    int[] n = new int[nv.length];
    for (int i = 0; i < n.length; i++) {
      if (!(nv[i] >= 10 && nv[i] == Math.rint(nv[i]) && nv[i] <= 1e7)) {
        throw new IllegalArgumentException("n[" + i + "] must be an integer from 10 to 1e7, got "
            + nv[i]);
      }
      n[i] = (int) nv[i];
    }
    int trials = ExperimentConfig.integer(root, "trials", 1);
    JsonNode seed = root.get("seed");
    if (seed == null || !seed.canConvertToLong()) {
      throw new IllegalArgumentException("seed must be an integer");
    }
    JsonNode regimes = root.get("regimes");
    if (regimes == null || !regimes.isArray() || regimes.isEmpty()) {
      throw new IllegalArgumentException("regimes must be a non-empty array");
    }
    List<Regime> out = new ArrayList<>();
    for (int g = 0; g < regimes.size(); g++) {
      JsonNode r = regimes.get(g);
      String where = "regimes[" + g + "].";
      ExperimentConfig.rejectUnknownKeys(r, where, List.of("name", "references", "true_reward",
          "label_reward"));
      String name = ExperimentConfig.text(r, where + "name");
      JsonNode refs = r.get("references");
      if (refs == null || !refs.isArray() || refs.size() != 2) {
        throw new IllegalArgumentException(where + "references must be 2 arrays of"
            + " probabilities");
      }
      double[] truth = ExperimentConfig.numbers(r, where + "true_reward");
      double[][] probs = new double[2][];
      for (int i = 0; i < 2; i++) {
        probs[i] = ExperimentConfig.numbers(refs, String.valueOf(i), where + "references[" + i
            + "]");
        double sum = 0;
        for (double p : probs[i]) {
          if (!(p > 0)) {
            throw new IllegalArgumentException(where + "references[" + i + "] must hold"
                + " probabilities > 0, got " + p);
          }
          sum += p;
        }
        if (probs[i].length != truth.length || Math.abs(sum - 1) > 1e-9) {
          throw new IllegalArgumentException(where + "references[" + i + "] must hold one"
              + " probability per response (" + truth.length + "), summing to 1");
        }
      }
      double[] label = r.get("label_reward") == null ? truth
          : ExperimentConfig.numbers(r, where + "label_reward");
      if (label.length != truth.length) {
        throw new IllegalArgumentException(where + "label_reward must have one entry per"
            + " response (" + truth.length + ")");
      }
      out.add(new Regime(name, probs, truth, label));
    }
    return new Config(out, beta, n, trials, seed.asLong());
  }

  /** Runs every regime, n and trial; {@code progress} hears of each finished n. */
  public static Result run(Config c, Consumer<String> progress) {
    long start = System.nanoTime();
    List<Row> rows = new ArrayList<>();
    Map<String, Double> oracle = new LinkedHashMap<>();
    Map<String, double[][]> curves = new LinkedHashMap<>();
    WeightSelection.Settings settings = new WeightSelection.Settings(ReverseKl.INSTANCE,
        c.beta(), DpoLosses.SIGMOID, 1e-4, 4, 0.2, maxRange(c), new DpoTrainer.Adam(0.05, 64,
        3), Lbfgs.of(1e-9, 10_000, 20), PolicyClass::tabular);
    for (Regime g : c.regimes()) {
      double[][] curve = new double[CURVE][];
      double best = Double.NEGATIVE_INFINITY;
      for (int a = 0; a < CURVE; a++) {
        double alpha = (double) a / (CURVE - 1);
        double learned = expected(optimum(g, g.labelReward(), alpha, c.beta()), g.trueReward());
        double truth = expected(optimum(g, g.trueReward(), alpha, c.beta()), g.trueReward());
        curve[a] = new double[] {alpha, learned, truth};
        best = Math.max(best, truth);
      }
      oracle.put(g.name(), best);
      curves.put(g.name(), curve);
      for (int n : c.n()) {
        for (int t = 0; t < c.trials(); t++) {
          SplittableRandom rng = new SplittableRandom(c.seed() * 1_000_003L + n * 131L + t);
          DpoData data = DpoData.of(new double[][][] {{log(g.references()[0]),
              log(g.references()[1])}}, pairs(g.labelReward(), n, rng));
          WeightSelection.Split split = WeightSelection.splitPairs(data, 0.2, rng);
          for (WeightSelection.Evaluated e : WeightSelection.run(split, settings, rng)) {
            double[] pi = exp(e.policy()[0]);
            double r = expected(pi, g.trueReward());
            String scheme = e.scheme().equals("grid") ? String.format(Locale.ROOT, "grid:%.2f",
                e.weights()[1]) : e.scheme();
            rows.add(new Row(g.name(), n, t, scheme, e.weights(), r, best - r,
                e.heldOutAccuracy(), e.trainAccuracy()));
          }
        }
        progress.accept(g.name() + ", n = " + n);
      }
    }
    return new Result(c, rows, oracle, curves, (System.nanoTime() - start) / 1e9);
  }

  private static double maxRange(Config c) {
    double range = 0;
    for (Regime g : c.regimes()) {
      for (double[] r : new double[][] {g.trueReward(), g.labelReward()}) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : r) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
        range = Math.max(range, hi - lo);
      }
    }
    return Math.max(range, 1e-3);
  }

  /** n pairs drawn uniformly over the response pairs, labelled by Bradley-Terry on r. */
  static int[][] pairs(double[] r, int n, SplittableRandom rng) {
    int m = r.length;
    int[][] out = new int[n][];
    for (int p = 0; p < n; p++) {
      int a = rng.nextInt(m);
      int b = (a + 1 + rng.nextInt(m - 1)) % m;
      boolean aWins = rng.nextDouble() < LogMath.logistic(r[a] - r[b]);
      out[p] = aWins ? new int[] {0, a, b} : new int[] {0, b, a};
    }
    return out;
  }

  /** The reverse-KL optimum for weights (1 - alpha, alpha) and reward r, as probabilities. */
  static double[] optimum(Regime g, double[] r, double alpha, double beta) {
    int m = r.length;
    double[] l = new double[m];
    for (int y = 0; y < m; y++) {
      l[y] = (1 - alpha) * Math.log(g.references()[0][y]) + alpha
          * Math.log(g.references()[1][y]) + r[y] / beta;
    }
    double z = LogMath.logSumExp(l);
    for (int y = 0; y < m; y++) {
      l[y] = Math.exp(l[y] - z);
    }
    return l;
  }

  private static double expected(double[] pi, double[] r) {
    double s = 0;
    for (int y = 0; y < pi.length; y++) {
      s += pi[y] * r[y];
    }
    return s;
  }

  private static double[] log(double[] p) {
    double[] out = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = Math.log(p[i]);
    }
    return out;
  }

  private static double[] exp(double[] lp) {
    double[] out = new double[lp.length];
    for (int i = 0; i < lp.length; i++) {
      out[i] = Math.exp(lp[i]);
    }
    return out;
  }

  /** Mean of a field over the trials, per scheme, for one regime and n. */
  static Map<String, double[]> means(Result r, String regime, int n) {
    Map<String, double[]> sums = new LinkedHashMap<>(); // true reward, regret, held, train, count
    for (Row row : r.rows()) {
      if (row.regime().equals(regime) && row.n() == n) {
        double[] s = sums.computeIfAbsent(row.scheme(), k -> new double[5]);
        s[0] += row.trueReward();
        s[1] += row.regret();
        s[2] += row.heldOutAccuracy();
        s[3] += row.trainAccuracy();
        s[4]++;
      }
    }
    for (double[] s : sums.values()) {
      for (int i = 0; i < 4; i++) {
        s[i] /= s[4];
      }
    }
    return sums;
  }

  /** The markdown tables: per regime, each scheme at the largest n, and its regret against n. */
  public static String tables(Result r) {
    StringBuilder b = new StringBuilder();
    int[] ns = r.config().n();
    int top = ns[ns.length - 1];
    for (Regime g : r.config().regimes()) {
      b.append("### ").append(g.name()).append("\n\n");
      b.append(String.format(Locale.ROOT, "Best true expected reward over alpha with the true"
          + " reward (the oracle): %.4f; regret = oracle - E_pi r* (mean over %d trials per n;"
          + " it can be below 0: a learned policy is not optimized for E r*); accuracies are"
          + " of the implicit reward on the train and held-out pairs at n = %d.%n%n",
          r.oracle().get(g.name()), r.config().trials(), top));
      b.append("| scheme | true reward (n = ").append(top).append(")");
      for (int n : ns) {
        b.append(" | regret, n = ").append(n);
      }
      b.append(" | held-out acc. | train acc. |\n|---|---|");
      b.append("---|".repeat(ns.length)).append("---|---|\n");
      Map<String, double[]> atTop = means(r, g.name(), top);
      for (Map.Entry<String, double[]> e : atTop.entrySet()) {
        b.append("| ").append(e.getKey()).append(String.format(Locale.ROOT, " | %.4f |",
            e.getValue()[0]));
        for (int n : ns) {
          b.append(String.format(Locale.ROOT, " %.4f |", means(r, g.name(), n)
              .get(e.getKey())[1]));
        }
        b.append(String.format(Locale.ROOT, " %.1f%% | %.1f%% |%n", 100 * e.getValue()[2],
            100 * e.getValue()[3]));
      }
      b.append('\n');
    }
    return b.toString();
  }

  /**
   * The single-reference against multi-reference verdict of each regime at the largest n: the
   * best vertex's true reward against the best other scheme's.
   */
  public static String verdicts(Result r) {
    StringBuilder b = new StringBuilder();
    int[] ns = r.config().n();
    int top = ns[ns.length - 1];
    for (Regime g : r.config().regimes()) {
      String vertex = null;
      String multi = null;
      double v = Double.NEGATIVE_INFINITY;
      double m = Double.NEGATIVE_INFINITY;
      for (Map.Entry<String, double[]> e : means(r, g.name(), top).entrySet()) {
        if (e.getKey().startsWith("vertex:")) {
          if (e.getValue()[0] > v) {
            v = e.getValue()[0];
            vertex = e.getKey();
          }
        } else if (e.getValue()[0] > m) {
          m = e.getValue()[0];
          multi = e.getKey();
        }
      }
      b.append(String.format(Locale.ROOT, "- %s (n = %d): best single reference %s %.4f, best"
          + " multi-reference scheme %s %.4f: %s%n", g.name(), top, vertex, v, multi, m,
          v >= m ? "the single reference wins" : "the multi-reference target wins"));
    }
    return b.toString();
  }

  /** results.csv, report.md, regret-vs-n-REGIME.png and reward-vs-alpha-REGIME.png. */
  public static void write(Result r, Path dir) throws IOException {
    Files.createDirectories(dir);
    try (Writer w = Files.newBufferedWriter(dir.resolve("results.csv"), StandardCharsets.UTF_8)) {
      w.write("regime,n,trial,scheme,weight_2,true_reward,regret,held_out_accuracy,"
          + "train_accuracy\n");
      for (Row row : r.rows()) {
        w.write(String.join(",", "\"" + row.regime() + "\"", Integer.toString(row.n()),
            Integer.toString(row.trial()), row.scheme(), row.weights() == null ? ""
                : Double.toString(row.weights()[1]), Double.toString(row.trueReward()),
            Double.toString(row.regret()), Double.toString(row.heldOutAccuracy()),
            Double.toString(row.trainAccuracy())) + "\n");
      }
    }
    StringBuilder md = new StringBuilder("# Choosing the reference weights: one reference or the"
        + " exact multi-reference target?\n\nTabular reverse-KL DPO policies trained with each"
        + " weighting scheme, judged on the true reward.\n\n");
    md.append(verdicts(r)).append('\n').append(tables(r));
    int g = 0;
    for (Regime regime : r.config().regimes()) {
      String tag = "regime-" + (++g);
      md.append("\n![regret against n, ").append(regime.name()).append("](regret-vs-n-")
          .append(tag).append(".png)\n![true reward against alpha, ").append(regime.name())
          .append("](reward-vs-alpha-").append(tag).append(".png)\n");
      regretPlot(r, regime, dir.resolve("regret-vs-n-" + tag + ".png"));
      alphaPlot(r, regime, dir.resolve("reward-vs-alpha-" + tag + ".png"));
    }
    Files.writeString(dir.resolve("report.md"), md, StandardCharsets.UTF_8);
  }

  private static void regretPlot(Result r, Regime g, Path file) throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    int[] ns = r.config().n();
    for (String scheme : means(r, g.name(), ns[ns.length - 1]).keySet()) {
      XYSeries s = new XYSeries(scheme);
      for (int n : ns) {
        double regret = means(r, g.name(), n).get(scheme)[1];
        if (regret > 0) {
          s.add(n, regret);
        }
      }
      data.addSeries(s);
    }
    JFreeChart chart = ChartFactory.createXYLineChart("Regret on the true reward against n: "
        + g.name(), "n", "regret", data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setDomainAxis(new LogAxis("n (pairs)"));
    plot.setRangeAxis(new LogAxis("oracle - E_pi r* (log scale)"));
    Reports.savePng(chart, file);
  }

  private static void alphaPlot(Result r, Regime g, Path file) throws IOException {
    XYSeries learned = new XYSeries("pi*_alpha for the label reward");
    XYSeries truth = new XYSeries("pi*_alpha for the true reward");
    for (double[] point : r.curves().get(g.name())) {
      learned.add(point[0], point[1]);
      truth.add(point[0], point[2]);
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(learned);
    data.addSeries(truth);
    JFreeChart chart = ChartFactory.createXYLineChart("True expected reward against alpha: "
        + g.name(), "weight of reference 2", "E_pi r*", data, PlotOrientation.VERTICAL, true,
        false, false);
    Reports.savePng(chart, file);
  }
}

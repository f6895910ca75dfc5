package io.github.multiref.experiments;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.multiref.api.Diagnostic;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Stability;
import io.github.multiref.divergences.EscortCombiner;
import io.github.multiref.divergences.ForwardKl;
import io.github.multiref.divergences.HarmonicCombiner;
import io.github.multiref.divergences.MixtureCombiner;
import io.github.multiref.divergences.ReverseKl;
import io.github.multiref.rewards.io.JsonLine;
import io.github.multiref.solvers.ForwardKlSolver;
import io.github.multiref.solvers.ReverseKlSolver;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Writes an experiment's outputs into a folder: {@code results.csv} (one row per trial and
 * method), {@code summary.json}, {@code report.md}, and PNG plots. The folder is written next to
 * its final place and moved there when complete, so a failed run leaves nothing half-written.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class Reports {

  private Reports() {}

  /** One more file of the folder, written by the caller (a format this module does not know). */
  @FunctionalInterface
  @Stability(Stability.Status.EXPERIMENTAL)
  public interface Extra {
    void write(Experiment.Result result, Path file) throws IOException;
  }

  /** Writes every output into {@code dir} (created, or replaced file by file). */
  public static void write(Experiment.Result result, Path dir) throws IOException {
    write(result, dir, Map.of());
  }

  /**
   * Writes every output into {@code dir}, and {@code extra}'s files by their names, all moved
   * into place together once every one is complete.
   */
  public static void write(Experiment.Result result, Path dir, Map<String, Extra> extra)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    Path parent = dir.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + ".");
    try {
      csv(result, tmp.resolve("results.csv"));
      json(result, tmp.resolve("summary.json"));
      markdown(result, tmp.resolve("report.md"));
      gapPlot(result, tmp.resolve("gaps-vs-n.png"));
      if (boundsApply(result)) {
        rewardErrorPlot(result, tmp.resolve("reward-error-vs-n.png"));
      }
      alphaPlot(result, tmp.resolve("objective-vs-alpha.png"));
      referencesPlot(result, tmp.resolve("combined-references.png"));
      for (Map.Entry<String, Extra> e : extra.entrySet()) {
        e.getValue().write(result, tmp.resolve(e.getKey()));
      }
      Files.createDirectories(dir);
      try (var files = Files.list(tmp)) {
        for (Path f : files.toList()) {
          Files.move(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } finally {
      try (var files = Files.list(tmp)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(tmp);
    }
  }

  private static void csv(Experiment.Result r, Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("n,trial,method,sub_optimality,optimality_gap,sub_optimality_bound,"
          + "optimality_gap_bound,coverage,reward_error,reward_error_bound,learned_the_truth\n");
      for (Experiment.Row row : r.rows()) {
        w.write(row.n() + "," + row.trial() + "," + row.method() + "," + row.subOptimality()
            + "," + row.optimalityGap() + "," + csvNumber(row.subOptimalityBound()) + ","
            + csvNumber(row.optimalityGapBound()) + "," + row.coverage() + ","
            + row.rewardError() + "," + csvNumber(row.rewardErrorBound()) + ","
            + (row.learnedTheTruth() ? 1 : 0) + "\n");
      }
    }
  }

  /** A number, or an empty field where it is undefined (a bound that does not apply). */
  private static String csvNumber(double v) {
    return Double.isNaN(v) ? "" : Double.toString(v);
  }

  /** {@code o[key] = v}, or null where v is NaN or infinite: strict JSON has no NaN. */
  private static void number(ObjectNode o, String key, double v) {
    if (Double.isFinite(v)) {
      o.put(key, v);
    } else {
      o.putNull(key);
    }
  }

  private static void json(Experiment.Result r, Path file) throws IOException {
    ObjectNode root = JsonLine.MAPPER.createObjectNode();
    number(root, "seconds", r.seconds());
    root.put("trials", r.config().trials());
    root.put("reward_class", r.config().rewardClass().kind());
    ArrayNode summaries = root.putArray("summaries");
    for (Experiment.Summary s : r.summaries()) {
      ObjectNode o = summaries.addObject();
      o.put("method", s.method());
      o.put("n", s.n());
      stat(o.putObject("sub_optimality"), s.subOptimality());
      stat(o.putObject("optimality_gap"), s.optimalityGap());
      o.put("bounds_apply", s.boundsApply());
      number(o, "sub_optimality_bound", s.subOptimalityBound());
      number(o, "optimality_gap_bound", s.optimalityGapBound());
      number(o, "sub_optimality_bound_held", s.subOptimalityHeld());
      number(o, "optimality_gap_bound_held", s.optimalityGapHeld());
      spread(o.putObject("sub_optimality_over_bound"), s.subOptimalityRatio());
      spread(o.putObject("optimality_gap_over_bound"), s.optimalityGapRatio());
      number(o, "learned_the_truth", s.learnedTheTruth());
      stat(o.putObject("reward_error"), s.rewardError());
      number(o, "reward_error_bound", s.rewardErrorBound());
    }
    ArrayNode slopes = root.putArray("slopes");
    for (Experiment.Slope s : r.slopes()) {
      ObjectNode o = slopes.addObject();
      o.put("method", s.method());
      o.put("gap", s.gap());
      number(o, "slope", s.slope());
      number(o, "ci_low", s.low());
      number(o, "ci_high", s.high());
      number(o, "claimed", s.claimed());
      o.put("points", s.points());
      o.put("of_points", s.ofPoints());
    }
    Files.writeString(file, JsonLine.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(root) + "\n");
  }

  private static void spread(ObjectNode o, Experiment.Spread s) {
    number(o, "median", s.median());
    number(o, "q95", s.q95());
    number(o, "max", s.max());
  }

  private static void stat(ObjectNode o, Experiment.Stat s) {
    number(o, "mean", s.mean());
    number(o, "median", s.median());
    number(o, "q05", s.q05());
    number(o, "q95", s.q95());
  }

  /** The summary table as Markdown (also printed by {@code multiref demo}). */
  public static String table(Experiment.Result r) {
    StringBuilder b = new StringBuilder();
    b.append("| method | n | MLE = truth | sub-optimality mean (5%-95%) | bound | held |"
        + " optimality gap mean (5%-95%) | bound | held |\n|---|---|---|---|---|---|---|---|---|\n");
    for (Experiment.Summary s : r.summaries()) {
      b.append(String.format(Locale.ROOT, "| %s | %d | %s | %.3g (%.3g-%.3g) | %s | %s |"
              + " %.3g (%.3g-%.3g) | %s | %s |%n", s.method(), s.n(), s.boundsApply()
              ? String.format(Locale.ROOT, "%.0f%%", 100 * s.learnedTheTruth()) : "-",
          s.subOptimality().mean(), s.subOptimality().q05(), s.subOptimality().q95(),
          bound(s.subOptimalityBound()), held(s.subOptimalityHeld()), s.optimalityGap().mean(),
          s.optimalityGap().q05(), s.optimalityGap().q95(), bound(s.optimalityGapBound()),
          held(s.optimalityGapHeld())));
    }
    if (!r.summaries().isEmpty() && !r.summaries().get(0).boundsApply()) {
      b.append(NOT_APPLICABLE).append('\n');
    }
    return b.toString();
  }

  /**
   * Gap / bound per trial (median, 95% quantile, largest) where the bounds apply: a check in
   * which the MLE always finds the truth has every ratio 0 and tests nothing. Empty otherwise.
   */
  public static String ratios(Experiment.Result r) {
    if (!boundsApply(r)) {
      return "";
    }
    StringBuilder b = new StringBuilder("| method | n | MLE = truth | sub-optimality / bound"
        + " (median, 95%, max) | optimality gap / bound (median, 95%, max) |\n"
        + "|---|---|---|---|---|\n");
    for (Experiment.Summary s : r.summaries()) {
      b.append(String.format(Locale.ROOT, "| %s | %d | %.0f%% | %s | %s |%n", s.method(), s.n(),
          100 * s.learnedTheTruth(), spread(s.subOptimalityRatio()),
          spread(s.optimalityGapRatio())));
    }
    return b.toString();
  }

  /**
   * Lemma A.1 measured: the learned reward's error {@code E[((r_hat(y) - r_hat(y')) - (r*(y) -
   * r*(y')))^2]} over pairs from the sampling policy, against its bound eps_n. Empty where the
   * bound does not apply.
   */
  public static String rewardErrors(Experiment.Result r) {
    if (!boundsApply(r)) {
      return "";
    }
    StringBuilder b = new StringBuilder("| method (its pairs' policy) | n | measured mean (median,"
        + " 95%) | eps_n | 95% / eps_n |\n|---|---|---|---|---|\n");
    for (Experiment.Summary s : r.summaries()) { // methods sampling alike share the data
      b.append(String.format(Locale.ROOT, "| %s (%s) | %d | %.3g (%.3g, %.3g) | %.3g | %.3g |%n",
          s.method(), r.config().samplingFor(ExperimentMethod.parse(s.method())), s.n(),
          s.rewardError().mean(), s.rewardError().median(), s.rewardError().q95(),
          s.rewardErrorBound(), s.rewardError().q95() / s.rewardErrorBound()));
    }
    return b.toString();
  }

  /** Whether the finite-class bounds apply: there are summaries, of a finite class. */
  private static boolean boundsApply(Experiment.Result r) {
    return !r.summaries().isEmpty() && r.summaries().get(0).boundsApply();
  }

  private static String spread(Experiment.Spread s) {
    return String.format(Locale.ROOT, "%.3g, %.3g, %.3g", s.median(), s.q95(), s.max());
  }

  /** Why a table says "not applicable". */
  static final String NOT_APPLICABLE = "\nBounds: not applicable. They hold for a finite reward"
      + " class that contains the truth (|R| members); a tabular or linear class is infinite.";

  private static String bound(double value) {
    return Double.isNaN(value) ? "not applicable" : String.format(Locale.ROOT, "%.3g", value);
  }

  private static String held(double fraction) {
    return Double.isNaN(fraction) ? "not applicable"
        : String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
  }

  /**
   * The slopes as Markdown, measured beside claimed, with the number of n each rests on. The
   * optimality gap can be negative in a trial, so its slope is fitted on the mean of |gap|; the
   * signed means at each n stand beside it.
   */
  public static String slopes(Experiment.Result r) {
    StringBuilder b = new StringBuilder("| method | gap | measured slope (95% CI) | n used |"
        + " paper | signed mean gap at each n |\n|---|---|---|---|---|---|\n");
    for (Experiment.Slope s : r.slopes()) {
      boolean opt = s.gap().equals(ExperimentMethod.OPTIMALITY_GAP);
      StringBuilder means = new StringBuilder();
      for (Experiment.Summary m : r.summaries()) {
        if (m.method().equals(s.method())) {
          means.append(means.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT,
              "%.3g", opt ? m.optimalityGap().mean() : m.subOptimality().mean()));
        }
      }
      b.append(String.format(Locale.ROOT, "| %s | %s | %s | %d of %d | %s | %s |%n", s.method(),
          opt ? "|optimality gap|" : s.gap(), Double.isNaN(s.slope())
              ? "not fitted: fewer than " + Experiment.MIN_SLOPE_POINTS + " n with a positive gap"
              : String.format(Locale.ROOT, "%.2f (%.2f, %.2f)", s.slope(), s.low(), s.high()),
          s.points(), s.ofPoints(),
          Double.isNaN(s.claimed()) ? (s.method().startsWith("dpo:")
              ? "none (DPO with the scheme's weights)" : "none (surrogate: tends to its bias)")
              : s.claimed() == -1 ? "-1" : "-1/2" + (s.method().equals("fkl")
              && s.gap().equals("sub-optimality") ? " (bound)" : ""), means));
    }
    return b.toString();
  }

  /**
   * One single-reference result the paper's Section 7 (Table 1) sets beside its own: the rate
   * in n its reverse-KL sub-optimality bound decays at, the exponent, and its constant where
   * one is computed here. {@code who} and {@code decay} name its line on the gap plot.
   */
  private record PublishedRate(String who, String source, String setting, String rate,
      String decay, double exponent, String constant) {

    /** The table's first cell: who, and where it is published. */
    String result() {
      return source.isEmpty() ? who : who + ", " + source;
    }
  }

  /**
   * Zhao et al. (2024) and Song et al. (2024) as the paper and the public abstracts state them:
   * sample complexities O~(1/eps) and O~(1/eps^2), i.e. sub-optimality O~(1/n) and
   * O~(1/sqrt n). Their constants are not in the public material this project could read, so
   * they are compared by rate only.
   */
  private static final List<PublishedRate> PUBLISHED = List.of(
      new PublishedRate("Zhao et al. (2024)", "arXiv:2411.04625",
          "reverse KL, all-policy coverage, eps small", "O~(1/n) (samples O~(1/eps))", "1/n",
          -1, "not in public material: rate only"),
      new PublishedRate("Song et al. (2024)", "NeurIPS", "reverse KL, single-policy coverage",
          "O~(1/sqrt n) (samples O~(1/eps^2))", "1/sqrt(n)", -0.5,
          "not in public material: rate only"));

  /**
   * Section 7's comparison with single-reference results, where the experiment has one
   * reference and a reverse-KL method: the measured sub-optimality slope (95% interval) beside
   * the rate of this project's Theorem 5.5 and of the published single-reference bounds, and
   * whether the measured gap decays at that rate, faster (the rate is loose here) or slower (it
   * would be violated for large n). Empty otherwise.
   */
  public static String singleReference(Experiment.Result r) {
    Experiment.Slope s = singleReferenceSlope(r);
    if (s == null) {
      return "";
    }
    StringBuilder bounds = new StringBuilder();
    for (Experiment.Summary m : r.summaries()) {
      if (m.method().equals("rkl") && m.boundsApply()) {
        bounds.append(bounds.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT,
            "%.3g at n = %d", m.subOptimalityBound(), m.n()));
      }
    }
    StringBuilder b = new StringBuilder("| result | setting | sub-optimality rate | constant |"
        + " measured slope (95% CI) | measured against the rate (tolerance "
        + RATE_TOLERANCE + ") |\n|---|---|---|---|---|---|\n");
    List<PublishedRate> rows = new ArrayList<>();
    rows.add(new PublishedRate("this project, Theorem 5.5 with K = 1", "",
        "reverse KL, finite reward class, global or local coverage", "O(1/n)", "1/n", -1,
        bounds.length() > 0 ? "computed: " + bounds
            : "computed for finite classes only (this class is " + r.config().rewardClass()
                .kind() + ")"));
    rows.addAll(PUBLISHED);
    String measured = Double.isNaN(s.slope()) ? "not fitted"
        : String.format(Locale.ROOT, "%.2f (%.2f, %.2f)", s.slope(), s.low(), s.high());
    for (PublishedRate p : rows) {
      b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", p.result(),
          p.setting(), p.rate(), p.constant(), measured, againstRate(s, p.exponent())));
    }
    return b.toString();
  }

  /**
   * The reverse-KL sub-optimality slope the Section 7 comparison rests on: there when the
   * experiment has one reference and a reverse-KL method, else null.
   */
  private static Experiment.Slope singleReferenceSlope(Experiment.Result r) {
    return r.config().alpha().length != 1 ? null : r.slopes().stream()
        .filter(x -> x.method().equals("rkl") && x.gap().equals("sub-optimality"))
        .findFirst().orElse(null);
  }

  /**
   * How far from a rate's exponent a measured slope may lie and still be "at the rate": four n
   * over a factor 64 see the finite-n curvature of the gap and a small ridge, beside the
   * bootstrap interval.
   */
  static final double RATE_TOLERANCE = 0.1;

  /**
   * Where the measured slope lies against a rate's exponent: at it (the exponent is within the
   * 95% interval, or within {@link #RATE_TOLERANCE} of the slope), faster, or slower.
   */
  static String againstRate(Experiment.Slope s, double exponent) {
    if (Double.isNaN(s.slope())) {
      return "not fitted";
    }
    if ((s.low() <= exponent && exponent <= s.high())
        || Math.abs(s.slope() - exponent) <= RATE_TOLERANCE) {
      return "at the rate";
    }
    return s.slope() < exponent ? "faster: the rate is loose here"
        : "slower: the rate would fail at large n";
  }

  private static void markdown(Experiment.Result r, Path file) throws IOException {
    ExperimentConfig c = r.config();
    String single = singleReference(r);
    String text = "# Experiment report\n\n"
        + String.format(Locale.ROOT, "%d prompts x %d responses, K = %d references"
            + " (temperature %s), beta = %s, R_max = %s; %s reward class; pairs sampled from the"
            + " %s, labelled by %s; delta = %s; %d trials per n; seed %d; %.1f s.%n%n",
            c.prompts(), c.responses(), c.alpha().length, c.temperature(), c.beta(), c.rMax(),
            c.rewardClass().kind(), c.samplingDescription(), c.model(), c.delta(), c.trials(), c.seed(),
            r.seconds())
        + "## Gaps and bounds\n\nMeans over trials, with the 5% and 95% quantiles; bounds are"
        + " averaged over trials (the coverage constant is computed per trial); \"held\" is the"
        + " fraction of trials in which the gap was at most its bound; \"MLE = truth\" the"
        + " fraction in which the learned reward was the truth (all of whose gaps are 0).\n\n"
        + table(r)
        + (!boundsApply(r) ? "" : "\n## Gap / bound per trial\n\n" + ratios(r))
        + (!boundsApply(r) ? "" : "\n## Lemma A.1: the MLE's reward error\n\n"
            + "Measured `E[((r_hat(y) - r_hat(y')) - (r*(y) - r*(y')))^2]` over pairs from the"
            + " sampling policy, against its bound `eps_n = 2 kappa^2 log(|R|/delta) / n`.\n\n"
            + rewardErrors(r) + "\n![reward error](reward-error-vs-n.png)\n")
        + "\n## Rates\n\nLog-log slope against n of the mean sub-optimality, and of the mean"
        + " |optimality gap| (a trial's optimality gap can be negative; the signed means are"
        + " beside it), with a 95% bootstrap interval over trials.\n\n" + slopes(r)
        + (single.isEmpty() ? "" : "\n## Section 7: against single-reference results\n\n"
            + "With one reference the paper's bounds are single-reference bounds; the measured"
            + " reverse-KL sub-optimality rate beside theirs.\n\n" + single)
        + "\n## Plots\n\n![gaps](gaps-vs-n.png)\n\n![alpha](objective-vs-alpha.png)\n\n"
        + "![references](combined-references.png)\n";
    Files.writeString(file, text);
  }

  private static void gapPlot(Experiment.Result r, Path file) throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    for (String m : r.config().methods().stream().map(ExperimentMethod::label).toList()) {
      XYSeries sub = new XYSeries(m + " sub-optimality" + slopeLabel(r, m, "sub-optimality"));
      XYSeries opt = new XYSeries(m + " |optimality gap|" + slopeLabel(r, m, "optimality gap"));
      XYSeries subBound = new XYSeries(m + " sub-optimality bound");
      for (Experiment.Summary s : r.summaries()) {
        if (s.method().equals(m)) {
          if (s.subOptimality().mean() > 0) {
            sub.add(s.n(), s.subOptimality().mean());
          }
          double absOpt = r.rows().stream().filter(x -> x.method().equals(m) && x.n() == s.n())
              .mapToDouble(x -> Math.abs(x.optimalityGap())).average().orElse(0);
          if (absOpt > 0) {
            opt.add(s.n(), absOpt);
          }
          if (s.boundsApply()) {
            subBound.add(s.n(), s.subOptimalityBound());
          }
        }
      }
      data.addSeries(sub);
      data.addSeries(opt);
      if (subBound.getItemCount() > 0) {
        data.addSeries(subBound);
      }
    }
    if (singleReferenceSlope(r) != null) {
      rateLines(r, data);
    }
    JFreeChart chart = ChartFactory.createXYLineChart("Gaps against n (log-log)", "n",
        "gap", data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setDomainAxis(new LogAxis("n (pairs)"));
    plot.setRangeAxis(new LogAxis("gap"));
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      String key = data.getSeriesKey(i).toString();
      if (key.endsWith("bound") || key.endsWith("(rate only)")) {
        renderer.setSeriesStroke(i, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
            BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
      }
    }
    plot.setRenderer(renderer);
    plot.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 600);
  }

  /**
   * The published single-reference rates as lines through the measured reverse-KL
   * sub-optimality at the smallest n: their constants are unknown, so only the slopes compare.
   */
  private static void rateLines(Experiment.Result r, XYSeriesCollection data) {
    List<Experiment.Summary> rkl = r.summaries().stream()
        .filter(s -> s.method().equals("rkl") && s.subOptimality().mean() > 0).toList();
    if (rkl.isEmpty()) {
      return;
    }
    Experiment.Summary first = rkl.get(0);
    for (PublishedRate p : PUBLISHED) {
      XYSeries line = new XYSeries(p.who() + " rate " + p.decay() + ", through rkl's first"
          + " point (rate only)");
      for (Experiment.Summary s : rkl) {
        line.add(s.n(), first.subOptimality().mean()
            * Math.pow((double) s.n() / first.n(), p.exponent()));
      }
      data.addSeries(line);
    }
  }

  /** Lemma A.1: the measured reward error (median and 95% quantile) and eps_n, log-log. */
  private static void rewardErrorPlot(Experiment.Result r, Path file) throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    XYSeries bound = new XYSeries("Lemma A.1 bound eps_n");
    String first = r.summaries().get(0).method();
    for (ExperimentMethod m : r.config().methods()) {
      XYSeries q95 = new XYSeries(m.label() + " (pairs from the " + r.config().samplingFor(m)
          + "): measured reward error, 95% quantile");
      for (Experiment.Summary s : r.summaries()) {
        if (s.method().equals(m.label())) {
          if (s.rewardError().q95() > 0) {
            q95.add(s.n(), s.rewardError().q95());
          }
          if (s.method().equals(first)) {
            bound.add(s.n(), s.rewardErrorBound());
          }
        }
      }
      data.addSeries(q95);
    }
    data.addSeries(bound);
    JFreeChart chart = ChartFactory.createXYLineChart("MLE reward error against n (log-log)",
        "n", "error", data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setDomainAxis(new LogAxis("n (pairs)"));
    plot.setRangeAxis(new LogAxis("E[(reward difference error)^2]"));
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    renderer.setSeriesStroke(data.getSeriesCount() - 1, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
        BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    plot.setRenderer(renderer);
    plot.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 600);
  }

  private static String slopeLabel(Experiment.Result r, String method, String gap) {
    for (Experiment.Slope s : r.slopes()) {
      if (s.method().equals(method) && s.gap().equals(gap) && !Double.isNaN(s.slope())) {
        return String.format(Locale.ROOT, " (slope %.2f)", s.slope());
      }
    }
    return "";
  }

  /** J(alpha) of the exact reverse- and forward-KL solutions for the first prompt's two refs. */
  private static void alphaPlot(Experiment.Result r, Path file) throws IOException {
    ReferenceSet refs = r.bandit().references(0);
    double[] reward = r.bandit().trueReward()[0];
    double beta = r.config().beta();
    XYSeries rkl = new XYSeries("reverse KL optimum J_R");
    XYSeries hoelder = new XYSeries("alpha-average of single-reference optima (Hoelder)");
    XYSeries fkl = new XYSeries("forward KL optimum J_F");
    if (refs.size() >= 2) {
      for (int i = 0; i <= 50; i++) {
        double a = i / 50.0;
        ReferenceSet two = ReferenceSet.of(refs.prompt(), List.of(refs.reference(0),
            refs.reference(1)), a, 1 - a);
        var rs = ReverseKlSolver.INSTANCE.solve(RegularizedProblem.of(two, reward, beta,
            ReverseKl.INSTANCE));
        rkl.add(a, rs.objective());
        hoelder.add(a, rs.diagnostics().get(Diagnostic.HOELDER_BOUND));
        fkl.add(a, ForwardKlSolver.DEFAULT.solve(RegularizedProblem.of(two, reward, beta,
            ForwardKl.INSTANCE)).objective());
      }
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(rkl);
    data.addSeries(hoelder);
    data.addSeries(fkl);
    JFreeChart chart = ChartFactory.createXYLineChart(
        "Optimal objective against alpha (prompt 0, references 1 and 2)",
        "alpha (weight of reference 1)", "objective", data, PlotOrientation.VERTICAL, true,
        false, false);
    chart.getXYPlot().setBackgroundPaint(Color.WHITE);
    ((org.jfree.chart.axis.NumberAxis) chart.getXYPlot().getRangeAxis())
        .setAutoRangeIncludesZero(false);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 600);
  }

  /** The escort, mixture and harmonic mean against each reference, for the first prompt. */
  private static void referencesPlot(Experiment.Result r, Path file) throws IOException {
    ReferenceSet refs = r.bandit().references(0);
    XYSeriesCollection data = new XYSeriesCollection();
    for (int i = 0; i < refs.size(); i++) {
      data.addSeries(series("reference " + (i + 1), refs.reference(i)));
    }
    data.addSeries(series("escort (geometric)",
        EscortCombiner.INSTANCE.combine(refs).distribution()));
    data.addSeries(series("mixture (arithmetic)",
        MixtureCombiner.INSTANCE.combine(refs).distribution()));
    data.addSeries(series("harmonic",
        HarmonicCombiner.INSTANCE.combine(refs).distribution()));
    JFreeChart chart = ChartFactory.createXYLineChart(
        "Combined references against each reference (prompt 0)", "response", "probability",
        data, PlotOrientation.VERTICAL, true, false, false);
    savePng(chart, file);
  }

  private static XYSeries series(String name, LogDistribution d) {
    XYSeries s = new XYSeries(name);
    for (int y = 0; y < d.size(); y++) {
      s.add(y, d.prob(y));
    }
    return s;
  }

  /** A chart of lines with points on a white background, saved as a 900 x 600 PNG. */
  static void savePng(JFreeChart chart, Path file) throws IOException {
    XYPlot plot = chart.getXYPlot();
    plot.setRenderer(new XYLineAndShapeRenderer(true, true));
    plot.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 600);
  }
}

package io.github.multiref.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.multiref.api.Stability;
import io.github.multiref.sequences.CharNgram;
import io.github.multiref.sequences.PerToken;
import io.github.multiref.sequences.SyntheticReferences;
import io.github.multiref.sequences.TokenPolicy;
import io.github.multiref.sequences.TokenTree;
import io.github.multiref.solvers.sampled.SampledOptimum;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
 * How much mixing references per token loses against the exact multi-reference optimum: on
 * seeded synthetic autoregressive references (full token trees), the exact reverse-KL gap of
 * the geometric and arithmetic per-token ensembles (each tilted by the reward) and of MRPO, as
 * one setting at a time is swept; and the error of the sampled-response estimator against N.
 *
 * <p>A config (JSON, {@code "experiment": "per-token"}):
 *
 * <pre>{@code
 * {"experiment": "per-token",
 *  "vocabulary": 4, "length": 6, "temperatures": [1, 1], "spread": 2, "disagreement": 1.5,
 *  "alpha": [0.5, 0.5], "beta": 1, "token_reward": 0, "sequence_reward": 1,
 *  "seeds": 4, "seed": 1,
 *  "sweeps": {"disagreement": [0, 0.5, 1, 2, 4], "length": [2, 4, 6, 8]},
 *  "estimator": {"samples": [16, 64, 256, 1024, 4096], "repetitions": 40}}
 * }</pre>
 *
 * <p>Sweepable: {@code length}, {@code vocabulary}, {@code temperature} (the last reference's),
 * {@code disagreement}, {@code spread}, {@code alpha} (the last reference's weight; the others
 * share the rest equally) and {@code beta}. Each sweep varies its setting alone, the others at
 * the config's values; every point is averaged over {@code seeds} trees.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class TokenExperiment {

  /** The value of a config's {@code experiment} key. */
  public static final String KIND = "per-token";

  /** The policies set against the exact optimum in the tables and plots. */
  public static final List<String> ENSEMBLES = List.of("geometric-tilted", "arithmetic-tilted",
      "mrpo");

  private static final List<String> KEYS = List.of("experiment", "vocabulary", "length",
      "temperatures", "spread", "disagreement", "alpha", "beta", "token_reward",
      "sequence_reward", "seeds", "seed", "sweeps", "estimator", "ngram");
  private static final List<String> SWEEPS = List.of("length", "vocabulary", "temperature",
      "disagreement", "spread", "alpha", "beta");

  private TokenExperiment() {}

  /** One setting of the synthetic references, the reward and the problem. */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Setting(int vocabulary, int length, double[] temperatures, double spread,
      double disagreement, double[] alpha, double beta, double tokenReward,
      double sequenceReward, List<CharNgram> ngrams) {

    public Setting {
      temperatures = temperatures.clone();
      alpha = alpha.clone();
      ngrams = ngrams == null ? null : List.copyOf(ngrams);
    }

    /** K. */
    public int references() {
      return alpha.length;
    }

    @Override
    public double[] temperatures() {
      return temperatures.clone();
    }

    @Override
    public double[] alpha() {
      return alpha.clone();
    }

    /** This setting with one of its values changed (see the class comment). */
    public Setting with(String parameter, double value) {
      int k = temperatures.length;
      switch (parameter) {
        case "length":
          return new Setting(vocabulary, (int) value, temperatures, spread, disagreement, alpha,
              beta, tokenReward, sequenceReward, ngrams);
        case "vocabulary":
          requireSynthetic(parameter);
          return new Setting((int) value, length, temperatures, spread, disagreement, alpha, beta,
              tokenReward, sequenceReward, ngrams);
        case "temperature": {
          requireSynthetic(parameter);
          double[] t = temperatures.clone();
          t[k - 1] = value;
          return new Setting(vocabulary, length, t, spread, disagreement, alpha, beta,
              tokenReward, sequenceReward, ngrams);
        }
        case "disagreement":
          requireSynthetic(parameter);
          return new Setting(vocabulary, length, temperatures, spread, value, alpha, beta,
              tokenReward, sequenceReward, ngrams);
        case "spread":
          requireSynthetic(parameter);
          return new Setting(vocabulary, length, temperatures, value, disagreement, alpha, beta,
              tokenReward, sequenceReward, ngrams);
        case "alpha": {
          double[] a = new double[alpha.length];
          Arrays.fill(a, (1 - value) / (alpha.length - 1));
          a[alpha.length - 1] = value;
          return new Setting(vocabulary, length, temperatures, spread, disagreement, a, beta,
              tokenReward, sequenceReward, ngrams);
        }
        case "beta":
          return new Setting(vocabulary, length, temperatures, spread, disagreement, alpha, value,
              tokenReward, sequenceReward, ngrams);
        default:
          throw new IllegalArgumentException("unknown sweep '" + parameter + "'; known: "
              + SWEEPS);
      }
    }

    private void requireSynthetic(String parameter) {
      if (ngrams != null) {
        throw new IllegalArgumentException("sweeps." + parameter + " changes the synthetic"
            + " references; with n-gram references sweep length, alpha or beta");
      }
    }

    /** The full tree of this setting, its references and rewards drawn with {@code seed}. */
    public TokenTree tree(long seed) {
      TokenTree.Model model = ngrams != null ? CharNgram.references(ngrams)
          : new SyntheticReferences(vocabulary, temperatures, spread, disagreement, seed);
      return TokenTree.full(vocabulary, length, references(), model,
          SyntheticReferences.rewards(seed, tokenReward, sequenceReward));
    }
  }

  /**
   * A parsed config.
   *
   * @param base the setting every sweep starts from
   * @param sweeps each swept setting's values, in the config's order
   * @param seeds trees per point
   * @param seed the first tree's seed (then seed + 1, ...)
   * @param samples the estimator's N values (empty: no estimator run)
   * @param repetitions the estimator's repetitions per N
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Config(Setting base, Map<String, double[]> sweeps, int seeds, long seed,
      int[] samples, int repetitions) {}

  /** Whether a JSON config asks for this experiment ({@code "experiment": "per-token"}). */
  public static boolean isFor(String json) {
    JsonNode root = ExperimentConfig.readObject(json);
    JsonNode kind = root.get("experiment");
    return kind != null && kind.isTextual() && kind.asText().equals(KIND);
  }

  /**
   * Parses and validates a config.
   *
   * @throws IllegalArgumentException naming the field, its value and what was expected
   */
  public static Config parse(String json) {
    JsonNode root = ExperimentConfig.readObject(json);
    ExperimentConfig.rejectUnknownKeys(root, "", KEYS);
    if (!KIND.equals(ExperimentConfig.text(root, "experiment"))) {
      throw new IllegalArgumentException("experiment must be '" + KIND + "'");
    }
    List<CharNgram> ngrams = root.get("ngram") == null ? null
        : ngrams(ExperimentConfig.object(root, "ngram"));
    double[] temperatures;
    int vocabulary;
    if (ngrams != null) {
      for (String synthetic : List.of("temperatures", "vocabulary", "spread", "disagreement")) {
        if (root.get(synthetic) != null) {
          throw new IllegalArgumentException(synthetic + " describes the synthetic references;"
              + " with ngram the references are the n-gram models (leave it out)");
        }
      }
      temperatures = new double[ngrams.size()];
      Arrays.fill(temperatures, 1);
      vocabulary = ngrams.get(0).alphabet().length();
    } else {
      temperatures = ExperimentConfig.numbers(root, "temperatures");
      for (int i = 0; i < temperatures.length; i++) {
        if (!(temperatures[i] > 0 && temperatures[i] < Double.POSITIVE_INFINITY)) {
          throw new IllegalArgumentException("temperatures[" + i + "] must be finite and > 0,"
              + " got " + temperatures[i]);
        }
      }
      vocabulary = ExperimentConfig.integer(root, "vocabulary", 2);
    }
    if (temperatures.length < 2) {
      throw new IllegalArgumentException("K >= 2 references: temperatures (or ngram.orders) must"
          + " have at least 2 entries");
    }
    double[] alpha = ExperimentConfig.numbers(root, "alpha");
    if (alpha.length != temperatures.length) {
      throw new IllegalArgumentException("alpha has " + alpha.length + " weights but there are "
          + temperatures.length + " references");
    }
    Setting base = new Setting(vocabulary,
        ExperimentConfig.integer(root, "length", 1), temperatures,
        ExperimentConfig.nonNegative(root, "spread", 2), ExperimentConfig.nonNegative(root,
            "disagreement", 1), alpha, ExperimentConfig.positive(root, "beta"),
        ExperimentConfig.nonNegative(root, "token_reward", 0),
        ExperimentConfig.nonNegative(root, "sequence_reward", 1), ngrams);
    check(base, "");
    Map<String, double[]> sweeps = new LinkedHashMap<>();
    JsonNode s = ExperimentConfig.object(root, "sweeps");
    ExperimentConfig.rejectUnknownKeys(s, "sweeps.", SWEEPS);
    for (var names = s.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      double[] values = ExperimentConfig.numbers(s, "sweeps." + name);
      for (double v : values) {
        check(base.with(name, v), "sweeps." + name + " value " + v + ": ");
      }
      sweeps.put(name, values);
    }
    int seeds = ExperimentConfig.integer(root, "seeds", 1);
    JsonNode seed = root.get("seed");
    if (seed == null || !seed.canConvertToLong()) {
      throw new IllegalArgumentException("seed must be an integer");
    }
    int[] samples = new int[0];
    int repetitions = 0;
    if (root.get("estimator") != null) {
      JsonNode e = ExperimentConfig.object(root, "estimator");
      ExperimentConfig.rejectUnknownKeys(e, "estimator.", List.of("samples", "repetitions"));
      double[] n = ExperimentConfig.numbers(e, "estimator.samples");
      samples = new int[n.length];
      for (int i = 0; i < n.length; i++) {
        if (!(n[i] >= 2 && n[i] == Math.rint(n[i]) && n[i] <= 1e7)) {
          throw new IllegalArgumentException("estimator.samples[" + i + "] must be an integer"
              + " from 2 to 1e7, got " + n[i]);
        }
        samples[i] = (int) n[i];
      }
      repetitions = ExperimentConfig.integer(e, "estimator.repetitions", 2);
    }
    return new Config(base, sweeps, seeds, seed.asLong(), samples, repetitions);
  }

  /**
   * {@code "ngram": {"text": FILE, "orders": [1, 3], "alphabet": " etaoins", "add_k": 0.5}}: one
   * character n-gram reference per order, trained on the text file (UTF-8; characters outside
   * the alphabet skipped; the alphabet defaults to the text's 6 most frequent characters).
   */
  private static List<CharNgram> ngrams(JsonNode n) {
    ExperimentConfig.rejectUnknownKeys(n, "ngram.", List.of("text", "orders", "alphabet",
        "add_k"));
    Path file = Path.of(ExperimentConfig.text(n, "ngram.text"));
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("ngram.text: cannot read " + file + " ("
          + e.getClass().getSimpleName() + ")", e);
    }
    String alphabet = n.get("alphabet") != null ? ExperimentConfig.text(n, "ngram.alphabet")
        : mostFrequent(text, 6);
    double addK = ExperimentConfig.nonNegative(n, "ngram.add_k", 0.5);
    List<CharNgram> models = new ArrayList<>();
    for (double order : ExperimentConfig.numbers(n, "ngram.orders")) {
      if (!(order >= 1 && order <= 8 && order == Math.rint(order))) {
        throw new IllegalArgumentException("ngram.orders must hold integers from 1 to 8, got "
            + order);
      }
      models.add(CharNgram.train(text, alphabet, (int) order, addK));
    }
    return models;
  }

  /** The text's {@code count} most frequent characters, most frequent first. */
  static String mostFrequent(String text, int count) {
    Map<Character, Integer> counts = new java.util.HashMap<>();
    for (char c : text.toCharArray()) {
      if (c != '\n' && c != '\r') {
        counts.merge(c, 1, Integer::sum);
      }
    }
    StringBuilder b = new StringBuilder();
    counts.entrySet().stream().sorted(Map.Entry.<Character, Integer>comparingByValue().reversed()
        .thenComparing(Map.Entry.comparingByKey())).limit(count)
        .forEach(e -> b.append(e.getKey()));
    if (b.length() < 2) {
      throw new IllegalArgumentException("ngram.text holds fewer than 2 distinct characters");
    }
    return b.toString();
  }

  private static void check(Setting s, String where) {
    if (s.vocabulary() < 2 || s.length() < 1) {
      throw new IllegalArgumentException(where + "vocabulary must be >= 2 and length >= 1, got "
          + s.vocabulary() + " and " + s.length());
    }
    if (Math.pow(s.vocabulary(), s.length()) > (1 << 20)) {
      throw new IllegalArgumentException(where + "vocabulary^length = " + s.vocabulary() + "^"
          + s.length() + " leaves; an experiment's trees are kept to 2^20 leaves");
    }
    double sum = 0;
    for (int i = 0; i < s.alpha().length; i++) {
      if (!(s.alpha()[i] >= 0 && s.alpha()[i] <= 1)) {
        throw new IllegalArgumentException(where + "alpha[" + i + "] must be in [0, 1], got "
            + s.alpha()[i]);
      }
      sum += s.alpha()[i];
    }
    if (Math.abs(sum - 1) > 1e-9) {
      throw new IllegalArgumentException(where + "alpha must sum to 1, got " + sum);
    }
    if (!(s.temperatures()[s.temperatures().length - 1] > 0) || !(s.beta() > 0)) {
      throw new IllegalArgumentException(where + "temperatures and beta must be > 0");
    }
  }

  /** One tree's policy measured at one point of a sweep. */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Row(String parameter, double value, long seed, PerToken.Measured measured) {}

  /**
   * The estimator at one N: over the repetitions, the error of its value against the exact
   * {@code J*}, and how often its 95% interval covered it.
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record EstimatorRow(int samples, double bias, double rmse, double coverage,
      double meanEss) {}

  /** What a run measured. */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Result(Config config, List<Row> rows, List<EstimatorRow> estimator,
      double estimatorSlope, double exactValue, double seconds) {}

  /** Runs every sweep and the estimator; {@code progress} hears of each finished point. */
  public static Result run(Config c, Consumer<String> progress) {
    long start = System.nanoTime();
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, double[]> sweep : c.sweeps().entrySet()) {
      for (double value : sweep.getValue()) {
        Setting s = c.base().with(sweep.getKey(), value);
        for (int k = 0; k < c.seeds(); k++) {
          long seed = c.seed() + k;
          for (PerToken.Measured m : PerToken.compare(s.tree(seed), s.alpha(), s.beta())) {
            rows.add(new Row(sweep.getKey(), value, seed, m));
          }
        }
        progress.accept(sweep.getKey() + " = " + value);
      }
    }
    List<EstimatorRow> estimator = new ArrayList<>();
    double slope = Double.NaN;
    double exact = Double.NaN;
    if (c.samples().length > 0) {
      Setting s = c.base();
      TokenTree tree = s.tree(c.seed());
      exact = s.beta() * PerToken.reverseKl(tree, s.alpha(), s.beta()).logValue();
      TokenPolicy proposal = PerToken.arithmeticEnsemble(tree, s.alpha());
      SplittableRandom rng = new SplittableRandom(c.seed() ^ 0x3C6EF372FE94F82BL);
      for (int n : c.samples()) {
        estimator.add(estimate(tree, proposal, s, n, c.repetitions(), exact, rng));
        progress.accept("estimator N = " + n);
      }
      double[] x = new double[estimator.size()];
      double[] y = new double[estimator.size()];
      for (int i = 0; i < x.length; i++) {
        x[i] = Math.log(estimator.get(i).samples());
        y[i] = Math.log(estimator.get(i).rmse());
      }
      slope = x.length > 1 ? Experiment.leastSquaresSlope(x, y) : Double.NaN;
    }
    return new Result(c, rows, estimator, slope, exact,
        (System.nanoTime() - start) / 1e9);
  }

  /**
   * {@code repetitions} estimates of {@code J*} from N sequences drawn from the proposal (the
   * arithmetic per-token mixture, as one samples from several models token by token).
   */
  private static EstimatorRow estimate(TokenTree tree, TokenPolicy proposal, Setting s, int n,
      int repetitions, double exact, SplittableRandom rng) {
    int k = tree.references();
    double[][] leafRefs = new double[k][];
    for (int i = 0; i < k; i++) {
      leafRefs[i] = tree.leafLogProbs(i);
    }
    double[] leafReward = tree.leafRewards();
    double[] leafQ = proposal.leafLogProbs();
    int[] leafOf = new int[tree.nodes()];
    for (int l = 0; l < tree.leafCount(); l++) {
      leafOf[tree.leaf(l)] = l;
    }
    double sumError = 0;
    double sumSquared = 0;
    double sumEss = 0;
    int covered = 0;
    double[] reward = new double[n];
    double[][] refs = new double[k][n];
    double[] q = new double[n];
    for (int rep = 0; rep < repetitions; rep++) {
      for (int j = 0; j < n; j++) {
        int node = 0;
        while (tree.children(node) > 0) { // walk down, drawing each token from q's conditional
          double u = rng.nextDouble();
          int first = tree.firstChild(node);
          int last = first + tree.children(node) - 1;
          int c = first;
          double cumulative = Math.exp(proposal.logConditional(c));
          while (c < last && u >= cumulative) {
            c++;
            cumulative += Math.exp(proposal.logConditional(c));
          }
          node = c;
        }
        int l = leafOf[node];
        reward[j] = leafReward[l];
        q[j] = leafQ[l];
        for (int i = 0; i < k; i++) {
          refs[i][j] = leafRefs[i][l];
        }
      }
      SampledOptimum.Estimate e = SampledOptimum.reverseKl(reward, refs, q, s.alpha(), s.beta());
      double error = e.value() - exact;
      sumError += error;
      sumSquared += error * error;
      sumEss += e.ess();
      covered += e.valueLow() <= exact && exact <= e.valueHigh() ? 1 : 0;
    }
    return new EstimatorRow(n, sumError / repetitions, Math.sqrt(sumSquared / repetitions),
        (double) covered / repetitions, sumEss / repetitions);
  }

  /** The mean over seeds of a policy's reverse-KL gap at each point of a sweep. */
  static Map<Double, Double> meanGaps(Result r, String parameter, String policy) {
    Map<Double, double[]> sums = new LinkedHashMap<>();
    for (Row row : r.rows()) {
      if (row.parameter().equals(parameter) && row.measured().name().equals(policy)) {
        double[] s = sums.computeIfAbsent(row.value(), v -> new double[2]);
        s[0] += row.measured().reverseGap();
        s[1]++;
      }
    }
    Map<Double, Double> out = new LinkedHashMap<>();
    sums.forEach((v, s) -> out.put(v, s[0] / s[1]));
    return out;
  }

  /** The markdown tables: each sweep's mean gaps, and the estimator's error against N. */
  public static String tables(Result r) {
    StringBuilder b = new StringBuilder();
    Setting s = r.config().base();
    String references = s.ngrams() != null
        ? String.format(Locale.ROOT, "K = %d character n-gram models of orders %s over the"
            + " alphabet '%s'", s.references(), s.ngrams().stream()
            .map(m -> Integer.toString(m.order())).toList(), s.ngrams().get(0).alphabet())
        : String.format(Locale.ROOT, "K = %d synthetic references (temperatures %s, shared base"
            + " %.3g nats, own perturbation %.3g nats)", s.references(),
            Arrays.toString(s.temperatures()), s.spread(), s.disagreement());
    b.append(String.format(Locale.ROOT, "Base setting: vocabulary %d, length %d (%d sequences),"
        + " %s, alpha %s, beta %.3g, rewards %.3g per token and %.3g per sequence (Gaussian);"
        + " %d trees per point.%n%n", s.vocabulary(), s.length(),
        (long) Math.pow(s.vocabulary(), s.length()), references, Arrays.toString(s.alpha()),
        s.beta(), s.tokenReward(), s.sequenceReward(), r.config().seeds()));
    for (String parameter : r.config().sweeps().keySet()) {
      b.append("| ").append(parameter);
      for (String p : ENSEMBLES) {
        b.append(" | ").append(p);
      }
      b.append(" |\n|---");
      b.append("|---".repeat(ENSEMBLES.size())).append("|\n");
      for (double v : r.config().sweeps().get(parameter)) {
        b.append("| ").append(number(v));
        for (String p : ENSEMBLES) {
          double gap = meanGaps(r, parameter, p).get(v);
          // exact up to rounding (a gap is >= 0): 0, not the sign of the rounding
          b.append(" | ").append(Math.abs(gap) < 1e-12 ? "0" : String.format(Locale.ROOT,
              "%.3g", gap));
        }
        b.append(" |\n");
      }
      b.append('\n');
    }
    if (!r.estimator().isEmpty()) {
      b.append(String.format(Locale.ROOT, "Estimator (`multiref estimate`) of J* = %.6g from N"
          + " sequences drawn token by token from the arithmetic mixture, %d repetitions per N;"
          + " slope of log RMSE against log N: %.3f (1/sqrt(N): -0.5)%n%n", r.exactValue(),
          r.config().repetitions(), r.estimatorSlope()));
      b.append("| N | bias | RMSE | 95% interval covers J* | mean ESS |\n|---|---|---|---|---|\n");
      for (EstimatorRow e : r.estimator()) {
        b.append(String.format(Locale.ROOT, "| %d | %+.3g | %.3g | %.0f%% | %.1f |%n",
            e.samples(), e.bias(), e.rmse(), 100 * e.coverage(), e.meanEss()));
      }
    }
    return b.toString();
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%.3g", v);
  }

  /** Writes results.csv, estimator.csv, report.md and one PNG per sweep (and the estimator). */
  public static void write(Result r, Path dir) throws IOException {
    Files.createDirectories(dir);
    try (Writer w = Files.newBufferedWriter(dir.resolve("results.csv"), StandardCharsets.UTF_8)) {
      w.write("parameter,value,seed,policy,reverse_objective,reverse_gap,forward_objective,"
          + "forward_gap,kl_from_optimum,expected_reward\n");
      for (Row row : r.rows()) {
        PerToken.Measured m = row.measured();
        w.write(String.join(",", row.parameter(), Double.toString(row.value()),
            Long.toString(row.seed()), m.name(), Double.toString(m.reverseObjective()),
            Double.toString(m.reverseGap()), Double.toString(m.forwardObjective()),
            Double.toString(m.forwardGap()), Double.toString(m.klFromOptimum()),
            Double.toString(m.expectedReward())) + "\n");
      }
    }
    try (Writer w = Files.newBufferedWriter(dir.resolve("estimator.csv"),
        StandardCharsets.UTF_8)) {
      w.write("samples,bias,rmse,coverage,mean_ess\n");
      for (EstimatorRow e : r.estimator()) {
        w.write(e.samples() + "," + e.bias() + "," + e.rmse() + "," + e.coverage() + ","
            + e.meanEss() + "\n");
      }
    }
    StringBuilder md = new StringBuilder("# Per-token mixing against the exact multi-reference"
        + " optimum\n\nThe exact reverse-KL gap `J_R(pi*) - J_R(pi)` of each per-token ensemble"
        + " (tilted by the reward, as DPO against it would train toward) and of MRPO, computed"
        + " on every sequence of the tree; `results.csv` also holds the forward-KL gaps,"
        + " `KL(pi*||pi)` and the expected rewards.\n\n");
    md.append(tables(r));
    for (String parameter : r.config().sweeps().keySet()) {
      md.append("\n![gap against ").append(parameter).append("](gap-vs-").append(parameter)
          .append(".png)\n");
      sweepPlot(r, parameter, dir.resolve("gap-vs-" + parameter + ".png"));
    }
    if (!r.estimator().isEmpty()) {
      md.append("\n![estimator error against N](estimator-error.png)\n");
      estimatorPlot(r, dir.resolve("estimator-error.png"));
    }
    Files.writeString(dir.resolve("report.md"), md, StandardCharsets.UTF_8);
  }

  private static void sweepPlot(Result r, String parameter, Path file) throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    for (String p : ENSEMBLES) {
      XYSeries series = new XYSeries(p);
      meanGaps(r, parameter, p).forEach((v, gap) -> {
        if (gap > 1e-15) { // a log axis: exact points (gap 0) are left out
          series.add(v, gap);
        }
      });
      data.addSeries(series);
    }
    JFreeChart chart = ChartFactory.createXYLineChart("Gap to the exact optimum against "
        + parameter, parameter, "J_R(pi*) - J_R(pi)", data, PlotOrientation.VERTICAL, true,
        false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setRangeAxis(new LogAxis("J_R(pi*) - J_R(pi) (log scale)"));
    if (parameter.equals("beta")) {
      plot.setDomainAxis(new LogAxis("beta (log scale)"));
    }
    Reports.savePng(chart, file);
  }

  private static void estimatorPlot(Result r, Path file) throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    XYSeries rmse = new XYSeries(String.format(Locale.ROOT, "RMSE of the estimated J* (slope"
        + " %.2f)", r.estimatorSlope()));
    XYSeries rate = new XYSeries("1/sqrt(N) through the first point");
    EstimatorRow first = r.estimator().get(0);
    for (EstimatorRow e : r.estimator()) {
      rmse.add(e.samples(), e.rmse());
      rate.add(e.samples(), first.rmse() * Math.sqrt((double) first.samples() / e.samples()));
    }
    data.addSeries(rmse);
    data.addSeries(rate);
    JFreeChart chart = ChartFactory.createXYLineChart("Sampled-response estimator against N",
        "N", "RMSE", data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setDomainAxis(new LogAxis("N (sampled sequences per estimate)"));
    plot.setRangeAxis(new LogAxis("RMSE"));
    Reports.savePng(chart, file);
  }
}

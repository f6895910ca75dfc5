package io.github.multiref.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.multiref.api.Divergence;
import io.github.multiref.io.NestedDoubleLists;
import io.github.multiref.io.ParquetTableReader;
import io.github.multiref.io.ParquetTableWriter;
import io.github.multiref.io.TableFormat;
import io.github.multiref.io.TableSchema;
import io.github.multiref.rewards.Lbfgs;
import io.github.multiref.rewards.PreferenceData;
import io.github.multiref.rewards.Separation;
import io.github.multiref.rewards.io.JsonLine;
import io.github.multiref.runtime.Registries;
import io.github.multiref.solvers.dpo.DpoLoss;
import io.github.multiref.solvers.dpo.DpoLosses;
import io.github.multiref.solvers.dpo.MultiReferenceDpo;
import io.github.multiref.solvers.dpo.ReferenceWeighting;
import io.github.multiref.training.DpoData;
import io.github.multiref.training.DpoTrainer;
import io.github.multiref.training.PolicyClass;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code multiref train-dpo}: a policy over each prompt's candidates, trained by DPO. */
@Command(
    name = "train-dpo",
    header = "Train a policy over each prompt's candidates by multi-reference DPO.",
    mixinStandardHelpOptions = true,
    description = {
        "Train a tabular or log-linear policy over each prompt's candidate responses by",
        "minimizing the multi-reference DPO loss over preference pairs (TRL's prompt, chosen,",
        "rejected), with every reference's log-probabilities of the candidates from",
        "--candidates (solve's fields without reward: prompt, responses, ref_logprobs).",
        "Writes one line per prompt: prompt, responses, policy_logprobs (normalized over the",
        "candidates)."})
final class TrainDpoCommand implements Callable<Integer>, MultirefCommand.Subcommand {

  @ParentCommand MultirefCommand parent;

  @Mixin CommonOptions common;

  @Option(names = "--pairs", paramLabel = "FILE", required = true,
      description = "Preference pairs, JSONL or Parquet: prompt, chosen, rejected.")
  String pairs;

  @Option(names = "--candidates", paramLabel = "FILE", required = true,
      description = "Each prompt's candidates, JSONL or Parquet: prompt, responses, ref_logprobs"
          + " (K arrays, renormalized over the candidates).")
  String candidates;

  @Option(names = "--output", paramLabel = "FILE",
      description = "Output file (default: standard output). Written whole or not at all.")
  Path output;

  @Option(names = "--beta", required = true, description = "Regularization strength, > 0.")
  double beta;

  @Option(names = "--weights", paramLabel = "A1,...,AK", split = ",",
      description = "Reference weights alpha (default: uniform).")
  double[] weights;

  @Option(names = "--adaptive-weights",
      description = "MRPO's adaptive weights per pair instead of fixed ones.")
  boolean adaptive;

  @Option(names = "--divergence", paramLabel = "NAME", defaultValue = "reverse-kl",
      description = "Any registered divergence (default: ${DEFAULT-VALUE}).")
  String divergenceName;

  @Option(names = "--loss", paramLabel = "NAME", defaultValue = "sigmoid",
      description = "sigmoid (default; sigmoid:label-smoothing=EPS), hinge or ipo.")
  String lossName;

  /** The policy classes. */
  enum Policy { tabular, linear }

  @Option(names = "--policy", paramLabel = "CLASS", defaultValue = "tabular",
      description = "tabular (one logit per prompt and candidate) or linear (theta . phi, with"
          + " --features) (default: ${DEFAULT-VALUE}).")
  Policy policy;

  @Option(names = "--features", paramLabel = "FILE",
      description = "For --policy linear: prompt, response, features (as fit-reward reads).")
  String features;

  @Option(names = "--l2", defaultValue = "0",
      description = "Ridge on the parameters, >= 0 (default: none).")
  double l2;

  /** The optimizers. */
  enum Optimizer { lbfgs, adam }

  @Option(names = "--optimizer", defaultValue = "lbfgs",
      description = "lbfgs (full batch, to --tolerance) or adam (seeded mini-batches)"
          + " (default: ${DEFAULT-VALUE}).")
  Optimizer optimizer;

  @Option(names = "--tolerance", defaultValue = "1e-10",
      description = "L-BFGS: largest gradient component, relative to max(1, |objective|)"
          + " (default: ${DEFAULT-VALUE}).")
  double tolerance;

  @Option(names = "--max-iterations", defaultValue = "10000",
      description = "L-BFGS iterations before it reports no convergence (default:"
          + " ${DEFAULT-VALUE}).")
  int maxIterations;

  @Option(names = "--learning-rate", defaultValue = "0.01",
      description = "Adam's step size (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--batch-size", defaultValue = "256",
      description = "Adam's pairs per step (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--epochs", defaultValue = "100",
      description = "Adam's passes over the pairs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--seed", defaultValue = "0",
      description = "Adam's shuffling seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "Output format: jsonl or parquet (default: from --output's name).")
  String format;

  /** The output's Parquet schema. */
  static final TableSchema OUTPUT = TableSchema.of(List.of(
      new TableSchema.Column("prompt", TableSchema.Kind.STRING, false),
      new TableSchema.Column("responses", TableSchema.Kind.STRING_LIST, true),
      new TableSchema.Column("policy_logprobs", TableSchema.Kind.DOUBLE_LIST, false)));

  /** One prompt's candidates. */
  record Candidates(String where, String prompt, String[] responses, double[][] refs) {}

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public Integer call() throws IOException {
    long start = System.nanoTime();
    CliIo.checkBeta(beta);
    double[] alpha = weights == null ? null : CliIo.checkedWeights(weights);
    if (!(l2 >= 0 && l2 < Double.POSITIVE_INFINITY)) {
      throw new InputException("--l2 must be finite and >= 0, got " + l2);
    }
    if ((policy == Policy.linear) != (features != null)) {
      throw new InputException(policy == Policy.linear ? "--policy linear needs --features FILE"
          : "--features goes with --policy linear");
    }
    if (weights != null && adaptive) {
      throw new InputException("--weights and --adaptive-weights exclude each other");
    }
    DpoLoss loss;
    try {
      loss = DpoLosses.parse(lossName);
    } catch (IllegalArgumentException e) {
      throw new InputException("--loss: " + e.getMessage());
    }
    Lbfgs lbfgs;
    DpoTrainer.Adam adam;
    try {
      lbfgs = Lbfgs.of(tolerance, maxIterations, 20);
      adam = new DpoTrainer.Adam(learningRate, batchSize, epochs);
    } catch (IllegalArgumentException e) {
      throw new InputException(e.getMessage());
    }
    TableFormat out = CliIo.outputFormat(output, format, false);
    Registries registries = parent.registries(parent.effectiveOptions(this));
    Divergence divergence = registries.divergences().create(divergenceName);

    List<Candidates> cands = readCandidates(candidates);
    Map<String, Integer> byPrompt = index(cands, candidates);
    int k = cands.get(0).refs().length;
    if (alpha != null && alpha.length != k) {
      throw new InputException("--weights has " + alpha.length + " entries but the candidates"
          + " have " + k + " references");
    }
    PreferenceData prefs = FitRewardCommand.readPairs(pairs);
    if (prefs.size() == 0) {
      throw new InputException(pairs + " holds no pairs");
    }
    int[][] matched = match(prefs, cands, byPrompt, candidates);
    double[][][] refs = new double[cands.size()][][];
    for (int x = 0; x < cands.size(); x++) {
      refs[x] = cands.get(x).refs();
    }
    DpoData data;
    try {
      data = DpoData.of(refs, matched);
    } catch (IllegalArgumentException e) {
      throw new InputException(candidates + ": " + e.getMessage());
    }
    if (policy == Policy.tabular && l2 == 0) {
      checkIdentified(prefs, cands, matched);
    }
    PolicyClass policyClass = policy == Policy.tabular ? PolicyClass.tabular(data)
        : PolicyClass.linear(data, featureRows(features, cands));
    MultiReferenceDpo scorer = MultiReferenceDpo.of(divergence, beta, loss,
        adaptive ? ReferenceWeighting.adaptive()
            : ReferenceWeighting.fixed(alpha != null ? alpha : uniform(k)));
    DpoTrainer.Trained trained;
    try (Progress progress = Progress.start(parent.main().err(), "multiref train-dpo",
        optimizer == Optimizer.adam ? "epochs" : null)) {
      trained = optimizer == Optimizer.lbfgs
          ? DpoTrainer.lbfgs(data, policyClass, scorer, l2, lbfgs)
          : DpoTrainer.adam(data, policyClass, scorer, l2, adam, new SplittableRandom(seed),
              e -> progress.add(1));
    } catch (ArithmeticException e) {
      throw new ArithmeticException("training did not converge: " + e.getMessage()
          + (l2 == 0 ? "; pairs that a policy of this class can order perfectly have no finite"
          + " optimum without a ridge (--l2)" : ""));
    }
    write(out, cands, trained);
    parent.main().err().printf(Locale.ROOT, "multiref train-dpo: %d pairs, %d prompts, policy %s"
        + " (%d parameters), divergence %s, loss %s, %s: objective %.10g (mean loss %.6g),"
        + " %d %s, gradient %.3g, %.2f s%s%n", data.pairs(), data.prompts(), policy,
        policyClass.dimension(), divergenceName, lossName, optimizer, trained.objective(),
        trained.objective() / data.pairs(), trained.iterations(),
        optimizer == Optimizer.lbfgs ? "iterations" : "steps", trained.gradientNorm(),
        (System.nanoTime() - start) / 1e9, output == null ? "" : ", written to " + output);
    return 0;
  }

  private static double[] uniform(int k) {
    double[] w = new double[k];
    java.util.Arrays.fill(w, 1.0 / k);
    return w;
  }

  /** Each prompt's position in the candidates file, every prompt once and with one K. */
  static Map<String, Integer> index(List<Candidates> cands, String candidates) {
    Map<String, Integer> byPrompt = new HashMap<>();
    int k = cands.get(0).refs().length;
    for (int x = 0; x < cands.size(); x++) {
      Candidates c = cands.get(x);
      if (byPrompt.put(c.prompt(), x) != null) {
        throw new InputException(c.where() + ": prompt '" + c.prompt() + "' appears twice in "
            + candidates);
      }
      if (c.refs().length != k) {
        throw new InputException(c.where() + ": has " + c.refs().length + " references but the"
            + " first prompt has " + k);
      }
    }
    return byPrompt;
  }

  /** Each pair as {prompt, chosen, rejected} indices into the candidates. */
  static int[][] match(PreferenceData prefs, List<Candidates> cands,
      Map<String, Integer> byPrompt, String candidates) {
    List<Map<String, Integer>> index = new ArrayList<>();
    for (Candidates c : cands) {
      Map<String, Integer> m = new HashMap<>();
      for (int j = 0; j < c.responses().length; j++) {
        if (m.put(c.responses()[j], j) != null) {
          throw new InputException(c.where() + ": response '" + c.responses()[j]
              + "' appears twice among the candidates of prompt '" + c.prompt() + "'");
        }
      }
      index.add(m);
    }
    int[][] out = new int[prefs.size()][];
    for (int i = 0; i < prefs.size(); i++) {
      if (prefs.rankingLength(i) != 2) {
        throw new InputException("pair " + (i + 1) + " ranks " + prefs.rankingLength(i)
            + " responses; DPO trains on pairs");
      }
      String prompt = prefs.promptLabel(prefs.prompt(i));
      Integer x = byPrompt.get(prompt);
      if (x == null) {
        throw new InputException("pair " + (i + 1) + ": prompt '" + prompt + "' is not in "
            + candidates);
      }
      int[] pair = {x, 0, 0};
      for (int side = 0; side < 2; side++) {
        String response = prefs.responseLabel(prefs.prompt(i), prefs.ranked(i, side));
        Integer j = index.get(x).get(response);
        if (j == null) {
          throw new InputException("pair " + (i + 1) + ": " + (side == 0 ? "chosen" : "rejected")
              + " response '" + response + "' is not among the candidates of prompt '" + prompt
              + "' in " + candidates);
        }
        pair[side + 1] = j;
      }
      out[i] = pair;
    }
    return out;
  }

  /**
   * Without a ridge, a tabular policy is determined only where the pairs determine it: every
   * candidate compared, and the comparisons of each prompt not separable.
   */
  private void checkIdentified(PreferenceData prefs, List<Candidates> cands, int[][] matched) {
    boolean[][] compared = new boolean[cands.size()][];
    for (int x = 0; x < cands.size(); x++) {
      compared[x] = new boolean[cands.get(x).responses().length];
    }
    for (int[] p : matched) {
      compared[p[0]][p[1]] = true;
      compared[p[0]][p[2]] = true;
    }
    for (int x = 0; x < cands.size(); x++) {
      for (int j = 0; j < compared[x].length; j++) {
        if (!compared[x][j]) {
          throw new InputException("candidate '" + cands.get(x).responses()[j] + "' of prompt '"
              + cands.get(x).prompt() + "' is in no pair, so an unregularized tabular policy"
              + " leaves its probability undetermined; give a ridge (--l2) or drop it");
        }
      }
    }
    Separation.tabular(prefs).ifPresent(s -> {
      throw new InputException("the pairs are separable (" + s + "), so an unregularized"
          + " tabular policy has no finite optimum; give a ridge (--l2)");
    });
  }

  /** The features of every candidate row, in the data's row order. */
  static double[][] featureRows(String features, List<Candidates> cands) throws IOException {
    List<String> prompts = new ArrayList<>();
    List<List<String>> responses = new ArrayList<>();
    for (Candidates c : cands) {
      prompts.add(c.prompt());
      responses.add(List.of(c.responses()));
    }
    double[][][] phi = FitRewardCommand.readFeatures(features, prompts, responses);
    List<double[]> rows = new ArrayList<>();
    for (double[][] prompt : phi) {
      rows.addAll(List.of(prompt));
    }
    return rows.toArray(new double[0][]);
  }

  /** The candidates file: one prompt per line (row), solve's fields without reward. */
  static List<Candidates> readCandidates(String file) throws IOException {
    List<Candidates> out = new ArrayList<>();
    if (CliIo.inputFormat(file, null) == TableFormat.PARQUET) {
      try (ParquetTableReader t = ParquetTableReader.open(Path.of(file),
          List.of("prompt", "responses", "ref_logprobs"))) {
        for (String column : new String[] {"prompt", "responses", "ref_logprobs"}) {
          if (!t.has(column)) {
            throw new InputException(file + " has no column '" + column + "'; a candidates"
                + " table needs prompt, responses and ref_logprobs");
          }
        }
        while (t.nextRowGroup()) {
          String[] prompt = t.strings("prompt");
          String[][] responses = t.stringLists("responses");
          NestedDoubleLists refs = t.nestedDoubleLists("ref_logprobs");
          for (int p = 0; p < t.groupRows(); p++) {
            long row = t.firstRow() + p;
            if (prompt[p] == null || responses[p] == null) {
              throw InputException.at(row, prompt[p] == null ? "prompt" : "responses",
                  "null; expected a value");
            }
            int n = responses[p].length;
            double[][] lp = new double[refs.lists(p)][];
            for (int i = 0; i < lp.length; i++) {
              int list = refs.rowOffsets()[p] + i;
              int from = refs.listOffsets()[list];
              int length = refs.listOffsets()[list + 1] - from;
              if (length != n) {
                throw InputException.at(row, "ref_logprobs", "list " + i + " has " + length
                    + " entries but 'responses' has " + n);
              }
              lp[i] = java.util.Arrays.copyOfRange(refs.values(), from, from + n);
            }
            if (lp.length == 0) {
              throw InputException.at(row, "ref_logprobs", "no lists; expected K >= 1");
            }
            out.add(new Candidates("row " + row, prompt[p], responses[p], lp));
          }
        }
      }
    } else {
      try (BufferedReader in = CliIo.open(file)) {
        long line = 0;
        for (String text = in.readLine(); text != null; text = in.readLine()) {
          line++;
          if (text.isBlank()) {
            continue;
          }
          JsonLine f = JsonLine.parse(line, text);
          String prompt = f.string("prompt");
          String[] responses = f.strings("responses");
          double[][] refs = f.sequenceLogProbabilityArrays("ref_logprobs", responses.length,
              "responses");
          out.add(new Candidates("line " + line, prompt, responses, refs));
        }
      }
    }
    if (out.isEmpty()) {
      throw new InputException(file + " holds no prompts");
    }
    return out;
  }

  private void write(TableFormat out, List<Candidates> cands, DpoTrainer.Trained trained)
      throws IOException {
    double[][] lp = trained.logProbs();
    try (AtomicOutput o = out == TableFormat.PARQUET ? AtomicOutput.binary(output)
        : AtomicOutput.open(output, parent.main().out())) {
      if (out == TableFormat.PARQUET) {
        try (ParquetTableWriter w = ParquetTableWriter.create(o.file(), OUTPUT)) {
          w.write((i, row) -> {
            row.string(0, cands.get(i).prompt());
            row.strings(1, cands.get(i).responses());
            row.numbers(2, lp[i], 0, lp[i].length);
          }, cands.size());
        }
      } else {
        Writer w = o.writer();
        for (int x = 0; x < cands.size(); x++) {
          ObjectNode line = JsonLine.MAPPER.createObjectNode();
          line.put("prompt", cands.get(x).prompt());
          ArrayNode r = line.putArray("responses");
          for (String s : cands.get(x).responses()) {
            r.add(s);
          }
          ArrayNode a = line.putArray("policy_logprobs");
          for (double v : lp[x]) {
            a.add(v);
          }
          w.write(JsonLine.MAPPER.writeValueAsString(line));
          w.write('\n');
        }
      }
      o.commit();
    }
  }
}

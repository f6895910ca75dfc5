package io.github.multiref.cli;

import io.github.multiref.api.Divergence;
import io.github.multiref.io.NestedDoubleLists;
import io.github.multiref.io.ParquetTableReader;
import io.github.multiref.io.TableFormat;
import io.github.multiref.rewards.PreferenceData;
import io.github.multiref.rewards.io.JsonLine;
import io.github.multiref.runtime.Registries;
import io.github.multiref.solvers.dpo.DpoLoss;
import io.github.multiref.solvers.dpo.DpoLosses;
import io.github.multiref.training.DpoData;
import io.github.multiref.training.PolicyClass;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * What the DPO-training commands ({@code train-dpo}, {@code weights}) read: the pairs, each
 * prompt's candidates with the references' log-probabilities, the DPO divergence, strength and
 * loss, and the policy class; checked and matched into {@link DpoData}.
 */
final class DpoInputs {

  @Option(names = "--pairs", paramLabel = "FILE", required = true,
      description = "Preference pairs, JSONL or Parquet: prompt, chosen, rejected.")
  String pairs;

  @Option(names = "--candidates", paramLabel = "FILE", required = true,
      description = "Each prompt's candidates, JSONL or Parquet: prompt, responses, ref_logprobs"
          + " (K arrays, renormalized over the candidates).")
  String candidates;

  @Option(names = "--beta", required = true, description = "Regularization strength, > 0.")
  double beta;

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

  /** One prompt's candidates. */
  record Candidates(String where, String prompt, String[] responses, double[][] refs) {}

  /**
   * The inputs, read and checked.
   *
   * @param features the features of every candidate row for a linear policy, else null
   */
  record Loaded(List<Candidates> candidates, PreferenceData preferences, int[][] pairs,
      DpoData data, Divergence divergence, DpoLoss loss, double[][] features) {

    /** The policy class over a subset of the data (its train pairs, say). */
    PolicyClass policyFor(DpoData d) {
      return features == null ? PolicyClass.tabular(d) : PolicyClass.linear(d, features);
    }
  }

  /** Reads and checks everything; errors name the file, the line or the pair. */
  Loaded load(Registries registries) throws IOException {
    CliIo.checkBeta(beta);
    if ((policy == Policy.linear) != (features != null)) {
      throw new InputException(policy == Policy.linear ? "--policy linear needs --features FILE"
          : "--features goes with --policy linear");
    }
    DpoLoss loss;
    try {
      loss = DpoLosses.parse(lossName);
    } catch (IllegalArgumentException e) {
      throw new InputException("--loss: " + e.getMessage());
    }
    Divergence divergence = registries.divergences().create(divergenceName);
    // two files are read: an error about a line or row says which file it is in
    List<Candidates> cands = inFile(candidates, () -> readCandidates(candidates));
    Map<String, Integer> byPrompt = inFile(candidates, () -> index(cands, candidates));
    PreferenceData prefs = inFile(pairs, () -> FitRewardCommand.readPairs(pairs));
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
    return new Loaded(cands, prefs, matched, data, divergence, loss,
        features == null ? null : featureRows(features, cands));
  }

  /** What reads a file. */
  @FunctionalInterface
  private interface Read<T> {
    T read() throws IOException;
  }

  /** {@code read}, its errors at a line or row prefixed with the file's name. */
  private static <T> T inFile(String file, Read<T> read) throws IOException {
    try {
      return read.read();
    } catch (InputException | IllegalArgumentException e) {
      String m = e.getMessage();
      if (m != null && (m.startsWith("line ") || m.startsWith("row "))) {
        throw new InputException(file + ", " + m, e);
      }
      throw e;
    }
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
        CliIo.requireColumns(t, file, "a candidates table needs prompt, responses and"
            + " ref_logprobs", "prompt", "responses", "ref_logprobs");
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
}

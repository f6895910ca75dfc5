package io.github.multiref.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.multiref.api.CombinedReference;
import io.github.multiref.api.Diagnostic;
import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.LogMath;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.ReferenceCombiner;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Solver;
import io.github.multiref.rewards.io.JsonLine;
import io.github.multiref.runtime.Registries;
import io.github.multiref.solvers.DatasetSolver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code multiref solve}: the optimal policy for every prompt of a JSONL file. */
@Command(
    name = "solve",
    header = "Solve the multi-reference regularized problem for every prompt of a file.",
    mixinStandardHelpOptions = true,
    description = {
        "Solve the multi-reference regularized problem for every prompt of a JSONL file:",
        "  maximize E_pi r - beta * sum_i alpha_i D(pi || pi_i) over the candidate responses.",
        "Input, one object per line: {\"prompt\": \"...\", \"responses\": [...],"
            + " \"reward\": [...], \"ref_logprobs\": [[...], ...]}",
        "(ref_logprobs: K arrays of sequence log-probabilities, one per reference)."})
final class SolveCommand implements Callable<Integer>, MultirefCommand.Subcommand {

  enum Format { jsonl, csv }

  @ParentCommand MultirefCommand parent;

  @Mixin CommonOptions common;

  @Mixin JobOptions job;

  @Option(names = "--divergence", paramLabel = "NAME", defaultValue = "reverse-kl",
      description = "Any registered divergence, with parameters as NAME:key=value"
          + " (default: ${DEFAULT-VALUE}; see 'multiref plugins').")
  String divergenceName;

  @Option(names = "--solver", paramLabel = "NAME", defaultValue = "auto",
      description = "Any registered solver (default: ${DEFAULT-VALUE}, the best for the"
          + " divergence; 'mrpo' for the surrogate).")
  String solverName;

  @Option(names = "--format", defaultValue = "jsonl",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--no-normalize",
      description = "Take ref_logprobs as normalized distributions over the candidates (each must"
          + " sum to 1 within 1e-6) instead of renormalizing them.")
  boolean noNormalize;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "1024",
      description = "Prompts held in memory at once (default: ${DEFAULT-VALUE}).")
  int batch;

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public Integer call() throws IOException {
    long start = System.nanoTime();
    CliIo.checkBeta(job.beta);
    double[] alpha = job.weights == null ? null : CliIo.checkedWeights(job.weights);
    int workers = CliIo.checkedThreads(job.threads, batch);
    Registries registries = parent.registries(parent.effectiveOptions(this));
    Divergence divergence = registries.divergences().create(divergenceName);
    Solver solver = registries.solvers().create(solverName);
    Solver used = solver.delegateFor(divergence);
    if (!used.supports(divergence)) {
      throw new InputException("solver '" + solverName + "' does not solve divergence '"
          + divergenceName + "'");
    }

    Stats stats = new Stats();
    try (BufferedReader in = CliIo.open(job.input);
        AtomicOutput out = AtomicOutput.open(job.output, parent.main().out());
        Progress progress = Progress.start(parent.main().err(), "multiref solve", "prompts")) {
      Writer w = out.writer();
      if (format == Format.csv) {
        w.write("prompt,objective,upper_bound,lambda,policy_logprobs,reference_logprobs\n");
      }
      List<PromptRecord> records = new ArrayList<>();
      long line = 0;
      for (String text = in.readLine(); text != null; text = in.readLine()) {
        line++;
        if (text.isBlank()) {
          continue;
        }
        records.add(read(line, text));
        if (records.size() == batch) {
          solveBatch(records, alpha, divergence, used, workers, w, stats);
          progress.add(records.size());
          records.clear();
        }
      }
      solveBatch(records, alpha, divergence, used, workers, w, stats);
      if (stats.prompts == 0) {
        throw new InputException(job.input + " holds no prompts");
      }
      out.commit();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    parent.main().err().printf(Locale.ROOT,
        "multiref solve: %d prompts, %d responses, divergence %s, solver %s, beta %s:"
            + " mean objective %.6g, %d lambda iterations in all, %.2f s%s%n",
        stats.prompts, stats.responses, divergenceName, used, job.beta,
        stats.objectiveSum / stats.prompts, stats.iterations, seconds,
        job.output == null ? "" : ", written to " + job.output);
    return 0;
  }

  private static PromptRecord read(long line, String text) {
    JsonLine f = JsonLine.parse(line, text);
    String prompt = f.string("prompt");
    String[] responses = f.strings("responses");
    if (responses.length == 0) {
      throw InputException.at(line, "field 'responses' must not be empty");
    }
    double[] reward = f.finiteNumbers("reward", responses.length, "responses");
    double[][] refs = f.sequenceLogProbabilityArrays("ref_logprobs", responses.length,
        "responses");
    return new PromptRecord(line, prompt, responses, reward, refs);
  }

  /** K, as the first prompt gives it: every line must have as many references. */
  private int references = -1;

  private RegularizedProblem problem(PromptRecord r, double[] alpha, Divergence divergence) {
    int k = r.refLogprobs().length;
    if (references < 0) {
      references = k;
    }
    if (k != references) {
      throw InputException.at(r.line(), "field 'ref_logprobs' has " + k
          + " references but earlier lines have " + references);
    }
    double[] w = alpha;
    if (w == null) {
      w = new double[k];
      java.util.Arrays.fill(w, 1.0 / k);
    } else if (w.length != k) {
      throw InputException.at(r.line(), "field 'ref_logprobs' has " + k
          + " references but --weights has " + w.length);
    }
    // a reference with weight 0 never matters: it is read and checked, but left out
    List<LogDistribution> refs = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      if (w[i] > 0) {
        refs.add(reference(r, i));
        weights.add(w[i]);
      }
    }
    String label = r.prompt().length() > 60 ? r.prompt().substring(0, 57) + "..." : r.prompt();
    try {
      return RegularizedProblem.of(ReferenceSet.of(label, refs,
          weights.stream().mapToDouble(Double::doubleValue).toArray()), r.reward(), job.beta,
          divergence);
    } catch (IllegalArgumentException e) {
      throw InputException.at(r.line(), e.getMessage());
    }
  }

  /** Reference i of a line, renormalized over the candidates unless --no-normalize. */
  private LogDistribution reference(PromptRecord r, int i) {
    double[] lp = r.refLogprobs()[i];
    String field = "field 'ref_logprobs[" + i + "]'";
    double logMass = LogMath.logSumExp(lp);
    if (logMass == Double.NEGATIVE_INFINITY) {
      throw InputException.at(r.line(), field + " gives no response positive probability");
    }
    if (noNormalize) {
      if (Math.abs(Math.expm1(logMass)) > 1e-6) {
        throw InputException.at(r.line(), field + " sums to " + Math.exp(logMass)
            + " in probability; expected 1 within 1e-6 (without --no-normalize it is"
            + " renormalized over the candidates)");
      }
      return LogDistribution.of(lp, 1e-6);
    }
    return LogDistribution.normalize(lp);
  }

  private void solveBatch(List<PromptRecord> records, double[] alpha, Divergence divergence,
      Solver solver, int workers, Writer w, Stats stats)
      throws IOException {
    if (records.isEmpty()) {
      return;
    }
    List<RegularizedProblem> problems = new ArrayList<>(records.size());
    Map<RegularizedProblem, Long> lines = new IdentityHashMap<>();
    for (PromptRecord r : records) {
      RegularizedProblem p = problem(r, alpha, divergence);
      problems.add(p);
      lines.put(p, r.line());
    }
    Solver reporting = new Solver() {
      @Override
      public boolean supports(Divergence d) {
        return solver.supports(d);
      }

      @Override
      public PolicySolution solve(RegularizedProblem p) {
        try {
          return solver.solve(p);
        } catch (ArithmeticException e) { // the solver's own failure: located, not blamed on input
          throw new ArithmeticException("line " + lines.get(p) + ": " + e.getMessage());
        } catch (RuntimeException e) {
          throw InputException.at(lines.get(p), e.getMessage());
        }
      }

      @Override
      public List<PolicySolution> solveAll(List<RegularizedProblem> ps) {
        try {
          return solver.solveAll(ps); // the solver's own, which may reuse its working memory
        } catch (RuntimeException e) {
          // solving is deterministic: one by one, the failing prompt fails again, with its line
          return Solver.super.solveAll(ps);
        }
      }
    };
    List<PolicySolution> solutions = DatasetSolver.solveAll(problems, reporting, workers);
    for (int j = 0; j < records.size(); j++) {
      PolicySolution s = solutions.get(j);
      ReferenceSet refs = problems.get(j).references();
      double[] ref = s.combinedReference().map(c -> combined(c, refs)).orElse(null);
      write(w, records.get(j), s, ref);
      stats.prompts++;
      stats.responses += records.get(j).responses().length;
      stats.objectiveSum += s.objective();
      stats.iterations += s.iterations();
    }
  }

  private static double[] combined(ReferenceCombiner c, ReferenceSet refs) {
    CombinedReference r = c.combine(refs);
    return r.distribution().logProbs();
  }

  private void write(Writer w, PromptRecord record, PolicySolution s, double[] reference)
      throws IOException {
    String prompt = record.prompt();
    Double upper = s.diagnostics().get(Diagnostic.HOELDER_BOUND);
    Double lambda = s.diagnostics().get(Diagnostic.MULTIPLIER);
    if (format == Format.jsonl) {
      ObjectNode o = JsonLine.MAPPER.createObjectNode();
      o.put("prompt", prompt);
      ArrayNode responses = o.putArray("responses");
      for (String response : record.responses()) {
        responses.add(response);
      }
      ArrayNode policy = o.putArray("policy_logprobs");
      for (double v : s.policy().logProbs()) {
        policy.add(v);
      }
      if (reference == null) {
        o.putNull("reference_logprobs");
      } else {
        ArrayNode a = o.putArray("reference_logprobs");
        for (double v : reference) {
          a.add(v);
        }
      }
      o.put("objective", s.objective());
      o.put("upper_bound", upper);
      o.put("lambda", lambda);
      w.write(JsonLine.MAPPER.writeValueAsString(o));
      w.write('\n');
    } else {
      w.write(csvQuote(prompt));
      w.write(',' + Double.toString(s.objective()) + ',' + (upper == null ? "" : upper) + ','
          + (lambda == null ? "" : lambda) + ',');
      w.write(joined(s.policy().logProbs()));
      w.write(',');
      w.write(reference == null ? "" : joined(reference));
      w.write('\n');
    }
  }

  private static String joined(double[] values) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        b.append(' ');
      }
      b.append(values[i]);
    }
    return b.toString();
  }

  /** RFC 4180: quote a field holding a comma, quote or line break; double inner quotes. */
  static String csvQuote(String field) {
    if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0
        && field.indexOf('\r') < 0) {
      return field;
    }
    return '"' + field.replace("\"", "\"\"") + '"';
  }

  private static final class Stats {
    long prompts;
    long responses;
    double objectiveSum;
    long iterations;
  }
}

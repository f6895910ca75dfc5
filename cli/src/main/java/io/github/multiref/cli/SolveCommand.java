package io.github.multiref.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.multiref.api.BatchSpec;
import io.github.multiref.api.Divergence;
import io.github.multiref.api.PromptBatch;
import io.github.multiref.api.PromptFailure;
import io.github.multiref.api.SolutionBatch;
import io.github.multiref.api.Solver;
import io.github.multiref.io.DoubleLists;
import io.github.multiref.io.NestedDoubleLists;
import io.github.multiref.io.ParquetTableReader;
import io.github.multiref.io.ParquetTableWriter;
import io.github.multiref.io.TableFormat;
import io.github.multiref.io.TableSchema;
import io.github.multiref.rewards.io.JsonLine;
import io.github.multiref.runtime.Registries;
import io.github.multiref.solvers.DatasetSolver;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code multiref solve}: the optimal policy for every prompt of a JSONL or Parquet table. */
@Command(
    name = "solve",
    header = "Solve the multi-reference regularized problem for every prompt of a file.",
    mixinStandardHelpOptions = true,
    description = {
        "Solve the multi-reference regularized problem for every prompt of a table:",
        "  maximize E_pi r - beta * sum_i alpha_i D(pi || pi_i) over the candidate responses.",
        "Input, JSONL (one object per line) or Parquet (one row per prompt): {\"prompt\":"
            + " \"...\", \"responses\": [...], \"reward\": [...], \"ref_logprobs\": [[...], ...]}",
        "(ref_logprobs: K arrays of sequence log-probabilities, one per reference; responses"
            + " optional in Parquet). Formats follow the file names unless given."})
final class SolveCommand implements Callable<Integer>, MultirefCommand.Subcommand {

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

  @Mixin FormatOptions formats;

  /** The format of the output, from --format or the output's name. */
  private TableFormat out;

  /** The Parquet output, when that is the format. */
  private ParquetTableWriter table;

  /** Solve's Parquet output, in this order. */
  static final TableSchema OUTPUT = TableSchema.of(List.of(
      new TableSchema.Column("prompt", TableSchema.Kind.STRING, false),
      new TableSchema.Column("responses", TableSchema.Kind.STRING_LIST, true),
      new TableSchema.Column("policy_logprobs", TableSchema.Kind.DOUBLE_LIST, false),
      new TableSchema.Column("reference_logprobs", TableSchema.Kind.DOUBLE_LIST, true),
      new TableSchema.Column("objective", TableSchema.Kind.DOUBLE, false),
      new TableSchema.Column("upper_bound", TableSchema.Kind.DOUBLE, true),
      new TableSchema.Column("lambda", TableSchema.Kind.DOUBLE, true)));

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
  @SuppressWarnings("try") // closesTable is only closed: before the output, so a failure leaves none
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

    TableFormat in = CliIo.inputFormat(job.input, formats.input);
    out = CliIo.outputFormat(job.output, formats.output, true);
    Stats stats = new Stats();
    List<PromptRecord> records = new ArrayList<>();
    try (AtomicOutput output = out == TableFormat.PARQUET ? AtomicOutput.binary(job.output)
            : AtomicOutput.open(job.output, parent.main().out());
        java.io.Closeable closesTable = () -> { // before the output: a failed file is then deleted
          if (table != null) {
            table.close();
          }
        };
        Progress progress = Progress.start(parent.main().err(), "multiref solve", "prompts")) {
      Writer w = null;
      if (out == TableFormat.PARQUET) {
        table = ParquetTableWriter.create(output.file(), OUTPUT);
      } else {
        w = output.writer();
      }
      if (out == TableFormat.CSV) {
        w.write("prompt,objective,upper_bound,lambda,policy_logprobs,reference_logprobs\n");
      }
      Job j = new Job(alpha, divergence, used, workers, w, stats);
      if (in == TableFormat.PARQUET) { // batches over the row groups' own arrays
        readParquetGroups(Path.of(job.input), g -> {
          for (int from = 0; from < g.rows(); from += batch) {
            int to = Math.min(g.rows(), from + batch);
            solveRows(g, from, to, j);
            progress.add(to - from);
          }
        });
      } else {
        readPrompts(job.input, in, r -> {
          records.add(r);
          if (records.size() == batch) {
            solveBatch(records, j);
            progress.add(records.size());
            records.clear();
          }
        });
        solveBatch(records, j);
      }
      if (stats.prompts == 0) {
        throw new InputException(job.input + " holds no prompts");
      }
      if (table != null) {
        table.close();
        table = null;
      }
      output.commit();
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

  /** Where read prompts go. */
  @FunctionalInterface
  interface PromptSink {
    void accept(PromptRecord r) throws IOException;
  }

  /** Every prompt of a table (a file, or - for JSONL on standard input), in order, checked. */
  static void readPrompts(String input, TableFormat format, PromptSink sink) throws IOException {
    if (format == TableFormat.PARQUET) {
      readParquet(Path.of(input), sink);
    } else {
      readJsonl(input, sink);
    }
  }

  /**
   * JSONL prompts parsed in blocks of lines on every processor ({@link JsonlBlocks}), handed to
   * the sink in order on this thread.
   */
  private static void readJsonl(String input, PromptSink sink) throws IOException {
    try (java.io.InputStream in = JsonlBlocks.open(input)) {
      JsonlBlocks.run(in, Runtime.getRuntime().availableProcessors(), SolveCommand::parse,
          parsed -> {
            for (PromptRecord r : parsed.records()) {
              sink.accept(r);
            }
            if (parsed.failure() != null) {
              throw parsed.failure();
            }
          });
    }
  }

  /** A block's prompts, and the first failure after them (handed on after them). */
  private record Parsed(List<PromptRecord> records, RuntimeException failure) {}

  private static Parsed parse(JsonlBlocks.Block block) {
    List<PromptRecord> records = new ArrayList<>();
    try {
      block.forEachLine((line, bytes, from, to) -> {
        String text = JsonlBlocks.text(line, bytes, from, to);
        if (!text.isBlank()) {
          records.add(read(line, text));
        }
      });
    } catch (RuntimeException e) {
      return new Parsed(records, e);
    }
    return new Parsed(records, null);
  }

  /** The columns of solve's input table. */
  static final String[] INPUT = {"prompt", "responses", "reward", "ref_logprobs"};

  private static void readParquet(Path file, PromptSink sink) throws IOException {
    readParquetGroups(file, g -> {
      for (int p = 0; p < g.rows(); p++) {
        checkRow(g, p);
        sink.accept(g.record(p));
      }
    });
  }

  /**
   * One row group of a prompts table, its columns as read (flat arrays with offsets), every row
   * checked as the JSONL reader checks a line.
   *
   * @param firstRow the 1-based number of the group's first row in the file
   */
  record RowGroup(long firstRow, int rows, String[] prompts, String[][] responses,
      DoubleLists reward, NestedDoubleLists refs) {

    /** Row p as a record, its numbers copied out of the columns. */
    PromptRecord record(int p) {
      int n = reward.length(p);
      double[] r = java.util.Arrays.copyOfRange(reward.values(), reward.offsets()[p],
          reward.offsets()[p] + n);
      int k = refs.lists(p);
      double[][] lp = new double[k][];
      for (int j = 0; j < k; j++) {
        int from = refs.listOffsets()[refs.rowOffsets()[p] + j];
        lp[j] = java.util.Arrays.copyOfRange(refs.values(), from, from + n);
      }
      return new PromptRecord(firstRow + p, "row", prompts[p],
          responses == null ? null : responses[p], r, lp);
    }
  }

  /** What a row group goes to. */
  @FunctionalInterface
  interface GroupSink {
    void accept(RowGroup group) throws IOException;
  }

  /**
   * Every row group of a prompts table, in order; the sink checks each row ({@link #checkRow})
   * before it uses it.
   */
  static void readParquetGroups(Path file, GroupSink sink) throws IOException {
    try (ParquetTableReader t = ParquetTableReader.open(file, List.of(INPUT))) {
      CliIo.requireColumns(t, file, "a prompts table needs prompt, reward and ref_logprobs"
          + " (responses is optional)", "prompt", "reward", "ref_logprobs");
      boolean responses = t.has("responses");
      while (t.nextRowGroup()) {
        RowGroup g = new RowGroup(t.firstRow(), t.groupRows(), t.strings("prompt"),
            responses ? t.stringLists("responses") : null, t.doubleLists("reward"),
            t.nestedDoubleLists("ref_logprobs"));
        sink.accept(g);
      }
    }
  }

  /** Row p of a row group, checked as the JSONL reader checks a line. */
  static void checkRow(RowGroup g, int p) {
    long row = g.firstRow() + p;
    if (g.prompts()[p] == null) {
      throw InputException.at(row, "prompt", "null; expected a string");
    }
    DoubleLists reward = g.reward();
    int n = reward.length(p);
    if (n == 0) {
      throw InputException.at(row, "reward", "an empty list; expected one reward per response");
    }
    if (g.responses() != null && g.responses()[p].length != n) {
      throw InputException.at(row, "reward", "has " + n + " entries but 'responses' has "
          + g.responses()[p].length);
    }
    int at = reward.offsets()[p];
    for (int i = 0; i < n; i++) {
      double v = reward.values()[at + i];
      if (!Double.isFinite(v)) {
        throw InputException.at(row, "reward", "element " + i + " is " + v
            + "; expected a finite number");
      }
    }
    NestedDoubleLists refs = g.refs();
    int k = refs.lists(p);
    if (k == 0) {
      throw InputException.at(row, "ref_logprobs", "no lists; expected K >= 1 lists, one per"
          + " reference");
    }
    for (int j = 0; j < k; j++) {
      int list = refs.rowOffsets()[p] + j;
      int from = refs.listOffsets()[list];
      int length = refs.listOffsets()[list + 1] - from;
      if (length != n) {
        throw InputException.at(row, "ref_logprobs", "list " + j + " has " + length
            + " entries but 'reward' has " + n);
      }
      for (int i = 0; i < n; i++) {
        double v = refs.values()[from + i];
        if (!(v <= JsonLine.LOG_PROBABILITY_SLACK)) { // NaN and +inf too; -inf is zero mass
          throw InputException.at(row, "ref_logprobs", "list " + j + ", element " + i + " is "
              + v + "; expected a log-probability <= 0 (-Infinity for zero mass)");
        }
      }
    }
  }

  static PromptRecord read(long line, String text) {
    return read(line, JsonLine.parse(line, text));
  }

  /** As {@link #read(long, String)}, for a line already parsed. */
  static PromptRecord read(long line, JsonLine f) {
    String prompt = f.string("prompt");
    String[] responses = f.strings("responses");
    if (responses.length == 0) {
      throw InputException.at(line, "field 'responses' must not be empty");
    }
    double[] reward = f.finiteNumbers("reward", responses.length, "responses");
    double[][] refs = f.sequenceLogProbabilityArrays("ref_logprobs", responses.length,
        "responses");
    return new PromptRecord(line, "line", prompt, responses, reward, refs);
  }

  /** K, as the first prompt gives it: every line must have as many references. */
  private int references = -1;

  /** The weights for K references: as given, or uniform; checked against every prompt's K. */
  private double[] weights(int k, java.util.function.BiFunction<String, String, InputException>
      error, String unit, double[] alpha) {
    if (references < 0) {
      references = k;
    }
    if (k != references) {
      throw error.apply("ref_logprobs", "has " + k + " references but earlier " + unit
          + "s have " + references);
    }
    if (alpha == null) {
      double[] w = new double[k];
      java.util.Arrays.fill(w, 1.0 / k);
      return w;
    }
    if (alpha.length != k) {
      throw error.apply("ref_logprobs", "has " + k + " references but --weights has "
          + alpha.length);
    }
    return alpha;
  }

  /** The label of a prompt in messages: the prompt, cut at 60 characters. */
  private static String label(String prompt) {
    return prompt.length() > 60 ? prompt.substring(0, 57) + "..." : prompt;
  }

  /**
   * The records as one columnar batch: the layout of {@link PromptBatch}, each record's arrays
   * copied once; the prompts (truncated for messages) as its labels.
   */
  private static PromptBatch columns(List<PromptRecord> records, int k) {
    int size = records.size();
    int[] offsets = new int[size + 1];
    String[] labels = new String[size];
    for (int p = 0; p < size; p++) {
      offsets[p + 1] = Math.addExact(offsets[p], records.get(p).size());
      labels[p] = label(records.get(p).prompt());
    }
    double[] rewards = new double[offsets[size]];
    double[] refs = new double[Math.multiplyExact(k, offsets[size])];
    for (int p = 0; p < size; p++) {
      PromptRecord r = records.get(p);
      int n = r.size();
      System.arraycopy(r.reward(), 0, rewards, offsets[p], n);
      for (int i = 0; i < k; i++) {
        System.arraycopy(r.refLogprobs()[i], 0, refs, k * offsets[p] + i * n, n);
      }
    }
    return new PromptBatch(size, k, offsets, rewards, refs, labels);
  }

  /** What solving and writing a batch needs beyond the batch. */
  private record Job(double[] alpha, Divergence divergence, Solver solver, int workers, Writer w,
      Stats stats) {}

  private void solveBatch(List<PromptRecord> records, Job j) throws IOException {
    if (records.isEmpty()) {
      return;
    }
    double[] weights = null;
    for (PromptRecord r : records) {
      weights = weights(r.refLogprobs().length, r::error, r.unit(), j.alpha());
    }
    solve(columns(records, references), weights, j, p -> records.get(p).position(),
        records.get(0).unit(), p -> records.get(p).prompt(), p -> records.get(p).responses());
  }

  /**
   * Rows {@code from} to {@code to - 1} of a row group as one batch over the group's own arrays
   * (nothing copied), each row checked first; a bad row is refused after the rows before it are
   * solved, as the records of the JSONL path are.
   */
  private void solveRows(RowGroup g, int from, int to, Job j) throws IOException {
    int checked = from;
    InputException bad = null;
    double[] weights = null;
    for (; checked < to; checked++) {
      try {
        checkRow(g, checked);
        long row = g.firstRow() + checked;
        weights = weights(g.refs().lists(checked),
            (field, rest) -> InputException.at(row, field, rest), "row", j.alpha());
      } catch (InputException e) {
        bad = e;
        break;
      }
    }
    if (checked > from) {
      int size = checked - from;
      int[] offsets = java.util.Arrays.copyOfRange(g.reward().offsets(), from, checked + 1);
      String[] labels = new String[size];
      for (int p = 0; p < size; p++) {
        labels[p] = label(g.prompts()[from + p]);
      }
      PromptBatch batch = new PromptBatch(size, references, offsets, g.reward().values(),
          g.refs().values(), labels);
      solve(batch, weights, j, p -> g.firstRow() + from + p, "row",
          p -> g.prompts()[from + p], p -> g.responses() == null ? null
              : g.responses()[from + p]);
    }
    if (bad != null) {
      throw bad;
    }
  }

  /** Solves a batch and writes its prompts; a failure names the prompt's line or row. */
  private void solve(PromptBatch columns, double[] weights, Job j,
      java.util.function.IntToLongFunction position, String unit,
      java.util.function.IntFunction<String> prompt,
      java.util.function.IntFunction<String[]> responses) throws IOException {
    BatchSpec spec;
    try {
      spec = noNormalize ? BatchSpec.normalized(j.divergence(), job.beta, 1e-6, weights)
          : BatchSpec.renormalizing(j.divergence(), job.beta, weights);
    } catch (IllegalArgumentException e) {
      throw new InputException(e.getMessage());
    }
    SolutionBatch solved = new SolutionBatch(columns);
    try {
      DatasetSolver.solveBatch(columns, spec, j.solver(), j.workers(), solved);
    } catch (PromptFailure e) {
      long at = position.applyAsLong(e.prompt());
      String where = unit + " " + at;
      if (e.budgetExceeded()) { // the solver's own failure: located, not blamed on input
        throw new ArithmeticException(where + ": " + e.getMessage());
      }
      if (e.field() == null) {
        throw new InputException(where + ": " + e.getMessage());
      }
      String rest = e.getMessage() + (noNormalize && e.field().startsWith("ref_")
          ? " (without --no-normalize each reference is renormalized over the candidates)" : "");
      throw PromptRecord.error(at, unit, e.field(), rest);
    }
    for (int p = 0; p < columns.size(); p++) {
      write(j.w(), prompt.apply(p), responses.apply(p), solved, p);
      j.stats().prompts++;
      j.stats().responses += columns.responses(p);
      j.stats().objectiveSum += solved.objective()[p];
      j.stats().iterations += solved.iterations()[p];
    }
  }

  private void write(Writer w, String prompt, String[] responses, SolutionBatch solved, int p)
      throws IOException {
    int at = solved.batch().offset(p);
    int n = solved.batch().responses(p);
    double[] policy = java.util.Arrays.copyOfRange(solved.policyLogProbs(), at, at + n);
    double[] reference = solved.hasReference()[p]
        ? java.util.Arrays.copyOfRange(solved.referenceLogProbs(), at, at + n) : null;
    double objective = solved.objective()[p];
    Double upper = present(solved.upperBound()[p]);
    Double lambda = present(solved.multiplier()[p]);
    if (out == TableFormat.PARQUET) {
      table.write((i, row) -> {
        row.string(0, prompt);
        if (responses != null) {
          row.strings(1, responses);
        }
        row.numbers(2, policy, 0, policy.length);
        if (reference != null) {
          row.numbers(3, reference, 0, reference.length);
        }
        row.number(4, objective);
        if (upper != null) {
          row.number(5, upper);
        }
        if (lambda != null) {
          row.number(6, lambda);
        }
      }, 1);
    } else if (out == TableFormat.JSONL) {
      ObjectNode o = JsonLine.MAPPER.createObjectNode();
      o.put("prompt", prompt);
      if (responses != null) {
        ArrayNode texts = o.putArray("responses");
        for (String response : responses) {
          texts.add(response);
        }
      }
      ArrayNode policyArray = o.putArray("policy_logprobs");
      for (double v : policy) {
        policyArray.add(v);
      }
      if (reference == null) {
        o.putNull("reference_logprobs");
      } else {
        ArrayNode a = o.putArray("reference_logprobs");
        for (double v : reference) {
          a.add(v);
        }
      }
      o.put("objective", objective);
      o.put("upper_bound", upper);
      o.put("lambda", lambda);
      w.write(JsonLine.MAPPER.writeValueAsString(o));
      w.write('\n');
    } else {
      w.write(csvQuote(prompt));
      w.write(',' + Double.toString(objective) + ',' + (upper == null ? "" : upper) + ','
          + (lambda == null ? "" : lambda) + ',');
      w.write(joined(policy));
      w.write(',');
      w.write(reference == null ? "" : joined(reference));
      w.write('\n');
    }
  }

  /** A diagnostic of a solution batch: NaN there means the solver reports none. */
  private static Double present(double value) {
    return Double.isNaN(value) ? null : value;
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

package io.github.multiref.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.multiref.io.DoubleLists;
import io.github.multiref.io.ParquetTableReader;
import io.github.multiref.io.ParquetTableWriter;
import io.github.multiref.io.TableFormat;
import io.github.multiref.io.TableSchema;
import io.github.multiref.rewards.io.JsonLine;
import io.github.multiref.solvers.ForwardKlSolver;
import io.github.multiref.solvers.sampled.SampledOptimum;
import io.github.multiref.solvers.sampled.SampledOptimum.Estimate;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code multiref estimate}: the multi-reference optimum estimated from sampled responses, by
 * self-normalized importance sampling ({@link SampledOptimum}).
 */
@Command(
    name = "estimate",
    header = "Estimate the multi-reference optimum from responses sampled from a proposal.",
    mixinStandardHelpOptions = true,
    description = {
        "Estimate, for every prompt, the optimum of E_pi r - beta * sum_i alpha_i D(pi || pi_i)"
            + " over the whole response space from N responses drawn i.i.d. from a proposal q:",
        "self-normalized importance weights, the optimal value with a 95% interval (delta"
            + " method), the expected reward, the divergence to each reference and the"
            + " effective sample size.",
        "Input, JSONL or Parquet: solve's fields, with ref_logprobs as every reference's own"
            + " sequence log-probabilities (never renormalized over the samples), and"
            + " proposal_logprobs, log q of each sampled response.",
        "When the candidates are the whole response space, use 'multiref solve' instead."})
final class EstimateCommand implements Callable<Integer>, MultirefCommand.Subcommand {

  @ParentCommand MultirefCommand parent;

  @Mixin CommonOptions common;

  @Mixin JobOptions job;

  @Option(names = "--divergence", paramLabel = "NAME", defaultValue = "reverse-kl",
      description = "reverse-kl or forward-kl (default: ${DEFAULT-VALUE}).")
  String divergence;

  @Option(names = "--resample", paramLabel = "M", defaultValue = "0",
      description = "Also draw M responses per prompt from the estimated optimum"
          + " (sampling-importance-resampling), written as 'resampled' (default: none).")
  int resample;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
      description = "Seed of the resampling; each prompt's draws depend on it and on the"
          + " prompt's line or row alone (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "1024",
      description = "Prompts of a Parquet file held in memory at once (default: ${DEFAULT-VALUE}).")
  int batch;

  @Mixin FormatOptions formats;

  /** The estimate's Parquet output, in this order. */
  static final TableSchema OUTPUT = TableSchema.of(List.of(
      new TableSchema.Column("prompt", TableSchema.Kind.STRING, false),
      new TableSchema.Column("responses", TableSchema.Kind.STRING_LIST, true),
      new TableSchema.Column("log_weights", TableSchema.Kind.DOUBLE_LIST, false),
      new TableSchema.Column("log_normalizer", TableSchema.Kind.DOUBLE, true),
      new TableSchema.Column("lambda", TableSchema.Kind.DOUBLE, true),
      new TableSchema.Column("value", TableSchema.Kind.DOUBLE, false),
      new TableSchema.Column("value_ci", TableSchema.Kind.DOUBLE_LIST, false),
      new TableSchema.Column("expected_reward", TableSchema.Kind.DOUBLE, false),
      new TableSchema.Column("kl_to_references", TableSchema.Kind.DOUBLE_LIST, false),
      new TableSchema.Column("ess", TableSchema.Kind.DOUBLE, false),
      new TableSchema.Column("ess_warning", TableSchema.Kind.BOOLEAN, false),
      new TableSchema.Column("resampled", TableSchema.Kind.STRING_LIST, true)));

  /** The columns read from a Parquet input. */
  private static final String[] INPUT = {"prompt", "responses", "reward", "ref_logprobs",
      "proposal_logprobs"};

  /** One prompt's samples, checked. */
  record Samples(PromptRecord record, double[] proposal) {}

  /** One prompt's estimate, and its resampled indices (null without --resample). */
  record Result(PromptRecord record, Estimate estimate, int[] resampled) {}

  /** How many low-ESS prompts are named on stderr; the rest are counted. */
  static final int WARNINGS_SHOWN = 10;

  private boolean forward;
  private double[] alpha;
  private int references = -1;
  private TableFormat out;
  private ParquetTableWriter table;
  private long prompts;
  private long samples;
  private long warnings;
  private double valueSum;

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  @SuppressWarnings("try") // closesTable is only closed: before the output, so a failure leaves none
  public Integer call() throws IOException {
    long start = System.nanoTime();
    CliIo.checkBeta(job.beta);
    alpha = job.weights == null ? null : CliIo.checkedWeights(job.weights);
    int workers = CliIo.checkedThreads(job.threads, batch);
    if (!divergence.equals("reverse-kl") && !divergence.equals("forward-kl")) {
      throw new InputException("--divergence must be reverse-kl or forward-kl for estimate,"
          + " got '" + divergence + "'");
    }
    forward = divergence.equals("forward-kl");
    if (resample < 0) {
      throw new InputException("--resample must be >= 0, got " + resample);
    }
    TableFormat in = CliIo.inputFormat(job.input, formats.input);
    out = CliIo.outputFormat(job.output, formats.output, false);
    try (AtomicOutput output = out == TableFormat.PARQUET ? AtomicOutput.binary(job.output)
            : AtomicOutput.open(job.output, parent.main().out());
        java.io.Closeable closesTable = () -> {
          if (table != null) {
            table.close();
          }
        };
        Progress progress = Progress.start(parent.main().err(), "multiref estimate", "prompts")) {
      Writer w = null;
      if (out == TableFormat.PARQUET) {
        table = ParquetTableWriter.create(output.file(), OUTPUT);
      } else {
        w = output.writer();
      }
      Writer writer = w;
      if (in == TableFormat.PARQUET) {
        readParquet(Path.of(job.input), workers, results -> {
          for (Result r : results) {
            write(writer, r);
          }
          progress.add(results.size());
        });
      } else {
        try (java.io.InputStream stream = JsonlBlocks.open(job.input)) {
          JsonlBlocks.run(stream, workers, this::parseAndEstimate, items -> {
            for (Result r : items.items()) {
              write(writer, r);
            }
            progress.add(items.items().size());
            if (items.failure() != null) {
              throw items.failure();
            }
          });
        }
      }
      if (prompts == 0) {
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
        "multiref estimate: %d prompts, %d samples, divergence %s, beta %s: mean value %.6g,"
            + " %d with ess < 0.1 N, %.2f s%s%n",
        prompts, samples, divergence, job.beta, valueSum / prompts, warnings, seconds,
        job.output == null ? "" : ", written to " + job.output);
    return 0;
  }

  /** A block of JSONL lines, parsed, checked and estimated on a worker thread. */
  private JsonlBlocks.Items<Result> parseAndEstimate(JsonlBlocks.Block block) {
    List<Result> results = new ArrayList<>();
    try {
      block.forEachLine((line, bytes, from, to) -> {
        String text = JsonlBlocks.text(line, bytes, from, to);
        if (!text.isBlank()) {
          results.add(estimate(read(line, text)));
        }
      });
    } catch (RuntimeException e) {
      return new JsonlBlocks.Items<>(results, e);
    }
    return new JsonlBlocks.Items<>(results, null);
  }

  /** A JSONL line: solve's fields and proposal_logprobs. */
  static Samples read(long line, String text) {
    JsonLine f = JsonLine.parse(line, text);
    PromptRecord r = SolveCommand.read(line, f);
    double[] q = f.finiteNumbers("proposal_logprobs", r.size(), "responses");
    checkProposal(q, i -> r.error("proposal_logprobs[" + i + "]", "is " + q[i]
        + "; expected the finite log-probability <= 0 of a response drawn from the proposal"));
    return new Samples(r, q);
  }

  private static void checkProposal(double[] q, java.util.function.IntFunction<InputException>
      error) {
    for (int i = 0; i < q.length; i++) {
      if (!(Double.isFinite(q[i]) && q[i] <= JsonLine.LOG_PROBABILITY_SLACK)) {
        throw error.apply(i);
      }
    }
  }

  /** The weights for this prompt's K: --weights, which must have K entries, or uniform. */
  private double[] weights(PromptRecord r) {
    int k = r.refLogprobs().length;
    if (alpha == null) {
      double[] w = new double[k];
      java.util.Arrays.fill(w, 1.0 / k);
      return w;
    }
    if (alpha.length != k) {
      throw r.error("ref_logprobs", "has " + k + " references but --weights has "
          + alpha.length);
    }
    return alpha;
  }

  /** One prompt's estimate; a failure names its line or row. */
  private Result estimate(Samples s) {
    PromptRecord r = s.record();
    double[] w = weights(r);
    double[][] refs = r.refLogprobs();
    for (double[] ref : refs) { // the readers take up to 1e-12 above 0 as rounding of 0
      for (int i = 0; i < ref.length; i++) {
        ref[i] = Math.min(ref[i], 0.0);
      }
    }
    double[] q = s.proposal().clone();
    for (int i = 0; i < q.length; i++) {
      q[i] = Math.min(q[i], 0.0);
    }
    Estimate e;
    try {
      e = forward ? SampledOptimum.forwardKl(r.reward(), refs, q, w, job.beta,
              ForwardKlSolver.DEFAULT)
          : SampledOptimum.reverseKl(r.reward(), refs, q, w, job.beta);
    } catch (IllegalArgumentException ex) {
      throw new InputException(r.where() + ": " + ex.getMessage());
    }
    int[] drawn = null;
    if (resample > 0) {
      drawn = SampledOptimum.resample(e.logWeights(), resample,
          new SplittableRandom(seed ^ (r.position() * 0x9E3779B97F4A7C15L)));
    }
    return new Result(r, e, drawn);
  }

  /** What a batch of Parquet rows goes to, estimated, in order. */
  @FunctionalInterface
  private interface ResultSink {
    void accept(List<Result> results) throws IOException;
  }

  private void readParquet(Path file, int workers, ResultSink sink) throws IOException {
    ExecutorService pool = Executors.newFixedThreadPool(workers, t -> {
      Thread thread = new Thread(t, "multiref-estimate");
      thread.setDaemon(true);
      return thread;
    });
    try (ParquetTableReader t = ParquetTableReader.open(file, List.of(INPUT))) {
      CliIo.requireColumns(t, file, "an estimate table needs prompt, reward, ref_logprobs and"
          + " proposal_logprobs (responses is optional)", "prompt", "reward", "ref_logprobs",
          "proposal_logprobs");
      boolean responses = t.has("responses");
      if (resample > 0 && !responses) {
        throw new InputException("--resample writes the drawn responses, and " + file
            + " has no column 'responses'");
      }
      while (t.nextRowGroup()) {
        SolveCommand.RowGroup g = new SolveCommand.RowGroup(t.firstRow(), t.groupRows(),
            t.strings("prompt"), responses ? t.stringLists("responses") : null,
            t.doubleLists("reward"), t.nestedDoubleLists("ref_logprobs"));
        DoubleLists proposal = t.doubleLists("proposal_logprobs");
        for (int from = 0; from < g.rows(); from += batch) {
          int to = Math.min(g.rows(), from + batch);
          List<Future<Result>> pending = new ArrayList<>();
          for (int p = from; p < to; p++) {
            SolveCommand.checkRow(g, p);
            PromptRecord r = g.record(p);
            double[] q = proposalOf(proposal, p, r);
            pending.add(pool.submit(() -> estimate(new Samples(r, q))));
          }
          List<Result> results = new ArrayList<>(pending.size());
          for (Future<Result> f : pending) {
            results.add(join(f));
          }
          sink.accept(results);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static double[] proposalOf(DoubleLists proposal, int p, PromptRecord r) {
    if (proposal.isNull(p) || proposal.length(p) != r.size()) {
      throw r.error("proposal_logprobs", proposal.isNull(p) ? "is null; expected one"
          + " log-probability per response" : "has " + proposal.length(p)
          + " entries but 'reward' has " + r.size());
    }
    int at = proposal.offsets()[p];
    double[] q = java.util.Arrays.copyOfRange(proposal.values(), at, at + r.size());
    checkProposal(q, i -> r.error("proposal_logprobs", "element " + i + " is " + q[i]
        + "; expected the finite log-probability <= 0 of a response drawn from the proposal"));
    return q;
  }

  private static Result join(Future<Result> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(e.getCause());
    }
  }

  private void write(Writer w, Result result) throws IOException {
    PromptRecord r = result.record();
    Estimate e = result.estimate();
    int k = e.klToReferences().length;
    if (references < 0) {
      references = k; // K as the first prompt gives it, checked in input order
    }
    if (k != references) {
      throw r.error("ref_logprobs", "has " + k + " references but earlier " + r.unit()
          + "s have " + references);
    }
    prompts++;
    samples += e.samples();
    valueSum += e.value();
    if (e.essWarning()) {
      warnings++;
      if (warnings <= WARNINGS_SHOWN) {
        parent.main().err().printf(Locale.ROOT, "multiref estimate: warning: %s (prompt '%s'):"
            + " effective sample size %.4g of %d samples, below 0.1 N; the estimate is not to be"
            + " trusted%s%n", r.where(), r.prompt(), e.ess(), e.samples(),
            warnings == WARNINGS_SHOWN ? " (further prompts like this are counted in the summary"
                + " and flagged by ess_warning)" : "");
      }
    }
    String[] drawn = null;
    if (result.resampled() != null) {
      drawn = new String[result.resampled().length];
      for (int d = 0; d < drawn.length; d++) {
        drawn[d] = r.responses()[result.resampled()[d]];
      }
    }
    double[] ci = {e.valueLow(), e.valueHigh()};
    Double logNormalizer = forward ? null : e.logNormalizer();
    Double lambda = forward ? e.lambda() : null;
    if (out == TableFormat.PARQUET) {
      String[] resampled = drawn;
      table.write((i, row) -> {
        row.string(0, r.prompt());
        if (r.responses() != null) {
          row.strings(1, r.responses());
        }
        double[] lw = e.logWeights();
        row.numbers(2, lw, 0, lw.length);
        if (logNormalizer != null) {
          row.number(3, logNormalizer);
        }
        if (lambda != null) {
          row.number(4, lambda);
        }
        row.number(5, e.value());
        row.numbers(6, ci, 0, 2);
        row.number(7, e.expectedReward());
        double[] kl = e.klToReferences();
        row.numbers(8, kl, 0, kl.length);
        row.number(9, e.ess());
        row.bool(10, e.essWarning());
        if (resampled != null) {
          row.strings(11, resampled);
        }
      }, 1);
      return;
    }
    ObjectNode o = JsonLine.MAPPER.createObjectNode();
    o.put("prompt", r.prompt());
    if (r.responses() != null) {
      ArrayNode texts = o.putArray("responses");
      for (String response : r.responses()) {
        texts.add(response);
      }
    }
    numbers(o.putArray("log_weights"), e.logWeights());
    o.put("log_normalizer", logNormalizer);
    o.put("lambda", lambda);
    o.put("value", e.value());
    numbers(o.putArray("value_ci"), ci);
    o.put("expected_reward", e.expectedReward());
    numbers(o.putArray("kl_to_references"), e.klToReferences());
    o.put("ess", e.ess());
    o.put("ess_warning", e.essWarning());
    if (drawn != null) {
      ArrayNode a = o.putArray("resampled");
      for (String d : drawn) {
        a.add(d);
      }
    }
    w.write(JsonLine.MAPPER.writeValueAsString(o));
    w.write('\n');
  }

  private static void numbers(ArrayNode a, double[] values) {
    for (double v : values) {
      a.add(v);
    }
  }
}

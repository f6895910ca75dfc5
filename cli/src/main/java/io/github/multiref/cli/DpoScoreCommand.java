package io.github.multiref.cli;

import io.github.multiref.api.Divergence;
import io.github.multiref.io.ParquetTableWriter;
import io.github.multiref.io.TableFormat;
import io.github.multiref.io.TableSchema;
import io.github.multiref.rewards.io.JsonLine;
import io.github.multiref.runtime.Registries;
import io.github.multiref.solvers.dpo.DpoBatch;
import io.github.multiref.solvers.dpo.DpoLoss;
import io.github.multiref.solvers.dpo.DpoLosses;
import io.github.multiref.solvers.dpo.MultiReferenceDpo;
import io.github.multiref.solvers.dpo.PairScores;
import io.github.multiref.solvers.dpo.ReferenceWeighting;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
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
        "Input, JSONL (one object per line) or Parquet (one row per pair): chosen_logps,"
            + " rejected_logps, ref_chosen_logps and ref_rejected_logps (K numbers each, or one"
            + " number for one reference, as TRL writes them).",
        "The input's prompt, chosen and rejected are copied to the output; other fields are"
            + " ignored. Formats follow the file names (.jsonl, .parquet) unless given."})
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

  @Option(names = "--implicit-reward-bound", paramLabel = "B",
      description = "Check the paper's bounded-implicit-reward assumption (D.1 for reverse KL,"
          + " D.2 for forward KL): whether every chosen_reward and rejected_reward lies in [-B,"
          + " B]. The summary names the first pair beyond it.")
  Double implicitRewardBound;

  @Mixin FormatOptions formats;

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public Integer call() throws IOException {
    long start = System.nanoTime();
    CliIo.checkBeta(job.beta);
    if (implicitRewardBound != null && !(implicitRewardBound > 0
        && implicitRewardBound < Double.POSITIVE_INFINITY)) {
      throw new InputException("--implicit-reward-bound must be finite and > 0, got "
          + implicitRewardBound);
    }
    int workers = CliIo.checkedThreads(job.threads, batch);
    if (adaptive && job.weights != null) {
      throw new InputException("--weights and --adaptive-weights exclude each other");
    }
    TableFormat in = CliIo.inputFormat(job.input, formats.input);
    TableFormat outFormat = CliIo.outputFormat(job.output, formats.output, false);
    double[] alpha = job.weights == null ? null : CliIo.checkedWeights(job.weights);
    DpoLoss loss;
    try {
      loss = DpoLosses.parse(lossName);
    } catch (IllegalArgumentException e) {
      throw new InputException("--loss: " + e.getMessage(), e);
    }
    Registries registries = parent.registries(parent.effectiveOptions(this));
    Divergence divergence = registries.divergences().create(divergenceName);
    Summary summary = new Summary(implicitRewardBound);
    ForkJoinPool pool = new ForkJoinPool(workers);
    try (PairReader pairs = PairReader.open(job.input, in, true);
        AtomicOutput out = outFormat == TableFormat.PARQUET ? AtomicOutput.binary(job.output)
            : AtomicOutput.open(job.output, parent.main().out());
        Sink sink = outFormat == TableFormat.PARQUET ? new ParquetSink(out.file(), pairs.keyColumns(), pool)
            : new JsonlSink(out.writer());
        Progress progress = Progress.start(parent.main().err(), "multiref dpo-score", "pairs")) {
      Scoring scoring = new Scoring(pool, sink, summary, progress, workers,
          k -> MultiReferenceDpo.of(divergence, job.beta, loss, weighting(alpha, k)));
      if (pairs.jsonKeys()) {
        scoreJsonl(pairs, scoring, alpha, sink);
        sink.finish();
        out.commit();
        return report(start, summary, divergenceName, loss);
      }
      String unit = pairs.unit(); // "row": JSONL went through scoreJsonl above
      boolean read = false;
      try {
        pairs.forEach((position, keys, keyRow, chosen, rejected, rc, rcAt, rr, rrAt, k) -> {
          Chunked c = scoring.batchFor(k, unit, position, alpha);
          c.add(position, keys, keyRow, chosen, rejected, rc, rcAt, rr, rrAt);
          scoring.added();
        }, workers);
        if (scoring.chunked == null) {
          throw new InputException(job.input + " holds no pairs");
        }
        scoring.handOff();
        read = true;
      } finally {
        scoring.stopWriting(read); // before the sink is closed, on success or failure
      }
      sink.finish();
      out.commit();
    } finally {
      pool.shutdown();
    }
    return report(start, summary, divergenceName, loss);
  }

  private int report(long start, Summary summary, String divergenceName, DpoLoss loss) {
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
    parent.main().err().printf(Locale.ROOT, "multiref dpo-score: implicit rewards in [%.6g,"
        + " %.6g]%s%n", summary.minReward, summary.maxReward, implicitRewardBound == null ? ""
        : summary.beyond == null ? String.format(Locale.ROOT, "; bounded implicit reward"
            + " (Assumption %s, |r| <= %s): holds for every pair", assumption(divergenceName),
            implicitRewardBound) : String.format(Locale.ROOT, "; bounded implicit reward"
            + " (Assumption %s, |r| <= %s): fails for %d pairs, first at %s (%s)",
            assumption(divergenceName), implicitRewardBound, summary.beyondCount,
            summary.beyond, summary.beyondValue));
    return 0;
  }

  /** The paper states the assumption for reverse KL (D.1) and forward KL (D.2). */
  private static String assumption(String divergence) {
    return switch (divergence) {
      case "reverse-kl" -> "D.1";
      case "forward-kl" -> "D.2";
      default -> "D.1/D.2 for " + divergence;
    };
  }

  /**
   * JSONL in: each block of lines is parsed, scored and (for JSONL out) written as text on a
   * worker; this thread checks that every block has the first one's K, writes the blocks in order
   * and keeps the summary. The output is what the pair-by-pair path writes.
   */
  private void scoreJsonl(PairReader pairs, Scoring scoring, double[] alpha, Sink sink)
      throws IOException {
    boolean text = sink instanceof JsonlSink;
    int[] references = {-1};
    try (java.io.InputStream in = JsonlBlocks.open(pairs.input())) {
      JsonlBlocks.run(in, scoring.workers, block -> scoredBlock(pairs.parse(block), scoring,
          alpha, text), scored -> {
            if (scored.k > 0) {
              String where = "line " + scored.firstLine + ": field 'ref_chosen_logps' ";
              if (references[0] < 0) {
                if (alpha != null && alpha.length != scored.k) {
                  throw new InputException(where + "has " + scored.k
                      + " references but --weights has " + alpha.length);
                }
                references[0] = scored.k;
              } else if (scored.k != references[0]) {
                throw new InputException(where + "has " + scored.k
                    + " references but earlier lines have " + references[0]);
              }
            }
            if (scored.failure != null) {
              throw scored.failure;
            }
            if (scored.pairs != null) {
              if (text) {
                ((JsonlSink) sink).writeText(scored.text);
              }
              scored.pairs.write(text ? null : sink, scoring.summary);
              scoring.progress.add(scored.pairs.size);
            }
          });
    }
    if (references[0] < 0) {
      throw new InputException(job.input + " holds no pairs");
    }
  }

  /** A block's pairs, scored on its worker, and their output lines when the output is JSONL. */
  private static final class ScoredBlock {
    Chunked pairs;
    int k = -1;
    long firstLine;
    String text;
    RuntimeException failure;
  }

  private static ScoredBlock scoredBlock(PairReader.Parsed parsed, Scoring scoring,
      double[] alpha, boolean text) {
    ScoredBlock out = new ScoredBlock();
    out.failure = parsed.failure;
    if (parsed.count == 0) {
      return out;
    }
    out.k = parsed.k[0];
    out.firstLine = parsed.lines[0];
    int n = 0;
    while (n < parsed.count && parsed.k[n] == out.k) {
      n++;
    }
    if (n < parsed.count) { // before any later failure: it is at a later line
      out.failure = new InputException("line " + parsed.lines[n] + ": field 'ref_chosen_logps'"
          + " has " + parsed.k[n] + " references but earlier lines have " + out.k);
    }
    if (out.failure != null || (alpha != null && alpha.length != out.k)) {
      return out; // the consumer reports it, after what comes before it in the file
    }
    Chunked c = new Chunked(scoring.dpo.apply(out.k), out.k, n, 1, "line");
    Object[] keys = new Object[parsed.keys.length];
    for (int p = 0; p < n; p++) {
      for (int i = 0; i < keys.length; i++) {
        keys[i] = parsed.keys[i][p];
      }
      c.add(parsed.lines[p], keys, -1, parsed.chosen[p], parsed.rejected[p], parsed.rc,
          parsed.from[p], parsed.rr, parsed.from[p]);
    }
    try {
      c.score();
    } catch (InputException e) {
      out.failure = e;
      return out;
    }
    if (text) {
      StringBuilder b = new StringBuilder(n * 200);
      JsonlSink formatter = new JsonlSink(null);
      c.forEachChunk((from, count, scores) -> formatter.format(c, from, count, scores, b));
      out.text = b.toString();
    }
    out.pairs = c;
    return out;
  }

  private ReferenceWeighting weighting(double[] alpha, int k) {
    return adaptive ? ReferenceWeighting.adaptive()
        : ReferenceWeighting.fixed(alpha != null ? alpha : uniform(k));
  }

  /** What the readers share: the batch, made once K is known, and where it goes when full. */
  private final class Scoring {
    final ForkJoinPool pool;
    final Sink sink;
    final Summary summary;
    final Progress progress;
    final int workers;
    final java.util.function.IntFunction<MultiReferenceDpo> dpo;
    Chunked chunked;

    Scoring(ForkJoinPool pool, Sink sink, Summary summary, Progress progress, int workers,
        java.util.function.IntFunction<MultiReferenceDpo> dpo) {
      this.pool = pool;
      this.sink = sink;
      this.summary = summary;
      this.progress = progress;
      this.workers = workers;
      this.dpo = dpo;
    }

    /** The batch for pairs of K references, checked against --weights and the first pair. */
    Chunked batchFor(int k, String unit, long position, double[] alpha) {
      if (chunked != null && k == chunked.k) {
        return chunked;
      }
      String where = unit + " " + position + ", column 'ref_chosen_logps': ";
      if (chunked == null) {
        if (alpha != null && alpha.length != k) {
          throw new InputException(where + "has " + k + " references but --weights has "
              + alpha.length);
        }
        chunked = new Chunked(dpo.apply(k), k, batch, workers, unit);
      } else if (k != chunked.k) {
        throw new InputException(where + "has " + k + " references but earlier " + unit
            + "s have " + chunked.k);
      }
      return chunked;
    }

    void added() throws IOException {
      if (chunked.full()) {
        progress.add(chunked.size);
        handOff();
      }
    }

    /** The batch written last, or being written, on the writer thread; null when none. */
    private Future<?> writing;
    /** The other batch: filled while this one is written. */
    private Chunked spare;
    private java.util.concurrent.ExecutorService writer;

    /**
     * Scores the full batch here, then writes it (and adds it to the summary) on a thread of its
     * own while the next batch fills: reading, scoring and writing overlap, and the batches are
     * still written one at a time, in order.
     */
    void handOff() throws IOException {
      Chunked full = chunked;
      if (full.size == 0) {
        return;
      }
      full.scoreAll(pool);
      finishWriting(); // the batch before is written, so its arrays can be filled again
      if (writer == null) {
        writer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
          Thread t = new Thread(r, "multiref-dpo-writer");
          t.setDaemon(true);
          return t;
        });
      }
      writing = writer.submit(() -> {
        try {
          full.write(sink, summary);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        full.size = 0;
      });
      chunked = spare != null ? spare : new Chunked(full.dpo, full.k, batch, workers, full.unit);
      spare = full;
    }

    /** Waits for the batch being written; its failure (an I/O error) is thrown here. */
    private void finishWriting() throws IOException {
      Future<?> w = writing;
      writing = null;
      try {
        if (w != null) {
          JsonlBlocks.await(w);
        }
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause();
      }
    }

    /**
     * Waits for the last write and stops the writer thread; a failure of that write is thrown
     * only when {@code report} (after another failure, that one is what the user sees).
     */
    void stopWriting(boolean report) throws IOException {
      try {
        finishWriting();
      } catch (IOException | RuntimeException e) {
        if (report) {
          throw e;
        }
      } finally {
        if (writer != null) {
          writer.shutdown();
        }
      }
    }
  }

  private static double[] uniform(int k) {
    double[] a = new double[k];
    Arrays.fill(a, 1.0 / k);
    return a;
  }

  /** Where scored pairs go: a JSONL writer or a Parquet file. */
  interface Sink extends java.io.Closeable {
    /** Pairs {@code from .. from + n - 1} of the batch, scored in {@code s} from index 0. */
    void write(Chunked batch, int from, int n, PairScores s) throws IOException;

    /** Completes the output (a Parquet footer); closing without it abandons the output. */
    default void finish() throws IOException {}
  }

  /** One JSON object per pair: the key columns as they came, then the scores. */
  static final class JsonlSink implements Sink {
    private final Writer w;
    private final StringBuilder b = new StringBuilder(160);

    JsonlSink(Writer w) {
      this.w = w;
    }

    @Override
    public void write(Chunked c, int from, int n, PairScores s) throws IOException {
      b.setLength(0);
      format(c, from, n, s, b);
      w.append(b);
    }

    /** Lines already formatted by {@link #format}. */
    void writeText(String text) throws IOException {
      w.write(text);
    }

    /** The output lines of pairs {@code from .. from + n - 1}, appended to {@code b}. */
    void format(Chunked c, int from, int n, PairScores s, StringBuilder b) {
      for (int p = 0; p < n; p++) {
        b.append('{');
        for (int i = 0; i < PairLine.KEYS.length; i++) {
          Object v = c.keys[i][from + p];
          int keyRow = c.keyRows[from + p];
          if (PairReader.present(v, keyRow)) {
            b.append('"').append(PairLine.KEYS[i]).append("\":")
                .append(PairReader.json(v, keyRow)).append(',');
          }
        }
        b.append("\"loss\":").append(JsonLine.number(s.loss[p]))
            .append(",\"logit\":").append(JsonLine.number(s.logit[p]))
            .append(",\"grad_chosen\":").append(JsonLine.number(s.gradChosen[p]))
            .append(",\"grad_rejected\":").append(JsonLine.number(s.gradRejected[p]))
            .append(",\"chosen_reward\":").append(JsonLine.number(s.chosenReward[p]))
            .append(",\"rejected_reward\":").append(JsonLine.number(s.rejectedReward[p]))
            .append("}\n");
      }
    }

    @Override
    public void close() {
      // the output closes the writer
    }
  }

  /** dpo-score's Parquet output: the input's string key columns, then six doubles. */
  static final class ParquetSink implements Sink {
    static final String[] SCORES = {"loss", "logit", "grad_chosen", "grad_rejected",
        "chosen_reward", "rejected_reward"};
    private final ParquetTableWriter writer;
    private final int[] keyColumn = new int[PairLine.KEYS.length];
    private final int first;

    private final java.util.concurrent.Executor executor;

    ParquetSink(Path file, boolean[] keys, java.util.concurrent.Executor executor)
        throws IOException {
      this.executor = executor;
      int columns = 0;
      for (int i = 0; i < keys.length; i++) {
        keyColumn[i] = keys[i] ? columns++ : -1;
      }
      first = columns;
      writer = ParquetTableWriter.create(file, schema(keys));
    }

    /** The key columns the input has (each may be null), then the six scores. */
    static TableSchema schema(boolean[] keys) {
      List<TableSchema.Column> columns = new ArrayList<>();
      for (int i = 0; i < keys.length; i++) {
        if (keys[i]) {
          columns.add(new TableSchema.Column(PairLine.KEYS[i], TableSchema.Kind.STRING, true));
        }
      }
      for (String name : SCORES) {
        columns.add(new TableSchema.Column(name, TableSchema.Kind.DOUBLE, false));
      }
      return TableSchema.of(columns);
    }

    @Override
    public void write(Chunked c, int from, int n, PairScores s) throws IOException {
      List<ParquetTableWriter.ColumnValues> columns = new ArrayList<>();
      for (int i = 0; i < keyColumn.length; i++) {
        if (keyColumn[i] < 0) {
          continue;
        }
        int column = keyColumn[i];
        Object[] keys = c.keys[i];
        int[] keyRows = c.keyRows;
        columns.add((p, row) -> {
          Object v = keys[from + p];
          if (PairReader.present(v, keyRows[from + p])) {
            PairReader.write(row, column, v, keyRows[from + p]);
          }
        });
      }
      double[][] scores = {s.loss, s.logit, s.gradChosen, s.gradRejected, s.chosenReward,
          s.rejectedReward};
      for (int j = 0; j < scores.length; j++) {
        int column = first + j;
        double[] v = scores[j];
        columns.add((p, row) -> row.number(column, v[p]));
      }
      writer.writeColumns(n, executor, columns.toArray(new ParquetTableWriter.ColumnValues[0]));
    }

    private boolean finished;

    @Override
    public void finish() throws IOException {
      writer.close();
      finished = true;
    }

    @Override
    public void close() throws IOException {
      if (!finished) {
        writer.close();
      }
    }
  }

  /** Up to {@code batch} pairs in column arrays, split into one chunk per worker. */
  static final class Chunked {
    final MultiReferenceDpo dpo;
    final int k;
    final int capacity;
    final int chunks;
    final int chunkSize;
    final double[][] chosen;
    final double[][] rejected;
    final double[][][] refChosen;
    final double[][][] refRejected;
    /** Line (JSONL) or row (Parquet) numbers, for errors. */
    final long[] positions;
    final String unit;
    /**
     * The key columns: JSON text from JSONL; from Parquet the row group's {@code Utf8Column},
     * the pair being row {@link #keyRows} of it (no object per pair).
     */
    final Object[][] keys;
    final int[] keyRows;
    final PairScores[] scores;
    int size;

    Chunked(MultiReferenceDpo dpo, int k, int capacity, int workers, String unit) {
      this.dpo = dpo;
      this.k = k;
      this.capacity = capacity;
      this.unit = unit;
      this.chunks = Math.max(1, Math.min(workers * 4, capacity));
      this.chunkSize = (capacity + chunks - 1) / chunks;
      chosen = new double[chunks][chunkSize];
      rejected = new double[chunks][chunkSize];
      refChosen = new double[chunks][k][chunkSize];
      refRejected = new double[chunks][k][chunkSize];
      positions = new long[capacity];
      keys = new Object[PairLine.KEYS.length][capacity];
      keyRows = new int[capacity];
      scores = new PairScores[chunks];
      for (int c = 0; c < chunks; c++) {
        scores[c] = new PairScores(chunkSize);
      }
    }

    boolean full() {
      return size == capacity;
    }

    void add(long position, Object[] key, int keyRow, double c, double r, double[] rc, int rcAt,
        double[] rr, int rrAt) {
      int chunk = size / chunkSize;
      int at = size % chunkSize;
      chosen[chunk][at] = c;
      rejected[chunk][at] = r;
      for (int i = 0; i < k; i++) {
        refChosen[chunk][i][at] = rc[rcAt + i];
        refRejected[chunk][i][at] = rr[rrAt + i];
      }
      for (int i = 0; i < key.length; i++) {
        keys[i][size] = key[i];
      }
      keyRows[size] = keyRow;
      positions[size++] = position;
    }

    /** The chunks in use. */
    private int used() {
      return (size + chunkSize - 1) / chunkSize;
    }

    /** Scores chunk c, a scorer's "pair p: ..." becoming the file's line or row. */
    private void scoreChunk(int c) {
      int n = Math.min(chunkSize, size - c * chunkSize);
      try {
        dpo.scoreBatch(new DpoBatch(n, chosen[c], rejected[c], refChosen[c], refRejected[c]),
            scores[c]);
      } catch (IllegalArgumentException e) {
        String m = e.getMessage();
        int colon = m.indexOf(':');
        int p = Integer.parseInt(m.substring("pair ".length(), colon));
        throw new InputException(unit + " " + positions[c * chunkSize + p] + ": "
            + m.substring(colon + 2));
      }
    }

    /** Scores every pair on this thread. */
    void score() {
      for (int c = 0; c < used(); c++) {
        scoreChunk(c);
      }
    }

    /** What a chunk's scores are handed to. */
    @FunctionalInterface
    interface ChunkVisitor {
      void chunk(int from, int n, PairScores scores) throws IOException;
    }

    /** Each chunk's pairs ({@code from} to {@code from + n - 1}) and their scores, in order. */
    void forEachChunk(ChunkVisitor visitor) {
      try {
        for (int c = 0; c < used(); c++) {
          visitor.chunk(c * chunkSize, Math.min(chunkSize, size - c * chunkSize), scores[c]);
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    /** The scored pairs to the sink (unless null) and the summary, in order. */
    void write(Sink sink, Summary summary) throws IOException {
      for (int c = 0; c < used(); c++) {
        PairScores s = scores[c];
        int n = Math.min(chunkSize, size - c * chunkSize);
        if (sink != null) {
          sink.write(this, c * chunkSize, n, s);
        }
        for (int p = 0; p < n; p++) {
          summary.add(s.loss[p], s.logit[p]);
          summary.rewards(s.chosenReward[p], s.rejectedReward[p], unit, positions[c * chunkSize
              + p]);
        }
      }
    }

    /** Scores every pair, the chunks in parallel on {@code pool}. */
    void scoreAll(ForkJoinPool pool) {
      int used = used();
      List<Future<?>> work = new ArrayList<>();
      for (int c = 0; c < used; c++) {
        int chunk = c;
        work.add(pool.submit(() -> scoreChunk(chunk)));
      }
      for (Future<?> f : work) {
        JsonlBlocks.await(f);
      }
    }
  }

  /**
   * Mean loss, reward accuracy, a reservoir sample of the margins for their quantiles, the range
   * of the implicit rewards and, given a bound, the pairs beyond it.
   */
  static final class Summary {
    long count;
    long correct;
    double lossSum;
    double minReward = Double.POSITIVE_INFINITY;
    double maxReward = Double.NEGATIVE_INFINITY;
    final Double bound;
    String beyond;
    double beyondValue;
    long beyondCount;

    Summary(Double bound) {
      this.bound = bound;
    }

    /** A pair's two implicit rewards, at its line or row. */
    void rewards(double chosen, double rejected, String unit, long position) {
      minReward = Math.min(minReward, Math.min(chosen, rejected));
      maxReward = Math.max(maxReward, Math.max(chosen, rejected));
      if (bound != null && (Math.abs(chosen) > bound || Math.abs(rejected) > bound)) {
        if (beyond == null) {
          boolean first = Math.abs(chosen) > bound;
          beyond = unit + " " + position;
          beyondValue = first ? chosen : rejected;
          beyond += first ? ", chosen_reward" : ", rejected_reward";
        }
        beyondCount++;
      }
    }
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

package io.github.multiref.cli;

import io.github.multiref.io.ParquetTableWriter;
import io.github.multiref.io.TableFormat;
import io.github.multiref.io.TableSchema;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code multiref join-references}: K tables of one reference model each into one table of K
 * references, matching pairs by {@code (prompt, chosen, rejected)}.
 */
@Command(
    name = "join-references",
    header = "Join K single-reference tables (as TRL precomputes them) into one K-reference table.",
    mixinStandardHelpOptions = true,
    description = {
        "Join K tables, each one reference model's precomputed log-probabilities (TRL's"
            + " ref_chosen_logps and ref_rejected_logps, one number per pair), into one table"
            + " whose ref_chosen_logps and ref_rejected_logps list the K references in the order"
            + " the files are given.",
        "Pairs are matched by (prompt, chosen, rejected), whatever their order in each file; the"
            + " files must hold the same pairs, one to one. chosen_logps and rejected_logps, where"
            + " present, must agree across the files. The output follows the first file's order.",
        "JSONL or Parquet in and out (by the file names, or --format for the output). The first"
            + " file is held in memory."})
final class JoinReferencesCommand implements Callable<Integer>, MultirefCommand.Subcommand {

  @ParentCommand MultirefCommand parent;

  @Mixin CommonOptions common;

  @Parameters(arity = "1..*", paramLabel = "TABLE",
      description = "One table per reference model, in the order of the references.")
  List<String> inputs;

  @Option(names = "--output", paramLabel = "FILE", required = true,
      description = "The joined table. Written whole or not at all.")
  Path output;

  @Mixin FormatOptions formats;

  @Option(names = "--tolerance", paramLabel = "T", defaultValue = "0",
      description = "How far chosen_logps and rejected_logps may differ across the files"
          + " (default: ${DEFAULT-VALUE}, the same number).")
  double tolerance;

  @Override
  public CommonOptions common() {
    return common;
  }

  /** The joined table, in the first file's order. */
  private static final class Joined {
    final Map<List<String>, Integer> index = new HashMap<>();
    final List<String[]> keys = new ArrayList<>();
    final List<Long> positions = new ArrayList<>();
    double[] chosen = new double[1024];
    double[] rejected = new double[1024];
    /** Which file gave a row's policy log-probabilities, -1 for none yet. */
    int[] policyFrom = new int[1024];
    /** Per file: its references of every row, {@code k[f]} per row. */
    final List<double[]> refChosen = new ArrayList<>();
    final List<double[]> refRejected = new ArrayList<>();
    final List<Integer> k = new ArrayList<>();
    /** "line" or "row": how the first file counts its pairs. */
    String unit;

    int rows() {
      return keys.size();
    }
  }

  @Override
  public Integer call() throws IOException {
    long start = System.nanoTime();
    if (!(tolerance >= 0 && tolerance < Double.POSITIVE_INFINITY)) {
      throw new InputException("--tolerance must be finite and >= 0, got " + tolerance);
    }
    TableFormat outFormat = CliIo.outputFormat(output, formats.output, false);
    List<TableFormat> inFormats = new ArrayList<>();
    for (String input : inputs) {
      inFormats.add(CliIo.inputFormat(input, formats.input));
    }
    AtomicOutput.checkedParent(output);
    Joined joined = new Joined();
    try (Progress progress = Progress.start(parent.main().err(), "multiref join-references",
        "pairs")) {
      for (int f = 0; f < inputs.size(); f++) {
        read(f, inFormats.get(f), joined);
        progress.add(joined.rows());
      }
    }
    if (joined.rows() == 0) {
      throw new InputException(inputs.get(0) + " holds no pairs");
    }
    write(joined, outFormat);
    int k = joined.k.stream().mapToInt(Integer::intValue).sum();
    parent.main().err().printf(Locale.ROOT,
        "multiref join-references: %d pairs, %d files, K = %d references, %.2f s, written to"
            + " %s%n", joined.rows(), inputs.size(), k, (System.nanoTime() - start) / 1e9, output);
    return 0;
  }

  private void read(int f, TableFormat format, Joined joined) throws IOException {
    String file = inputs.get(f);
    boolean[] matched = f == 0 ? null : new boolean[joined.rows()];
    int[] count = {0};
    joined.k.add(-1);
    joined.refChosen.add(new double[f == 0 ? 1024 : 0]);
    joined.refRejected.add(new double[f == 0 ? 1024 : 0]);
    try (PairReader pairs = PairReader.open(file, format, false)) {
      boolean[] present = pairs.keyColumns();
      for (int i = 0; i < present.length; i++) {
        if (!present[i]) {
          throw new InputException(file + " has no string column '" + PairLine.KEYS[i]
              + "'; join-references matches pairs by (prompt, chosen, rejected)");
        }
      }
      String unit = pairs.unit();
      if (f == 0) {
        joined.unit = unit;
      }
      pairs.forEach((position, keyText, keyRow, chosen, rejected, rc, rcAt, rr, rrAt, k) -> {
        String where = file + " " + unit + " " + position;
        String[] key = new String[keyText.length];
        for (int i = 0; i < key.length; i++) {
          if (!PairReader.present(keyText[i], keyRow)) {
            throw new InputException(where + ": missing '" + PairLine.KEYS[i]
                + "'; join-references matches pairs by (prompt, chosen, rejected)");
          }
          key[i] = PairReader.json(keyText[i], keyRow);
        }
        List<String> id = Arrays.asList(key);
        int row;
        if (f == 0) {
          Integer earlier = joined.index.putIfAbsent(id, joined.rows());
          if (earlier != null) {
            throw new InputException(where + ": the pair " + describe(key) + " repeats " + unit
                + " " + joined.positions.get(earlier));
          }
          row = joined.rows();
          joined.keys.add(key);
          joined.positions.add(position);
        } else {
          Integer found = joined.index.get(id);
          if (found == null) {
            throw new InputException(where + ": the pair " + describe(key) + " is not in "
                + inputs.get(0));
          }
          row = found;
          if (matched[row]) {
            throw new InputException(where + ": the pair " + describe(key) + " appears twice in "
                + file);
          }
          matched[row] = true;
        }
        int expectedK = joined.k.get(f);
        if (expectedK < 0) {
          joined.k.set(f, k);
          if (f > 0) { // every row of the first file is known: exactly as many as it has
            joined.refChosen.set(f, new double[joined.rows() * k]);
            joined.refRejected.set(f, new double[joined.rows() * k]);
          }
        } else if (k != expectedK) {
          throw new InputException(where + ": 'ref_chosen_logps' has " + k
              + " references but earlier " + unit + "s have " + expectedK);
        }
        if (f == 0) {
          grow(joined, row, k);
          joined.policyFrom[row] = -1;
        }
        System.arraycopy(rc, rcAt, joined.refChosen.get(f), row * k, k);
        System.arraycopy(rr, rrAt, joined.refRejected.get(f), row * k, k);
        if (!Double.isNaN(chosen)) {
          policy(joined, f, row, chosen, rejected, where);
        }
        count[0]++;
      });
    }
    if (f > 0 && count[0] != joined.rows()) {
      for (int row = 0; row < joined.rows(); row++) {
        if (!matched[row]) {
          throw new InputException(file + " has no row for the pair " + describe(
              joined.keys.get(row)) + " of " + inputs.get(0) + " (" + joined.unit + " "
              + joined.positions.get(row) + "); the files must hold the same pairs");
        }
      }
    }
  }

  /** chosen_logps and rejected_logps: the first file to have them gives them, the rest agree. */
  private void policy(Joined joined, int f, int row, double chosen, double rejected,
      String where) {
    int from = joined.policyFrom[row];
    if (from < 0) {
      joined.chosen[row] = chosen;
      joined.rejected[row] = rejected;
      joined.policyFrom[row] = f;
      return;
    }
    double[] mine = {chosen, rejected};
    double[] theirs = {joined.chosen[row], joined.rejected[row]};
    for (int i = 0; i < 2; i++) {
      if (!(Math.abs(mine[i] - theirs[i]) <= tolerance)) {
        throw new InputException(where + ": '" + PairReader.NUMBERS[i] + "' is " + mine[i]
            + " but " + inputs.get(from) + " has " + theirs[i] + " for the same pair"
            + (tolerance == 0 ? "" : " (more than --tolerance " + tolerance + " apart)"));
      }
    }
  }

  /** Room for the first file's row: its policy values and its k references. */
  private static void grow(Joined joined, int row, int k) {
    if (row >= joined.chosen.length) {
      int n = 2 * joined.chosen.length;
      joined.chosen = Arrays.copyOf(joined.chosen, n);
      joined.rejected = Arrays.copyOf(joined.rejected, n);
      joined.policyFrom = Arrays.copyOf(joined.policyFrom, n);
    }
    int need = (row + 1) * k;
    if (need > joined.refChosen.get(0).length) {
      int n = Math.max(need, 2 * joined.refChosen.get(0).length);
      joined.refChosen.set(0, Arrays.copyOf(joined.refChosen.get(0), n));
      joined.refRejected.set(0, Arrays.copyOf(joined.refRejected.get(0), n));
    }
  }

  private static String describe(String[] key) {
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < key.length; i++) {
      String v = key[i].length() > 42 ? key[i].substring(0, 40) + "..." : key[i];
      b.append(i == 0 ? "" : ", ").append(PairLine.KEYS[i]).append(' ').append(v);
    }
    return b.append(')').toString();
  }

  private void write(Joined joined, TableFormat outFormat) throws IOException {
    int files = inputs.size();
    int total = joined.k.stream().mapToInt(Integer::intValue).sum();
    boolean policy = joined.policyFrom[0] >= 0;
    double[] rc = new double[total];
    double[] rr = new double[total];
    try (AtomicOutput out = outFormat == TableFormat.PARQUET ? AtomicOutput.binary(output)
        : AtomicOutput.open(output, null)) {
      if (outFormat == TableFormat.PARQUET) {
        List<TableSchema.Column> columns = new ArrayList<>();
        for (String key : PairLine.KEYS) {
          columns.add(new TableSchema.Column(key, TableSchema.Kind.STRING, false));
        }
        if (policy) {
          columns.add(new TableSchema.Column("chosen_logps", TableSchema.Kind.DOUBLE, false));
          columns.add(new TableSchema.Column("rejected_logps", TableSchema.Kind.DOUBLE, false));
        }
        columns.add(new TableSchema.Column("ref_chosen_logps", TableSchema.Kind.DOUBLE_LIST,
            false));
        columns.add(new TableSchema.Column("ref_rejected_logps", TableSchema.Kind.DOUBLE_LIST,
            false));
        int refs = columns.size() - 2;
        try (ParquetTableWriter w = ParquetTableWriter.create(out.file(),
            TableSchema.of(columns))) {
          w.write((row, r) -> {
            String[] key = joined.keys.get(row);
            for (int i = 0; i < key.length; i++) {
              r.string(i, PairReader.plain(key[i]));
            }
            if (policy) {
              r.number(3, joined.chosen[row]);
              r.number(4, joined.rejected[row]);
            }
            gather(joined, files, row, rc, rr);
            r.numbers(refs, rc, 0, total);
            r.numbers(refs + 1, rr, 0, total);
          }, joined.rows());
        }
      } else {
        Writer w = out.writer();
        StringBuilder b = new StringBuilder(256);
        for (int row = 0; row < joined.rows(); row++) {
          gather(joined, files, row, rc, rr);
          w.append(ConvertCommand.pairLine(b, joined.keys.get(row), -1,
              policy ? joined.chosen[row] : Double.NaN, joined.rejected[row], rc, 0, rr, 0,
              total));
        }
      }
      out.commit();
    }
  }

  /** Row's K references, file after file. */
  private static void gather(Joined joined, int files, int row, double[] rc, double[] rr) {
    int at = 0;
    for (int f = 0; f < files; f++) {
      int k = joined.k.get(f);
      System.arraycopy(joined.refChosen.get(f), row * k, rc, at, k);
      System.arraycopy(joined.refRejected.get(f), row * k, rr, at, k);
      at += k;
    }
  }
}

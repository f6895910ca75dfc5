package io.github.multiref.spark;

import io.github.multiref.api.BatchSpec;
import io.github.multiref.api.Divergence;
import io.github.multiref.api.PromptBatch;
import io.github.multiref.api.PromptFailure;
import io.github.multiref.api.SolutionBatch;
import io.github.multiref.api.Solver;
import io.github.multiref.rewards.io.JsonLine;
import io.github.multiref.runtime.Registries;
import io.github.multiref.solvers.DatasetSolver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One partition of prompts solved: rows are read into one {@link PromptBatch} at a time (flat
 * arrays with offsets, reused from batch to batch), each row checked as {@code multiref solve}
 * checks a Parquet row, the batch solved on this task's thread, and one output row made per
 * prompt. The numbers of a prompt do not depend on the batch it falls in, so any partitioning
 * gives the command line's bits.
 *
 * <p>Input columns, in this order: {@code prompt}, {@code responses} (or null when absent),
 * {@code reward}, {@code ref_logprobs}, the numbers already cast to double.
 */
final class SolvePartition extends BatchedRows {

  static final int PROMPT = 0;
  static final int RESPONSES = 1;
  static final int REWARD = 2;
  static final int REFS = 3;

  private final SolveSpec spec;
  private final int k;
  private final boolean quarantine;
  private final Solver solver;
  private final BatchSpec batchSpec;
  // the batch being filled: row objects only for the keys that go to the output
  private final List<Row> rows = new ArrayList<>();
  private int[] offsets = new int[1];
  private double[] rewards = new double[1024];
  private double[] refs = new double[1024];

  SolvePartition(java.util.Iterator<Row> in, SolveSpec spec, int k, boolean quarantine) {
    super(in);
    this.spec = spec;
    this.k = k;
    this.quarantine = quarantine;
    Registries registries = Components.registries(spec.pluginDirs());
    Divergence divergence = registries.divergences().create(spec.divergence());
    this.solver = registries.solvers().create(spec.solver()).delegateFor(divergence);
    double[] weights = Specs.normalized(spec.weights(), k);
    this.batchSpec = spec.renormalize() ? BatchSpec.renormalizing(divergence, spec.beta(), weights)
        : BatchSpec.normalized(divergence, spec.beta(), 1e-6, weights);
  }

  @Override
  void nextBatch() {
    fill(rows, spec.batch(), this::read, this::refuse);
    solve();
  }

  /** Row p's numbers into the batch's arrays after offsets[p], checked; offsets[p + 1] set. */
  private void read(Row row, int p) {
    if (row.isNullAt(PROMPT)) {
      throw new IllegalArgumentException("column 'prompt': null; expected a string");
    }
    List<Object> reward = Rows.list(row, REWARD, "reward");
    int n = reward.size();
    if (n == 0) {
      throw new IllegalArgumentException("column 'reward': an empty list; expected one reward"
          + " per response");
    }
    if (!row.isNullAt(RESPONSES) && row.getList(RESPONSES).size() != n) {
      throw new IllegalArgumentException("column 'reward': has " + n + " entries but"
          + " 'responses' has " + row.getList(RESPONSES).size());
    }
    List<Object> lists = Rows.list(row, REFS, "ref_logprobs");
    if (lists.size() != k) {
      throw new IllegalArgumentException("column 'ref_logprobs': has " + lists.size()
          + " references but " + (spec.weights() != null ? "the weights have " : "the first"
          + " row has ") + k);
    }
    int at = offsets[p];
    int end = Math.addExact(at, n);
    if (offsets.length < p + 2) {
      offsets = Arrays.copyOf(offsets, 2 * (p + 2));
    }
    if (rewards.length < end) {
      rewards = Arrays.copyOf(rewards, Math.max(end, 2 * rewards.length));
    }
    if (refs.length < Math.multiplyExact(k, end)) {
      refs = Arrays.copyOf(refs, Math.max(k * end, 2 * refs.length));
    }
    for (int i = 0; i < n; i++) {
      double v = Rows.element(reward, i, "reward", "");
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("column 'reward': element " + i + " is " + v
            + "; expected a finite number");
      }
      rewards[at + i] = v;
    }
    for (int j = 0; j < k; j++) {
      Object list = lists.get(j);
      if (list == null) {
        throw new IllegalArgumentException("column 'ref_logprobs': list " + j + " is null");
      }
      List<Object> values = asList(list);
      if (values.size() != n) {
        throw new IllegalArgumentException("column 'ref_logprobs': list " + j + " has "
            + values.size() + " entries but 'reward' has " + n);
      }
      int from = k * at + j * n;
      for (int i = 0; i < n; i++) {
        double v = Rows.element(values, i, "ref_logprobs", "list " + j + ", ");
        if (!(v <= JsonLine.LOG_PROBABILITY_SLACK)) { // NaN and +inf too; -inf is zero mass
          throw new IllegalArgumentException("column 'ref_logprobs': list " + j + ", element "
              + i + " is " + v + "; expected a log-probability <= 0 (-Infinity for zero mass)");
        }
        refs[from + i] = v;
      }
    }
    offsets[p + 1] = end;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> asList(Object list) {
    return list instanceof List<?> l ? (List<Object>) l
        : scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<Object>) list);
  }

  /** The batch solved and its rows made; a prompt the solver refuses is taken out, and again. */
  private void solve() {
    while (!rows.isEmpty()) {
      int size = rows.size();
      String[] labels = new String[size];
      for (int p = 0; p < size; p++) {
        labels[p] = BadRowException.quoted(rows.get(p).getString(PROMPT));
      }
      PromptBatch batch = new PromptBatch(size, k, Arrays.copyOf(offsets, size + 1), rewards,
          refs, labels);
      SolutionBatch solved = new SolutionBatch(batch);
      try {
        DatasetSolver.solveBatch(batch, batchSpec, solver, 1, solved);
      } catch (PromptFailure e) {
        Row bad = rows.get(e.prompt());
        String where = "prompt " + labels[e.prompt()] + ": ";
        if (e.budgetExceeded() || e.field() == null && !quarantine) {
          throw new ArithmeticException(where + e.getMessage());
        }
        refuse(bad, (e.field() == null ? "" : "column '" + e.field() + "': ") + e.getMessage());
        remove(e.prompt());
        continue;
      }
      for (int p = 0; p < size; p++) {
        ready.add(output(rows.get(p), solved, p));
      }
      rows.clear();
    }
  }

  /** Takes prompt p out of the batch, moving the later prompts' numbers down. */
  private void remove(int p) {
    int from = offsets[p];
    int to = offsets[p + 1];
    int n = to - from;
    int last = offsets[rows.size()];
    System.arraycopy(rewards, to, rewards, from, last - to);
    System.arraycopy(refs, k * to, refs, k * from, k * (last - to));
    for (int q = p + 1; q <= rows.size(); q++) {
      offsets[q - 1] = offsets[q] - n;
    }
    rows.remove(p);
  }

  private Row output(Row row, SolutionBatch solved, int p) {
    int at = solved.batch().offset(p);
    int n = solved.batch().responses(p);
    double[] policy = Arrays.copyOfRange(solved.policyLogProbs(), at, at + n);
    double[] reference = solved.hasReference()[p]
        ? Arrays.copyOfRange(solved.referenceLogProbs(), at, at + n) : null;
    Object[] values = new Object[quarantine ? 9 : 7];
    values[0] = row.getString(PROMPT);
    values[1] = row.isNullAt(RESPONSES) ? null : row.get(RESPONSES);
    values[2] = policy;
    values[3] = reference;
    values[4] = solved.objective()[p];
    values[5] = present(solved.upperBound()[p]);
    values[6] = present(solved.multiplier()[p]);
    return RowFactory.create(values);
  }

  /** A refused row: the job fails, or (quarantined) it goes on with the reason and the row. */
  private void refuse(Row row, String reason) {
    if (!quarantine) {
      throw new BadRowException(row.isNullAt(PROMPT) ? null : row.getString(PROMPT), reason);
    }
    Object[] values = new Object[9];
    values[7] = reason;
    values[8] = row;
    ready.add(RowFactory.create(values));
  }

  private static Double present(double value) {
    return Double.isNaN(value) ? null : value;
  }
}

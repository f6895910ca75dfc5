package io.github.multiref.spark;

import io.github.multiref.api.Divergence;
import io.github.multiref.rewards.io.JsonLine;
import io.github.multiref.solvers.dpo.DpoBatch;
import io.github.multiref.solvers.dpo.DpoLosses;
import io.github.multiref.solvers.dpo.MultiReferenceDpo;
import io.github.multiref.solvers.dpo.PairScores;
import io.github.multiref.solvers.dpo.ReferenceWeighting;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One partition of preference pairs scored: the log-probabilities of up to {@code batch} pairs go
 * into the column arrays of one {@link DpoBatch} (allocated once per partition and reused), each
 * pair checked as {@code multiref dpo-score} checks a Parquet row, then scored on this task's
 * thread. A pair's scores do not depend on its batch, so any partitioning gives the command
 * line's bits.
 *
 * <p>Input columns, in this order: {@code prompt}, {@code chosen}, {@code rejected} (null when
 * the input has no such column), {@code chosen_logps}, {@code rejected_logps}, {@code
 * ref_chosen_logps}, {@code ref_rejected_logps} (lists of K doubles; one reference's scalar
 * column is made a list of one on the driver).
 */
final class DpoPartition extends BatchedRows {

  static final String[] KEYS = {"prompt", "chosen", "rejected"};
  static final String[] NUMBERS = {"chosen_logps", "rejected_logps", "ref_chosen_logps",
      "ref_rejected_logps"};
  static final String[] SCORES = {"loss", "logit", "grad_chosen", "grad_rejected",
      "chosen_reward", "rejected_reward"};

  private final int batch;
  private final int k;
  private final boolean[] keys;
  private final boolean quarantine;
  private final boolean weightsGiven;
  private final MultiReferenceDpo dpo;

  private final List<Row> rows = new ArrayList<>();
  private final double[] chosen;
  private final double[] rejected;
  private final double[][] refChosen;
  private final double[][] refRejected;
  private final PairScores scores;

  DpoPartition(java.util.Iterator<Row> in, DpoSpec spec, int k, boolean[] keys, boolean quarantine) {
    super(in);
    this.batch = spec.batch();
    this.k = k;
    this.keys = keys.clone();
    this.quarantine = quarantine;
    this.weightsGiven = spec.weights() != null;
    Divergence divergence = Components.registries(spec.pluginDirs()).divergences()
        .create(spec.divergence());
    ReferenceWeighting weighting = spec.adaptive() ? ReferenceWeighting.adaptive()
        : ReferenceWeighting.fixed(Specs.normalized(spec.weights(), k));
    this.dpo = MultiReferenceDpo.of(divergence, spec.beta(), DpoLosses.parse(spec.loss()),
        weighting);
    int capacity = batch; // one batch of arrays for the whole partition
    chosen = new double[capacity];
    rejected = new double[capacity];
    refChosen = new double[k][capacity];
    refRejected = new double[k][capacity];
    scores = new PairScores(capacity);
  }

  @Override
  void nextBatch() {
    fill(rows, batch, this::read, this::refuse);
    score();
  }

  /** The batch scored; a pair the scorer refuses is taken out and the rest scored again. */
  private void score() {
    while (!rows.isEmpty()) {
      try {
        dpo.scoreBatch(new DpoBatch(rows.size(), chosen, rejected, refChosen, refRejected),
            scores);
        emit();
        return;
      } catch (IllegalArgumentException e) {
        String m = e.getMessage();
        int colon = m.indexOf(':');
        int p = Integer.parseInt(m.substring("pair ".length(), colon));
        refuse(rows.get(p), m.substring(colon + 2));
        for (int q = p + 1; q < rows.size(); q++) {
          shift(q);
        }
        rows.remove(p);
      }
    }
  }

  /** Moves pair q's numbers to q - 1. */
  private void shift(int q) {
    chosen[q - 1] = chosen[q];
    rejected[q - 1] = rejected[q];
    for (int i = 0; i < k; i++) {
      refChosen[i][q - 1] = refChosen[i][q];
      refRejected[i][q - 1] = refRejected[i][q];
    }
  }

  private void emit() {
    int width = width();
    for (int p = 0; p < rows.size(); p++) {
      Row row = rows.get(p);
      Object[] values = new Object[width + (quarantine ? 2 : 0)];
      int c = 0;
      for (int i = 0; i < keys.length; i++) {
        if (keys[i]) {
          values[c++] = Rows.string(row, i);
        }
      }
      values[c++] = scores.loss[p];
      values[c++] = scores.logit[p];
      values[c++] = scores.gradChosen[p];
      values[c++] = scores.gradRejected[p];
      values[c++] = scores.chosenReward[p];
      values[c] = scores.rejectedReward[p];
      ready.add(RowFactory.create(values));
    }
    rows.clear();
  }

  private int width() {
    int w = SCORES.length;
    for (boolean key : keys) {
      w += key ? 1 : 0;
    }
    return w;
  }

  private void read(Row row, int p) {
    chosen[p] = logProbability(Rows.number(row, 3, NUMBERS[0]), NUMBERS[0]);
    rejected[p] = logProbability(Rows.number(row, 4, NUMBERS[1]), NUMBERS[1]);
    List<Object> rc = Rows.list(row, 5, NUMBERS[2]);
    List<Object> rr = Rows.list(row, 6, NUMBERS[3]);
    if (rc.size() != k) {
      throw new IllegalArgumentException("column '" + NUMBERS[2] + "': " + (rc.isEmpty()
          ? "an empty list; expected K >= 1 numbers" : "has " + rc.size() + " references but " + (weightsGiven ? "the weights have "
          : "the first pair has ") + k));
    }
    if (rr.size() != k) {
      throw new IllegalArgumentException("column '" + NUMBERS[3] + "': has " + rr.size()
          + " references but '" + NUMBERS[2] + "' has " + k);
    }
    for (int i = 0; i < k; i++) {
      refChosen[i][p] = logProbability(Rows.element(rc, i, NUMBERS[2], ""), NUMBERS[2]);
      refRejected[i][p] = logProbability(Rows.element(rr, i, NUMBERS[3], ""), NUMBERS[3]);
    }
  }

  /** As {@code dpo-score} checks it: a finite number, at most the rounding slack above 0. */
  private static double logProbability(double v, String column) {
    if (!(v <= JsonLine.LOG_PROBABILITY_SLACK && v > Double.NEGATIVE_INFINITY)) {
      throw new IllegalArgumentException("column '" + column + "': " + v + "; expected a finite"
          + " log-probability <= 0" + (v > 0 && v < Double.POSITIVE_INFINITY ? " (up to "
          + JsonLine.LOG_PROBABILITY_SLACK + " above 0 is taken as rounding)" : ""));
    }
    return v;
  }

  private void refuse(Row row, String reason) {
    if (!quarantine) {
      throw new BadRowException(Rows.string(row, 0), reason);
    }
    Object[] values = new Object[width() + 2];
    values[values.length - 2] = reason;
    values[values.length - 1] = row;
    ready.add(RowFactory.create(values));
  }
}

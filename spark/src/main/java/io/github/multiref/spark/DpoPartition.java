package io.github.multiref.spark;

import io.github.multiref.api.Divergence;
import io.github.multiref.rewards.io.JsonLine;
import io.github.multiref.solvers.dpo.DpoBatch;
import io.github.multiref.solvers.dpo.DpoLosses;
import io.github.multiref.solvers.dpo.MultiReferenceDpo;
import io.github.multiref.solvers.dpo.PairScores;
import io.github.multiref.solvers.dpo.ReferenceWeighting;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * One partition of preference pairs scored on Spark's internal rows: the log-probabilities of up
 * to {@code batch} pairs are read straight from each row's columns (no {@code Row} objects, no
 * boxed numbers) into the column arrays of one {@link DpoBatch}, allocated once per partition,
 * each pair checked as {@code multiref dpo-score} checks a Parquet row, and scored on this task's
 * thread. The output is one mutable row, refilled for each pair (the scan over this iterator copies
 * each row into its own buffer); only the key strings are copied per pair, since Spark reuses its
 * input rows. A pair's scores do not depend on its batch, so any
 * partitioning gives the command line's bits.
 *
 * <p>Input columns, in this order: {@code prompt}, {@code chosen}, {@code rejected} (null when
 * the input has no such column), {@code chosen_logps}, {@code rejected_logps}, {@code
 * ref_chosen_logps}, {@code ref_rejected_logps} (lists of K doubles; one reference's scalar
 * column is made a list of one on the driver).
 */
final class DpoPartition implements Iterator<InternalRow> {

  static final String[] KEYS = {"prompt", "chosen", "rejected"};
  static final String[] NUMBERS = {"chosen_logps", "rejected_logps", "ref_chosen_logps",
      "ref_rejected_logps"};
  static final String[] SCORES = {"loss", "logit", "grad_chosen", "grad_rejected",
      "chosen_reward", "rejected_reward"};

  private final Iterator<InternalRow> in;
  private final int batch;
  private final int k;
  private final boolean[] keys;
  private final boolean quarantine;
  private final boolean weightsGiven;
  private final MultiReferenceDpo dpo;

  private final UTF8String[][] keyValues;
  private final double[] chosen;
  private final double[] rejected;
  private final double[][] refChosen;
  private final double[][] refRejected;
  private final PairScores scores;
  private int size;
  private int emitted;
  private final ArrayDeque<InternalRow> refused = new ArrayDeque<>();

  private final int width;
  private final SpecificInternalRow out;

  DpoPartition(Iterator<InternalRow> in, DpoSpec spec, int k, boolean[] keys,
      boolean quarantine, StructType outputSchema) {
    this.in = in;
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
    keyValues = new UTF8String[KEYS.length][batch];
    chosen = new double[batch];
    rejected = new double[batch];
    refChosen = new double[k][batch];
    refRejected = new double[k][batch];
    scores = new PairScores(batch);
    int w = SCORES.length;
    for (boolean key : keys) {
      w += key ? 1 : 0;
    }
    width = w;
    out = new SpecificInternalRow(outputSchema);
  }

  @Override
  public boolean hasNext() {
    while (refused.isEmpty() && emitted == size && in.hasNext()) {
      fill();
      score();
    }
    return !refused.isEmpty() || emitted < size;
  }

  @Override
  public InternalRow next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    if (!refused.isEmpty()) {
      return refused.poll();
    }
    int p = emitted++;
    int c = 0;
    for (int i = 0; i < keys.length; i++) {
      if (keys[i]) {
        if (keyValues[i][p] == null) {
          out.setNullAt(c++);
        } else {
          out.update(c++, keyValues[i][p]);
        }
      }
    }
    out.setDouble(c++, scores.loss[p]);
    out.setDouble(c++, scores.logit[p]);
    out.setDouble(c++, scores.gradChosen[p]);
    out.setDouble(c++, scores.gradRejected[p]);
    out.setDouble(c++, scores.chosenReward[p]);
    out.setDouble(c, scores.rejectedReward[p]);
    if (quarantine) {
      out.setNullAt(width);
      out.setNullAt(width + 1);
    }
    return out; // reused: the scan over this iterator copies each row into its own buffer
  }

  private void fill() {
    size = 0;
    emitted = 0;
    while (size < batch && in.hasNext()) {
      InternalRow row = in.next();
      try {
        read(row, size);
        for (int i = 0; i < KEYS.length; i++) {
          keyValues[i][size] = row.isNullAt(i) ? null : row.getUTF8String(i).clone();
        }
        size++;
      } catch (IllegalArgumentException e) {
        refuse(row, e.getMessage());
      }
    }
  }

  /** The batch scored; a pair the scorer refuses is taken out and the rest scored again. */
  private void score() {
    while (size > 0) {
      try {
        dpo.scoreBatch(new DpoBatch(size, chosen, rejected, refChosen, refRejected), scores);
        return;
      } catch (IllegalArgumentException e) { // "pair p: ...": that pair alone is refused
        String m = e.getMessage();
        int colon = m.indexOf(':');
        int p = Integer.parseInt(m.substring("pair ".length(), colon));
        refuseScored(p, m.substring(colon + 2));
        for (int q = p + 1; q < size; q++) {
          shift(q);
        }
        size--;
      }
    }
  }

  /** Moves pair q's numbers and keys to q - 1. */
  private void shift(int q) {
    chosen[q - 1] = chosen[q];
    rejected[q - 1] = rejected[q];
    for (int i = 0; i < k; i++) {
      refChosen[i][q - 1] = refChosen[i][q];
      refRejected[i][q - 1] = refRejected[i][q];
    }
    for (UTF8String[] column : keyValues) {
      column[q - 1] = column[q];
    }
  }

  private void read(InternalRow row, int p) {
    chosen[p] = logProbability(number(row, 3, NUMBERS[0]), NUMBERS[0]);
    rejected[p] = logProbability(number(row, 4, NUMBERS[1]), NUMBERS[1]);
    ArrayData rc = list(row, 5, NUMBERS[2]);
    ArrayData rr = list(row, 6, NUMBERS[3]);
    if (rc.numElements() != k) {
      throw new IllegalArgumentException("column '" + NUMBERS[2] + "': " + (rc.numElements() == 0
          ? "an empty list; expected K >= 1 numbers" : "has " + rc.numElements()
          + " references but " + (weightsGiven ? "the weights have " : "the first pair has ")
          + k));
    }
    if (rr.numElements() != k) {
      throw new IllegalArgumentException("column '" + NUMBERS[3] + "': has " + rr.numElements()
          + " references but '" + NUMBERS[2] + "' has " + k);
    }
    for (int i = 0; i < k; i++) {
      refChosen[i][p] = logProbability(element(rc, i, NUMBERS[2]), NUMBERS[2]);
      refRejected[i][p] = logProbability(element(rr, i, NUMBERS[3]), NUMBERS[3]);
    }
  }

  private static double number(InternalRow row, int at, String column) {
    if (row.isNullAt(at)) {
      throw new IllegalArgumentException("column '" + column + "': null; expected a number");
    }
    return row.getDouble(at);
  }

  private static ArrayData list(InternalRow row, int at, String column) {
    if (row.isNullAt(at)) {
      throw new IllegalArgumentException("column '" + column + "': null; expected a list");
    }
    return row.getArray(at);
  }

  private static double element(ArrayData list, int i, String column) {
    if (list.isNullAt(i)) {
      throw new IllegalArgumentException("column '" + column + "': element " + i
          + " is null; expected a number");
    }
    return list.getDouble(i);
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

  /** A refused input row: the job fails, or (quarantined) the row goes on with its reason. */
  private void refuse(InternalRow row, String reason) {
    String prompt = row.isNullAt(0) ? null : row.getUTF8String(0).toString();
    if (!quarantine) {
      throw new BadRowException(prompt, reason);
    }
    refused.add(badRow(row.copy(), reason));
  }

  /** A pair refused by the scorer, after it was read: its keys are all that is kept of it. */
  private void refuseScored(int p, String reason) {
    UTF8String prompt = keyValues[0][p];
    if (!quarantine) {
      throw new BadRowException(prompt == null ? null : prompt.toString(), reason);
    }
    InternalRow input = new org.apache.spark.sql.catalyst.expressions.GenericInternalRow(
        new Object[] {keyValues[0][p], keyValues[1][p], keyValues[2][p], chosen[p], rejected[p],
            org.apache.spark.sql.catalyst.util.ArrayData.toArrayData(column(refChosen, p)),
            org.apache.spark.sql.catalyst.util.ArrayData.toArrayData(column(refRejected, p))});
    refused.add(badRow(input, reason));
  }

  private double[] column(double[][] refs, int p) {
    double[] v = new double[k];
    for (int i = 0; i < k; i++) {
      v[i] = refs[i][p];
    }
    return v;
  }

  private InternalRow badRow(InternalRow input, String reason) {
    Object[] values = new Object[width + 2];
    values[width] = UTF8String.fromString(reason);
    values[width + 1] = input;
    return new org.apache.spark.sql.catalyst.expressions.GenericInternalRow(values);
  }
}

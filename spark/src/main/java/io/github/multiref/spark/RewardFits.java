package io.github.multiref.spark;

import static org.apache.spark.sql.functions.col;

import io.github.multiref.api.PreferenceModel;
import io.github.multiref.api.Stability;
import io.github.multiref.rewards.PreferenceData;
import io.github.multiref.rewards.RewardLearning;
import io.github.multiref.rewards.Separation;
import io.github.multiref.rewards.io.PreferencePair;
import io.github.multiref.rewards.io.PreferencePairs;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Reward learning over preference pairs on Spark, by the same maximum likelihood as {@code
 * multiref fit-reward}.
 *
 * <ul>
 *   <li>Linear rewards {@code theta . phi(prompt, response)}: the negative log-likelihood and its
 *       gradient are summed over the partitions ({@code treeAggregate}) at every step of the
 *       project's L-BFGS, which runs on the driver; only theta and the sums cross the network.
 *   <li>Tabular rewards: the likelihood is a sum of independent terms, one per prompt, so the
 *       pairs are grouped by prompt and each group fitted where it lies.
 * </ul>
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class RewardFits {

  private RewardFits() {}

  /** The columns of {@link #fitTabular}'s output: one row per prompt. */
  public static final StructType TABULAR = new StructType()
      .add("prompt", DataTypes.StringType, false)
      .add("responses", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("rewards", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
      .add("pairs", DataTypes.LongType, false)
      .add("log_likelihood", DataTypes.DoubleType, false)
      .add("iterations", DataTypes.IntegerType, false);

  /**
   * Tabular rewards, one row per prompt: its responses (in the order they first appear among its
   * pairs), their rewards (centered under the responses' frequency, as {@code fit-reward}
   * centers them), its number of pairs, log-likelihood at the fit and L-BFGS iterations.
   *
   * @param pairs {@code prompt}, {@code chosen}, {@code rejected} (strings; other columns ignored)
   */
  public static Dataset<Row> fitTabular(Dataset<Row> pairs, RewardSpec spec) {
    Dataset<Row> keys = pairKeys(pairs);
    return keys.groupByKey((MapFunction<Row, String>) r -> r.getString(0), Encoders.STRING())
        .flatMapGroups(new TabularGroup(spec), Encoders.row(TABULAR));
  }

  /**
   * Linear rewards: theta from the pairs and every (prompt, response)'s features.
   *
   * @param pairs {@code prompt}, {@code chosen}, {@code rejected}
   * @param features {@code prompt}, {@code response}, {@code features} (a list of numbers, the
   *     same length for all), one row per response of the pairs
   * @throws BadRowException for a pair whose response has no features, or features of another
   *     length; IllegalArgumentException for duplicate features or separable data without a
   *     ridge or bound
   */
  public static RewardLearning.LinearFit fitLinear(Dataset<Row> pairs, Dataset<Row> features,
      RewardSpec spec) {
    Dataset<Row> keys = pairKeys(pairs);
    Dataset<Row> phi = features.select(col("prompt"), col("response"),
        col("features").cast(DataTypes.createArrayType(DataTypes.DoubleType, true)));
    List<Row> duplicate = phi.groupBy("prompt", "response").count()
        .filter(col("count").gt(1)).limit(1).collectAsList();
    if (!duplicate.isEmpty()) {
      throw new IllegalArgumentException("the features name prompt " + BadRowException.quoted(
          duplicate.get(0).getString(0)) + ", response " + BadRowException.quoted(
          duplicate.get(0).getString(1)) + " " + duplicate.get(0).getLong(2) + " times; expected"
          + " once");
    }
    Dataset<Row> w = phi.toDF("w_prompt", "w_response", "w_features");
    Dataset<Row> l = phi.toDF("l_prompt", "l_response", "l_features");
    Dataset<Row> joined = keys
        .join(w, col("prompt").equalTo(col("w_prompt")).and(col("chosen")
            .equalTo(col("w_response"))), "left")
        .join(l, col("prompt").equalTo(col("l_prompt")).and(col("rejected")
            .equalTo(col("l_response"))), "left")
        .select(col("prompt"), col("chosen"), col("rejected"), col("w_features"),
            col("l_features"));
    List<Row> first = joined.filter(col("w_features").isNotNull()).limit(1).collectAsList();
    if (first.isEmpty()) {
      throw new IllegalArgumentException("no pair has features for its chosen response (or"
          + " there are no pairs)");
    }
    int d = first.get(0).getList(3).size();
    if (d == 0) {
      throw new IllegalArgumentException("features are empty lists; expected >= 1 number");
    }
    JavaRDD<double[]> differences = joined.javaRDD()
        .map(new Differences(d)).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      differences.count(); // checks every pair's features, once, before the first step
      DistributedLikelihood likelihood = new DistributedLikelihood(differences, d, spec);
      RewardLearning.LinearFit fit = RewardLearning.fitLinear(likelihood, d, spec.l2(),
          spec.bound(), spec.optimizer());
      if (spec.l2() == 0 && spec.bound() == Double.POSITIVE_INFINITY
          && likelihood.ordersEveryPair(fit.theta())) {
        throw new IllegalArgumentException("the pairs are separable by the features (the fit"
            + " orders every pair as observed), so with l2 = 0 the maximum-likelihood theta is"
            + " infinite; give a ridge (e.g. --l2 1e-3) or --bound");
      }
      return fit;
    } finally {
      differences.unpersist(false);
    }
  }

  private static Dataset<Row> pairKeys(Dataset<Row> pairs) {
    for (String c : DpoPartition.KEYS) {
      if (!java.util.Arrays.asList(pairs.schema().fieldNames()).contains(c)) {
        throw new IllegalArgumentException("the pairs have no column '" + c + "'; fit-reward"
            + " needs prompt, chosen and rejected");
      }
    }
    return pairs.select(col("prompt").cast(DataTypes.StringType),
        col("chosen").cast(DataTypes.StringType), col("rejected").cast(DataTypes.StringType));
  }

  /** One prompt's pairs fitted on their own. */
  private static final class TabularGroup implements FlatMapGroupsFunction<String, Row, Row> {
    private static final long serialVersionUID = 1L;
    private final RewardSpec spec;

    TabularGroup(RewardSpec spec) {
      this.spec = spec;
    }

    @Override
    public Iterator<Row> call(String prompt, Iterator<Row> rows) {
      List<PreferencePair> pairs = new ArrayList<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        for (int c = 0; c < 3; c++) {
          if (r.isNullAt(c)) {
            throw new BadRowException(prompt, "column '" + DpoPartition.KEYS[c] + "': null;"
                + " expected a string");
          }
        }
        pairs.add(PreferencePair.of(r.getString(0), r.getString(1), r.getString(2)));
      }
      PreferenceData data = PreferencePairs.toData(pairs.iterator());
      if (spec.l2() == 0) {
        Separation.tabular(data).ifPresent(what -> {
          throw new BadRowException(prompt, "the pairs are separable, so with l2 = 0 the"
              + " maximum-likelihood rewards are infinite: " + what + "; give a ridge, e.g."
              + " --l2 1e-3");
        });
      }
      PreferenceModel model = Components.registries(spec.pluginDirs()).preferenceModels()
          .create(spec.model());
      RewardLearning.TabularFit fit = RewardLearning.fitTabular(data, model, null, spec.l2(),
          spec.optimizer());
      String[] responses = new String[data.responses(0)];
      for (int y = 0; y < responses.length; y++) {
        responses[y] = data.responseLabel(0, y);
      }
      return List.of(RowFactory.create(prompt, responses, fit.rewards()[0], (long) data.size(),
          fit.logLikelihood(), fit.iterations())).iterator();
    }
  }

  /** A pair's {@code phi(chosen) - phi(rejected)}, its features checked. */
  private static final class Differences
      implements org.apache.spark.api.java.function.Function<Row, double[]> {
    private static final long serialVersionUID = 1L;
    private final int d;

    Differences(int d) {
      this.d = d;
    }

    @Override
    public double[] call(Row r) {
      String prompt = r.getString(0);
      for (int c = 0; c < 3; c++) {
        if (r.isNullAt(c)) {
          throw new BadRowException(prompt, "column '" + DpoPartition.KEYS[c] + "': null;"
              + " expected a string");
        }
      }
      double[] out = new double[d];
      for (int side = 0; side < 2; side++) {
        String response = r.getString(1 + side);
        if (r.isNullAt(3 + side)) {
          throw new BadRowException(prompt, "the features have no row for response "
              + BadRowException.quoted(response));
        }
        List<Object> v = r.getList(3 + side);
        if (v.size() != d) {
          throw new BadRowException(prompt, "the features of response " + BadRowException.quoted(
              response) + " have " + v.size() + " entries but others have " + d);
        }
        for (int k = 0; k < d; k++) {
          Object x = v.get(k);
          double value = x == null ? Double.NaN : (Double) x;
          if (!Double.isFinite(value)) {
            throw new BadRowException(prompt, "the features of response "
                + BadRowException.quoted(response) + ": element " + k + " is " + value
                + "; expected a finite number");
          }
          out[k] += side == 0 ? value : -value;
        }
      }
      return out;
    }
  }
}

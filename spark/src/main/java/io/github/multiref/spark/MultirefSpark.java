package io.github.multiref.spark;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;

import io.github.multiref.api.Stability;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * multiref's jobs over Spark Datasets, with the Parquet schemas of the command line: each
 * partition is solved or scored through the columnar batches on its executor, and no row goes to
 * the driver. The output has the command line's columns and, row for row, its numbers bit for bit
 * (the numbers of a prompt or pair do not depend on the batch or partition it falls in).
 *
 * <p>A bad row (a null where a number belongs, NaN, a list of the wrong length, a reference off
 * the scale) fails the job with a {@link BadRowException} naming the row's prompt, the column and
 * the reason, unless the quarantining variants are used: they return the refused rows, each with
 * its reason, beside the output.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class MultirefSpark {

  /** The column of a quarantine table that says why its row was refused. */
  public static final String REASON = "bad_row_reason";

  private MultirefSpark() {}

  /**
   * The output of a job and the rows it refused, both from one computation that is kept (memory,
   * then disk) until {@link #unpersist}: write both, then unpersist.
   *
   * @param output the job's output rows
   * @param badRows the refused input rows (the input's columns, numbers as doubles) and {@value
   *     #REASON}
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Split(Dataset<Row> output, Dataset<Row> badRows, Dataset<Row> all) {
    /** Releases the kept computation. */
    public void unpersist() {
      all.unpersist();
    }
  }

  /**
   * Solves every prompt: the rows of {@code multiref solve}'s output ({@code prompt}, {@code
   * responses}, {@code policy_logprobs}, {@code reference_logprobs}, {@code objective}, {@code
   * upper_bound}, {@code lambda}). The input has {@code prompt}, {@code reward} and {@code
   * ref_logprobs} (K lists), optionally {@code responses}; float columns are widened.
   *
   * @throws IllegalArgumentException on a missing column or one of the wrong type (at once)
   */
  public static Dataset<Row> solve(Dataset<Row> prompts, SolveSpec spec) {
    Dataset<Row> in = promptColumns(prompts);
    int k = references(in, "ref_logprobs", spec.weights());
    return in.mapPartitions(new Solving(spec, k, false), Encoders.row(solveSchema()));
  }

  /** {@link #solve}, with bad rows quarantined instead of failing the job. */
  public static Split solveQuarantining(Dataset<Row> prompts, SolveSpec spec) {
    Dataset<Row> in = promptColumns(prompts);
    int k = references(in, "ref_logprobs", spec.weights());
    StructType schema = quarantined(solveSchema(), in.schema());
    return split(in.mapPartitions(new Solving(spec, k, true), Encoders.row(schema)),
        solveSchema());
  }

  /**
   * Scores every pair: the rows of {@code multiref dpo-score}'s output (the input's {@code
   * prompt}, {@code chosen} and {@code rejected} where it has them, then {@code loss}, {@code
   * logit}, {@code grad_chosen}, {@code grad_rejected}, {@code chosen_reward}, {@code
   * rejected_reward}). The input has {@code chosen_logps} and {@code rejected_logps} and {@code
   * ref_chosen_logps} and {@code ref_rejected_logps}, each a list of K numbers or one number (one
   * reference, as TRL writes it).
   *
   * @throws IllegalArgumentException on a missing column or one of the wrong type (at once)
   */
  public static Dataset<Row> scoreDpo(Dataset<Row> pairs, DpoSpec spec) {
    boolean[] keys = keyColumns(pairs);
    Dataset<Row> in = pairColumns(pairs, keys);
    int k = references(in, "ref_chosen_logps", spec.weights());
    return internal(in, new Scoring(spec, k, keys, false, dpoSchema(keys)), dpoSchema(keys));
  }

  /**
   * A partition function over Spark's internal rows (its Parquet reader's, without conversion to
   * {@code Row} objects), and the Dataset of what it gives.
   */
  private static Dataset<Row> internal(Dataset<Row> in,
      org.apache.spark.api.java.function.FlatMapFunction<Iterator<InternalRow>, InternalRow> f,
      StructType schema) {
    org.apache.spark.sql.classic.Dataset<Row> classic = (org.apache.spark.sql.classic.Dataset<Row>) in;
    org.apache.spark.rdd.RDD<InternalRow> rows = classic.queryExecution().toRdd().toJavaRDD()
        .mapPartitions(f).rdd();
    return classic.sparkSession().internalCreateDataFrame(rows, schema, false);
  }

  /** {@link #scoreDpo}, with bad rows quarantined instead of failing the job. */
  public static Split scoreDpoQuarantining(Dataset<Row> pairs, DpoSpec spec) {
    boolean[] keys = keyColumns(pairs);
    Dataset<Row> in = pairColumns(pairs, keys);
    int k = references(in, "ref_chosen_logps", spec.weights());
    StructType schema = quarantined(dpoSchema(keys), in.schema());
    return split(internal(in, new Scoring(spec, k, keys, true, schema), schema),
        dpoSchema(keys));
  }

  /** solve's output columns. */
  static StructType solveSchema() {
    ArrayType doubles = DataTypes.createArrayType(DataTypes.DoubleType, false);
    return new StructType()
        .add("prompt", DataTypes.StringType, false)
        .add("responses", DataTypes.createArrayType(DataTypes.StringType, true), true)
        .add("policy_logprobs", doubles, false)
        .add("reference_logprobs", doubles, true)
        .add("objective", DataTypes.DoubleType, false)
        .add("upper_bound", DataTypes.DoubleType, true)
        .add("lambda", DataTypes.DoubleType, true);
  }

  static StructType dpoSchema(boolean[] keys) {
    StructType s = new StructType();
    for (int i = 0; i < keys.length; i++) {
      if (keys[i]) {
        s = s.add(DpoPartition.KEYS[i], DataTypes.StringType, true);
      }
    }
    for (String score : DpoPartition.SCORES) {
      s = s.add(score, DataTypes.DoubleType, false);
    }
    return s;
  }

  /** The output's columns, all nullable (a refused row has none), the reason and the row. */
  private static StructType quarantined(StructType output, StructType input) {
    StructType s = new StructType();
    for (StructField f : output.fields()) {
      s = s.add(f.name(), f.dataType(), true);
    }
    return s.add(REASON, DataTypes.StringType, true).add("bad_row", input, true);
  }

  private static Split split(Dataset<Row> all, StructType output) {
    Dataset<Row> kept = all.persist(StorageLevel.MEMORY_AND_DISK());
    Column[] columns = Arrays.stream(output.fieldNames()).map(n -> col(n)).toArray(Column[]::new);
    Dataset<Row> good = kept.filter(col(REASON).isNull()).select(columns);
    Dataset<Row> bad = kept.filter(col(REASON).isNotNull()).select(col("bad_row.*"),
        col(REASON));
    return new Split(good, bad, kept);
  }

  /** solve's input columns in {@link SolvePartition}'s order, numbers as doubles. */
  private static Dataset<Row> promptColumns(Dataset<Row> prompts) {
    StructType s = prompts.schema();
    require(s, "prompt", DataTypes.StringType, "a string");
    requireNumbers(s, "reward", 1);
    requireNumbers(s, "ref_logprobs", 2);
    Column responses;
    if (has(s, "responses")) {
      require(s, "responses", DataTypes.createArrayType(DataTypes.StringType, true),
          "a list of strings");
      responses = col("responses");
    } else {
      responses = lit(null).cast(DataTypes.createArrayType(DataTypes.StringType, true));
    }
    ArrayType doubles = DataTypes.createArrayType(DataTypes.DoubleType, true);
    return prompts.select(col("prompt"), responses.as("responses"),
        col("reward").cast(doubles).as("reward"),
        col("ref_logprobs").cast(DataTypes.createArrayType(doubles, true)).as("ref_logprobs"));
  }

  private static boolean[] keyColumns(Dataset<Row> pairs) {
    StructType s = pairs.schema();
    boolean[] keys = new boolean[DpoPartition.KEYS.length];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = has(s, DpoPartition.KEYS[i]);
      if (keys[i]) {
        require(s, DpoPartition.KEYS[i], DataTypes.StringType, "a string");
      }
    }
    return keys;
  }

  /** dpo-score's input columns in {@link DpoPartition}'s order, numbers as doubles. */
  private static Dataset<Row> pairColumns(Dataset<Row> pairs, boolean[] keys) {
    StructType s = pairs.schema();
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      String key = DpoPartition.KEYS[i];
      columns.add(keys[i] ? col(key) : lit(null).cast(DataTypes.StringType).as(key));
    }
    for (int i = 0; i < 2; i++) {
      String name = DpoPartition.NUMBERS[i];
      requireNumbers(s, name, 0);
      columns.add(col(name).cast(DataTypes.DoubleType).as(name));
    }
    ArrayType doubles = DataTypes.createArrayType(DataTypes.DoubleType, true);
    for (int i = 2; i < 4; i++) {
      String name = DpoPartition.NUMBERS[i];
      if (!has(s, name)) {
        throw missing(name, "a list of K numbers, or a number");
      }
      DataType t = s.apply(name).dataType();
      if (t instanceof NumericType) {
        columns.add(array(col(name).cast(DataTypes.DoubleType)).as(name));
      } else {
        requireNumbers(s, name, 1);
        columns.add(col(name).cast(doubles).as(name));
      }
    }
    return pairs.select(columns.toArray(new Column[0]));
  }

  /** K: the weights' length, or the first row's number of references (1 when there is none). */
  private static int references(Dataset<Row> in, String column, double[] weights) {
    if (weights != null) {
      return weights.length;
    }
    List<Row> first = in.select(size(col(column))).limit(1).collectAsList();
    if (first.isEmpty()) {
      return 1; // no rows, nothing to solve
    }
    int k = first.get(0).getInt(0);
    return k < 1 ? 1 : k; // a null or empty first list: that row is refused as any other
  }

  private static boolean has(StructType s, String name) {
    return Arrays.asList(s.fieldNames()).contains(name);
  }

  private static IllegalArgumentException missing(String name, String what) {
    return new IllegalArgumentException("the input has no column '" + name + "'; expected "
        + what);
  }

  private static void require(StructType s, String name, DataType type, String what) {
    if (!has(s, name)) {
      throw missing(name, what);
    }
    DataType t = s.apply(name).dataType();
    if (!t.sameType(type)) {
      throw new IllegalArgumentException("column '" + name + "' is " + t.simpleString()
          + "; expected " + what);
    }
  }

  /** A numeric column nested in {@code depth} lists. */
  private static void requireNumbers(StructType s, String name, int depth) {
    String what = depth == 0 ? "a number" : depth == 1 ? "a list of numbers"
        : "a list of lists of numbers";
    if (!has(s, name)) {
      throw missing(name, what);
    }
    DataType t = s.apply(name).dataType();
    for (int d = 0; d < depth; d++) {
      if (!(t instanceof ArrayType a)) {
        throw new IllegalArgumentException("column '" + name + "' is "
            + s.apply(name).dataType().simpleString() + "; expected " + what);
      }
      t = a.elementType();
    }
    if (!(t instanceof NumericType)) {
      throw new IllegalArgumentException("column '" + name + "' is "
          + s.apply(name).dataType().simpleString() + "; expected " + what);
    }
  }

  /** The solving of one partition, shipped to the executors. */
  private static final class Solving implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final SolveSpec spec;
    private final int k;
    private final boolean quarantine;

    Solving(SolveSpec spec, int k, boolean quarantine) {
      this.spec = spec;
      this.k = k;
      this.quarantine = quarantine;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      FaultInjection.beforePartition();
      return new SolvePartition(rows, spec, k, quarantine);
    }
  }

  /** The scoring of one partition, shipped to the executors. */
  private static final class Scoring implements
      org.apache.spark.api.java.function.FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    private static final long serialVersionUID = 1L;
    private final DpoSpec spec;
    private final int k;
    private final boolean[] keys;
    private final boolean quarantine;
    private final StructType schema;

    Scoring(DpoSpec spec, int k, boolean[] keys, boolean quarantine, StructType schema) {
      this.spec = spec;
      this.k = k;
      this.keys = keys.clone();
      this.quarantine = quarantine;
      this.schema = schema;
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
      FaultInjection.beforePartition();
      return new DpoPartition(rows, spec, k, keys, quarantine, schema);
    }
  }
}

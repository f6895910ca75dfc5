package io.github.multiref.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import io.github.multiref.referee.DuckDbTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DuckDB, an engine independent of parquet-java, writes the files the reader reads and reads the
 * files the writer writes; every double must come through with the same bits.
 */
class ParquetAgainstDuckDbTest extends DuckDbTests {

  @TempDir Path dir;

  private static void sql(String statement) throws SQLException {
    duck.sql(statement);
  }

  @Test
  void readsWhatDuckDbWritesAcrossRowGroupsBitForBit() throws Exception {
    Path f = dir.resolve("pairs.parquet");
    // 5000 rows in row groups of 1024 (DuckDB rounds to its vector size); log-probabilities at
    // real magnitudes, -inf marking zero mass, floats widened, K = 3 list columns
    sql("COPY (SELECT 'p' || i AS prompt, -50 - 350 * random() AS chosen_logps,"
        + " (-400 * random())::FLOAT AS rejected_logps,"
        + " [-1e4 * random(), -300 * random(), CASE WHEN i % 7 = 0 THEN '-inf'::DOUBLE"
        + " ELSE -random() END] AS ref_chosen_logps,"
        + " [[-random(), -2 * random()], [-1e4 * random()]] AS ref_logprobs,"
        + " ['a' || i, 'b'] AS responses"
        + " FROM range(5000) t(i)) TO '" + f + "' (FORMAT parquet, ROW_GROUP_SIZE 1024)");
    List<Double> chosen = duck.doubles("SELECT chosen_logps FROM '" + f + "'");
    List<Double> rejected = duck.doubles("SELECT rejected_logps::DOUBLE FROM '" + f + "'");
    List<double[]> refs = duck.lists("SELECT ref_chosen_logps FROM '" + f + "'");
    List<double[]> flat = duck.lists("SELECT flatten(ref_logprobs) FROM '" + f + "'");
    int row = 0;
    int groups = 0;
    try (ParquetTableReader r = ParquetTableReader.open(f, Set.of("prompt", "chosen_logps",
        "rejected_logps", "ref_chosen_logps", "ref_logprobs", "responses"))) {
      assertThat(r.rows()).isEqualTo(5000);
      while (r.nextRowGroup()) {
        groups++;
        assertThat(r.firstRow()).isEqualTo(row + 1);
        String[] prompts = r.strings("prompt");
        double[] c = r.doubles("chosen_logps", false);
        double[] rej = r.doubles("rejected_logps", false);
        DoubleLists rc = r.doubleLists("ref_chosen_logps");
        NestedDoubleLists lp = r.nestedDoubleLists("ref_logprobs");
        String[][] responses = r.stringLists("responses");
        for (int i = 0; i < r.groupRows(); i++, row++) {
          assertThat(prompts[i]).isEqualTo("p" + row);
          assertThat(Double.doubleToRawLongBits(c[i]))
              .isEqualTo(Double.doubleToRawLongBits(chosen.get(row)));
          assertThat(rej[i]).isEqualTo(rejected.get(row));
          double[] expected = refs.get(row);
          assertThat(rc.length(i)).isEqualTo(3);
          for (int k = 0; k < 3; k++) {
            assertThat(rc.values()[rc.offsets()[i] + k]).isEqualTo(expected[k]);
          }
          assertThat(lp.lists(i)).isEqualTo(2);
          int l0 = lp.rowOffsets()[i];
          assertThat(lp.listOffsets()[l0 + 1] - lp.listOffsets()[l0]).isEqualTo(2);
          assertThat(lp.listOffsets()[l0 + 2] - lp.listOffsets()[l0 + 1]).isEqualTo(1);
          for (int v = 0; v < 3; v++) {
            assertThat(lp.values()[lp.listOffsets()[l0] + v]).isEqualTo(flat.get(row)[v]);
          }
          assertThat(responses[i]).containsExactly("a" + row, "b");
        }
      }
    }
    assertThat(row).isEqualTo(5000);
    assertThat(groups).isGreaterThan(1);
    assertThat(refs.get(0)[2]).isEqualTo(Double.NEGATIVE_INFINITY);
  }

  @Test
  void duckDbReadsWhatTheWriterWritesBitForBit() throws Exception {
    Path f = dir.resolve("out.parquet");
    TableSchema schema = TableSchema.of(List.of(
        new TableSchema.Column("prompt", TableSchema.Kind.STRING, false),
        new TableSchema.Column("responses", TableSchema.Kind.STRING_LIST, true),
        new TableSchema.Column("policy_logprobs", TableSchema.Kind.DOUBLE_LIST, false),
        new TableSchema.Column("upper_bound", TableSchema.Kind.DOUBLE, true)));
    SplittableRandom random = new SplittableRandom(3);
    int n = 3000;
    double[][] lists = new double[n][];
    double[] bounds = new double[n];
    for (int i = 0; i < n; i++) {
      lists[i] = new double[1 + i % 5];
      for (int j = 0; j < lists[i].length; j++) {
        lists[i][j] = j == 2 ? Double.NEGATIVE_INFINITY : -400 * random.nextDouble();
      }
      bounds[i] = random.nextDouble() * 1e-300; // subnormal and tiny values keep their bits
    }
    ParquetTableWriter.ColumnValues[] columns = {
        (i, row) -> row.string(0, "p\u00e9" + i),
        (i, row) -> {
          if (i % 3 != 0) {
            row.strings(1, new String[] {"x", "y" + i});
          }
        },
        (i, row) -> row.numbers(2, lists[i], 0, lists[i].length),
        (i, row) -> {
          if (i % 2 == 0) {
            row.number(3, bounds[i]);
          }
        }};
    try (ParquetTableWriter w = ParquetTableWriter.create(f, schema)) {
      w.write((i, row) -> {
        for (ParquetTableWriter.ColumnValues c : columns) {
          c.write(i, row);
        }
      }, n);
    }
    // the same rows column by column, the columns encoded at once: the same file, byte for byte
    Path byColumn = dir.resolve("by-column.parquet");
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try (ParquetTableWriter w = ParquetTableWriter.create(byColumn, schema)) {
      w.writeColumns(1000, pool, columns);
      w.writeColumns(n - 1000, pool, java.util.Arrays.stream(columns)
          .map(c -> (ParquetTableWriter.ColumnValues) (i, row) -> c.write(i + 1000, row))
          .toArray(ParquetTableWriter.ColumnValues[]::new));
    }
    assertThat(Files.mismatch(f, byColumn)).isEqualTo(-1L);
    // a column that fails abandons the file: no footer, not a half-written table
    Path failed = dir.resolve("failed.parquet");
    try (ParquetTableWriter w = ParquetTableWriter.create(failed, schema)) {
      assertThatThrownBy(() -> w.writeColumns(1, pool, (i, row) -> row.number(3, 0.0),
          columns[1], columns[2], columns[3]))
          .hasMessageContaining("upper_bound set where only prompt is written");
    } finally {
      pool.shutdown();
    }
    assertThatThrownBy(() -> ParquetTableReader.open(failed, Set.of("prompt")))
        .isInstanceOf(DataException.class).hasMessageContaining("not a readable Parquet file");
    List<double[]> policy = duck.lists("SELECT policy_logprobs FROM '" + f + "'");
    List<Double> upper = duck.doubles("SELECT upper_bound FROM '" + f + "'");
    List<Double> responseCount = duck.doubles("SELECT len(responses) FROM '" + f + "'");
    assertThat(policy).hasSize(n);
    for (int i = 0; i < n; i++) {
      assertThat(policy.get(i)).containsExactly(lists[i]);
      if (i % 2 == 0) {
        assertThat(Double.doubleToRawLongBits(upper.get(i)))
            .isEqualTo(Double.doubleToRawLongBits(bounds[i]));
      } else {
        assertThat(upper.get(i)).isNull();
      }
      assertThat(responseCount.get(i)).isEqualTo(i % 3 == 0 ? null : 2.0);
    }
    List<Double> accented = duck.doubles("SELECT count(*) FROM '" + f + "' WHERE prompt = 'p\u00e9"
        + "7'");
    assertThat(accented).containsExactly(1.0);
  }

  @Test
  void listsOfListsGoOutAndComeBackBitForBit() throws Exception {
    Path f = dir.resolve("nested.parquet");
    TableSchema schema = TableSchema.of(List.of(
        new TableSchema.Column("ref_logprobs", TableSchema.Kind.DOUBLE_LIST_LIST, false)));
    double[][][] rows = {
        {{-1.5, Double.NEGATIVE_INFINITY, -300.25}, {-1e4, -2.0, -3.0}},
        {{-0.5}},
        {{}, {-7.0}},
        {}};
    try (ParquetTableWriter w = ParquetTableWriter.create(f, schema)) {
      w.write((i, row) -> row.numberLists(0, rows[i]), rows.length);
    }
    assertThat(duck.strings("SELECT ref_logprobs::VARCHAR FROM '" + f + "'")).containsExactly(
        "[[-1.5, -inf, -300.25], [-10000.0, -2.0, -3.0]]", "[[-0.5]]", "[[], [-7.0]]", "[]");
    try (ParquetTableReader r = ParquetTableReader.open(f, List.of("ref_logprobs"))) {
      assertThat(r.nextRowGroup()).isTrue();
      NestedDoubleLists lp = r.nestedDoubleLists("ref_logprobs");
      for (int i = 0; i < rows.length; i++) {
        assertThat(lp.lists(i)).isEqualTo(rows[i].length);
        for (int l = 0; l < rows[i].length; l++) {
          int list = lp.rowOffsets()[i] + l;
          double[] got = java.util.Arrays.copyOfRange(lp.values(), lp.listOffsets()[list],
              lp.listOffsets()[list + 1]);
          assertThat(got).containsExactly(rows[i][l]);
        }
      }
    }
  }

  @Test
  void refusesNullsWithTheRowAndTheColumn() throws Exception {
    Path f = dir.resolve("nulls.parquet");
    sql("COPY (SELECT CASE WHEN i = 2500 THEN NULL ELSE -1.0::DOUBLE END AS chosen_logps,"
        + " CASE WHEN i = 1700 THEN [-1.0, NULL] ELSE [-1.0, -2.0] END AS ref_chosen_logps,"
        + " CASE WHEN i = 900 THEN NULL ELSE [[-1.0]] END AS ref_logprobs"
        + " FROM range(3000) t(i)) TO '" + f + "' (FORMAT parquet, ROW_GROUP_SIZE 1024)");
    assertThat(errorOf(f, "chosen_logps"))
        .isEqualTo("row 2501, column 'chosen_logps': null; expected a number");
    assertThat(errorOf(f, "ref_chosen_logps"))
        .isEqualTo("row 1701, column 'ref_chosen_logps': element 1 is null; expected a number");
    assertThat(errorOf(f, "ref_logprobs"))
        .isEqualTo("row 901, column 'ref_logprobs': null; expected a list of lists of numbers");
  }

  @Test
  void readsNullListsAndNumbersWhereAsked() throws Exception {
    Path f = dir.resolve("nullable.parquet");
    sql("COPY (SELECT * FROM (VALUES (1, [-0.5, '-inf'::DOUBLE], ['a', 'b'], 2.5::DOUBLE),"
        + " (2, NULL, NULL, NULL), (3, [], [], -(0.0::DOUBLE)), (4, [-1e4], ['c'], NULL)) t(i, l, s, d)"
        + " ORDER BY i) TO '" + f + "' (FORMAT parquet)");
    try (ParquetTableReader r = ParquetTableReader.open(f, Set.of("l", "s", "d"))) {
      assertThat(r.columnNames()).containsExactly("i", "l", "s", "d");
      assertThat(r.nextRowGroup()).isTrue();
      DoubleLists l = r.doubleLists("l", true);
      assertThat(List.of(l.isNull(0), l.isNull(1), l.isNull(2), l.isNull(3)))
          .containsExactly(false, true, false, false);
      assertThat(List.of(l.length(0), l.length(1), l.length(2), l.length(3)))
          .containsExactly(2, 0, 0, 1);
      assertThat(l.values()[1]).isEqualTo(Double.NEGATIVE_INFINITY);
      assertThat(l.values()[2]).isEqualTo(-1e4);
      String[][] strings = r.stringLists("s", true);
      assertThat(strings[0]).containsExactly("a", "b");
      assertThat(strings[1]).isNull();
      assertThat(strings[2]).isEmpty();
      assertThat(strings[3]).containsExactly("c");
      double[] d = r.doubles("d", true);
      assertThat(d[0]).isEqualTo(2.5);
      assertThat(d[1]).isNaN();
      assertThat(Double.doubleToRawLongBits(d[2])).isEqualTo(Double.doubleToRawLongBits(-0.0));
      assertThat(d[3]).isNaN();
    }
    try (ParquetTableReader r = ParquetTableReader.open(f, Set.of("l", "s"))) { // once per group
      assertThat(r.nextRowGroup()).isTrue();
      assertThatThrownBy(() -> r.doubleLists("l", false))
          .hasMessage("row 2, column 'l': null; expected a list of numbers");
      assertThatThrownBy(() -> r.stringLists("s", false))
          .hasMessage("row 2, column 's': null; expected a list of strings");
    }
    Path nan = dir.resolve("nan.parquet");
    sql("COPY (SELECT * FROM (VALUES (1, 1.0), (2, 'NaN'::DOUBLE)) t(i, d) ORDER BY i) TO '"
        + nan + "' (FORMAT parquet)");
    try (ParquetTableReader r = ParquetTableReader.open(nan, Set.of("d"))) {
      assertThat(r.nextRowGroup()).isTrue();
      assertThatThrownBy(() -> r.doubles("d", true)) // NaN would read as null
          .hasMessage("row 2, column 'd': NaN; expected a number or null");
    }
  }

  /** The message of the first refusal met reading one column through the whole file. */
  private static String errorOf(Path f, String column) {
    try (ParquetTableReader r = ParquetTableReader.open(f, Set.of(column))) {
      while (r.nextRowGroup()) {
        if (column.equals("chosen_logps")) {
          r.doubles(column, false);
        } else if (column.equals("ref_chosen_logps")) {
          r.doubleLists(column);
        } else {
          r.nestedDoubleLists(column);
        }
      }
      return "no error";
    } catch (DataException e) {
      return e.getMessage();
    }
  }

  @Test
  void refusesShapesTypesAndFilesThatAreNotParquet() throws Exception {
    Path f = dir.resolve("shapes.parquet");
    sql("COPY (SELECT 'a' AS prompt, [1.0] AS reward, {'x': 1.0, 'y': 2.0} AS point,"
        + " 1.5::DECIMAL(4, 1) AS price) TO '" + f + "' (FORMAT parquet)");
    try (ParquetTableReader r = ParquetTableReader.open(f, Set.of("prompt", "reward", "point",
        "price", "absent"))) {
      assertThat(r.has("absent")).isFalse();
      assertThat(r.nextRowGroup()).isTrue();
      assertThatThrownBy(() -> r.doubles("absent", false)).isInstanceOf(DataException.class)
          .hasMessageEndingWith("has no column 'absent'");
      assertThatThrownBy(() -> r.doubles("reward", false))
          .hasMessage("column 'reward' is a list; expected a single value");
      assertThatThrownBy(() -> r.nestedDoubleLists("reward"))
          .hasMessage("column 'reward' is a list; expected a list of lists");
      assertThatThrownBy(() -> r.doubleLists("point"))
          .hasMessage("column 'point' is a struct of 2 fields; expected a list");
      assertThatThrownBy(() -> r.doubles("prompt", false))
          .hasMessageStartingWith("row 1, column 'prompt': holds BINARY");
      assertThat(r.doubles("price", false)).containsExactly(1.5); // DECIMAL, widened exactly
    }
    Path text = dir.resolve("text.parquet");
    Files.writeString(text, "{\"prompt\": \"not parquet\"}\n");
    assertThatThrownBy(() -> ParquetTableReader.open(text, Set.of("prompt")))
        .isInstanceOf(DataException.class)
        .hasMessage(text + " is not a readable Parquet file: the file is not a Parquet file."
            + " Expected magic number at tail, but found [116, 34, 125, 10]"); // t"}\n
    Path truncated = dir.resolve("truncated.parquet");
    byte[] whole = Files.readAllBytes(f);
    Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2));
    assertThatThrownBy(() -> ParquetTableReader.open(truncated, Set.of("prompt")))
        .isInstanceOf(DataException.class);
    assertThatThrownBy(() -> ParquetTableReader.open(dir.resolve("none.parquet"), Set.of()))
        .hasMessageEndingWith("does not exist");
  }

  /**
   * DuckDB's version-2 files: V2 data pages, and encodings other than PLAIN and dictionaries (delta
   * integers and strings, byte-stream-split floats), read through parquet-java's decoders for them;
   * strings repeat, so some are dictionary-encoded; nulls and empty lists on the way.
   */
  @Test
  void readsVersion2PagesAndEveryEncodingDuckDbWrites() throws Exception {
    Path f = dir.resolve("v2.parquet");
    sql("SELECT setseed(0.3)");
    sql("COPY (SELECT i, 'p' || (i % 17) AS prompt, 'r' || i AS response,"
        + " CASE WHEN i % 5 = 0 THEN NULL ELSE -400 * random() END AS x,"
        + " (-random())::FLOAT AS f, -(i * 3) AS n,"
        + " CASE WHEN i % 11 = 0 THEN [] ELSE [-50 - 350 * random(), -1e4 * random()] END AS l"
        + " FROM range(6000) t(i)) TO '" + f + "' (FORMAT parquet, PARQUET_VERSION V2,"
        + " ROW_GROUP_SIZE 2048)");
    List<String> encodings = duck.strings("SELECT DISTINCT encodings FROM parquet_metadata('"
        + f + "')");
    assertThat(String.join(",", encodings)).containsAnyOf("DELTA", "BYTE_STREAM_SPLIT");
    List<Double> x = duck.doubles("SELECT coalesce(x, 'nan'::DOUBLE) FROM '" + f + "'");
    List<Double> fl = duck.doubles("SELECT f::DOUBLE FROM '" + f + "'");
    List<double[]> l = duck.lists("SELECT l FROM '" + f + "'");
    int row = 0;
    try (ParquetTableReader r = ParquetTableReader.open(f, Set.of("i", "prompt", "response", "x",
        "f", "n", "l"))) {
      while (r.nextRowGroup()) {
        double[] i = r.doubles("i", false);
        String[] prompt = r.strings("prompt");
        String[] response = r.strings("response");
        double[] xs = r.doubles("x", true);
        double[] fs = r.doubles("f", false);
        double[] ns = r.doubles("n", false);
        DoubleLists ls = r.doubleLists("l");
        for (int k = 0; k < r.groupRows(); k++, row++) {
          assertThat(i[k]).isEqualTo(row);
          assertThat(prompt[k]).isEqualTo("p" + (row % 17));
          assertThat(response[k]).isEqualTo("r" + row);
          assertThat(Double.doubleToRawLongBits(xs[k])).isEqualTo(
              Double.doubleToRawLongBits(x.get(row)));
          assertThat(fs[k]).isEqualTo(fl.get(row));
          assertThat(ns[k]).isEqualTo(-3.0 * row);
          double[] expected = l.get(row);
          assertThat(ls.length(k)).isEqualTo(expected.length);
          for (int v = 0; v < expected.length; v++) {
            assertThat(ls.values()[ls.offsets()[k] + v]).isEqualTo(expected[v]);
          }
        }
      }
    }
    assertThat(row).isEqualTo(6000);
  }

  @Test
  void readsEveryCodecOtherWritersUse() throws Exception {
    for (String codec : new String[] {"uncompressed", "snappy", "zstd", "gzip"}) {
      Path f = dir.resolve(codec + ".parquet");
      sql("COPY (SELECT -i * 0.25 AS x FROM range(2000) t(i)) TO '" + f
          + "' (FORMAT parquet, COMPRESSION " + codec + ")");
      try (ParquetTableReader r = ParquetTableReader.open(f, Set.of("x"))) {
        double sum = 0;
        while (r.nextRowGroup()) {
          for (double v : r.doubles("x", false)) {
            sum += v;
          }
        }
        assertThat(sum).as(codec).isEqualTo(-0.25 * 1999 * 2000 / 2);
      }
    }
  }

}

package io.github.multiref.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import io.github.multiref.referee.DuckDbTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's own page encoding of top-level strings and doubles, read back by DuckDB and by the
 * reader: dictionaries that pay, dictionaries that do not (PLAIN from the first page), dictionaries
 * that outgrow their limit part way, nulls in every pattern, and page statistics as DuckDB sees
 * them.
 */
class FlatColumnTest extends DuckDbTests {

  @TempDir Path dir;

  private static final TableSchema SCHEMA = TableSchema.of(List.of(
      new TableSchema.Column("repeated", TableSchema.Kind.STRING, false),
      new TableSchema.Column("unique", TableSchema.Kind.STRING, true),
      new TableSchema.Column("large", TableSchema.Kind.STRING, true),
      new TableSchema.Column("score", TableSchema.Kind.DOUBLE, false),
      new TableSchema.Column("bound", TableSchema.Kind.DOUBLE, true)));

  @Test
  void stringsAndNumbersComeBackThroughDuckDbAndTheReader() throws Exception {
    int n = 70_000; // several pages; the large strings outgrow a dictionary part way
    SplittableRandom random = new SplittableRandom(11);
    String[] repeated = new String[n];
    String[] distinct = new String[n];
    String[] large = new String[n];
    double[] score = new double[n];
    Double[] bound = new Double[n];
    String pad = "\u00e9x".repeat(300);
    for (int i = 0; i < n; i++) {
      // runs of a few rows per prompt, as preference data has them, from 40 prompts
      repeated[i] = i % 7 == 0 ? "" : "prompt " + (i / 3) % 40 + " \u4e2d";
      distinct[i] = random.nextInt(10) == 0 ? null : "r" + i;
      // 100 values over and over, then new ones past the dictionary's 1 MB
      large[i] = i % 2 == 1 ? null : pad + (i < 10_000 ? i % 200 : i % 3000);
      score[i] = switch (i % 500) {
        case 0 -> Double.NEGATIVE_INFINITY;
        case 1 -> -0.0;
        case 2 -> Double.MIN_VALUE;
        default -> -400 * random.nextDouble();
      };
      bound[i] = i >= 20_000 && i < 40_000 ? null : random.nextDouble() * 1e-300;
    }
    Path f = dir.resolve("flat.parquet");
    try (ParquetTableWriter w = ParquetTableWriter.create(f, SCHEMA)) {
      w.write((i, row) -> {
        row.string(0, repeated[i]);
        if (distinct[i] != null) { // a slice of a larger array, as a batch holds strings
          byte[] b = ("<<" + distinct[i]).getBytes(java.nio.charset.StandardCharsets.UTF_8);
          row.utf8(1, b, 2, b.length - 2);
        }
        if (large[i] != null) {
          row.string(2, large[i]);
        }
        row.number(3, score[i]);
        if (bound[i] != null) {
          row.number(4, bound[i]);
        }
      }, n);
    }
    String file = "'" + f + "'";
    assertThat(duck.strings("SELECT repeated FROM " + file))
        .containsExactly(repeated);
    assertThat(duck.strings("SELECT \"unique\" FROM " + file)).containsExactly(distinct);
    assertThat(duck.strings("SELECT large FROM " + file)).containsExactly(large);
    List<Double> scores = duck.doubles("SELECT score FROM " + file);
    List<Double> bounds = duck.doubles("SELECT bound FROM " + file);
    for (int i = 0; i < n; i++) {
      assertThat(Double.doubleToRawLongBits(scores.get(i)))
          .isEqualTo(Double.doubleToRawLongBits(score[i]));
      assertThat(bounds.get(i)).isEqualTo(bound[i]);
    }
    // the encodings chosen: a dictionary where values repeat, PLAIN where they do not, both for
    // the strings whose dictionary filled up
    assertThat(duck.strings("SELECT DISTINCT encodings FROM parquet_metadata(" + file
        + ") WHERE path_in_schema = 'repeated'")).allMatch(e -> e.contains("RLE_DICTIONARY"));
    assertThat(duck.strings("SELECT DISTINCT encodings FROM parquet_metadata(" + file
        + ") WHERE path_in_schema = 'unique'")).singleElement().asString()
        .contains("PLAIN").doesNotContain("DICTIONARY");
    assertThat(duck.strings("SELECT DISTINCT encodings FROM parquet_metadata(" + file
        + ") WHERE path_in_schema = 'large'"))
        .anyMatch(e -> e.contains("RLE_DICTIONARY") && e.contains("PLAIN"));
    // the column chunks' statistics (merged from the pages') are the columns' true extremes
    for (String column : List.of("repeated", "unique", "large")) {
      assertThat(duck.strings("SELECT min(stats_min_value) || '|' || max(stats_max_value)"
          + " FROM parquet_metadata(" + file + ") WHERE path_in_schema = '" + column + "'"))
          .containsExactly(String.join("|", duck.strings("SELECT min(\"" + column + "\") FROM "
              + file + " UNION ALL SELECT max(\"" + column + "\") FROM " + file)));
    }
    assertThat(duck.doubles("SELECT sum(stats_null_count) FROM parquet_metadata(" + file
        + ") WHERE path_in_schema = 'bound'")).containsExactly(20_000.0);
    assertThat(duck.doubles("SELECT count(*) FROM " + file + " WHERE score = '-inf'::DOUBLE"))
        .containsExactly((double) n / 500);
    // DuckDB skips row groups and pages by these statistics: a filter must still find its rows
    assertThat(duck.doubles("SELECT count(*) FROM " + file + " WHERE bound IS NULL"))
        .containsExactly(20_000.0);
    long above = Arrays.stream(score).filter(v -> v > -1.0).count();
    assertThat(duck.doubles("SELECT count(*) FROM " + file + " WHERE score > -1.0"))
        .containsExactly((double) above);
    assertThat(duck.doubles("SELECT count(*) FROM " + file + " WHERE \"unique\" = 'r69999'"))
        .containsExactly(distinct[69_999] == null ? 0.0 : 1.0);

    try (ParquetTableReader r = ParquetTableReader.open(f, Set.of("repeated", "unique",
        "large", "score", "bound"))) {
      List<String> got = new ArrayList<>();
      List<String> gotDistinct = new ArrayList<>();
      List<Double> gotBound = new ArrayList<>();
      while (r.nextRowGroup()) {
        got.addAll(List.of(r.strings("repeated")));
        double[] b = r.doubles("bound", true);
        for (double v : b) {
          gotBound.add(Double.isNaN(v) ? null : v);
        }
        Utf8Column unique = r.utf8("unique"); // the undecoded bytes, nulls where null
        for (int row = 0; row < unique.rows(); row++) {
          gotDistinct.add(unique.string(row));
          assertThat(unique.isNull(row)).isEqualTo(unique.string(row) == null);
        }
      }
      assertThat(got).containsExactly(repeated);
      assertThat(gotDistinct).containsExactly(distinct);
      assertThat(gotBound).containsExactly(bound);
    }
  }

  @Test
  void manyRowGroupsEachWithItsOwnDictionary() throws Exception {
    // row groups of 256 KB (compressed): many, every one starting its dictionary afresh
    TableSchema schema = TableSchema.of(List.of(
        new TableSchema.Column("text", TableSchema.Kind.STRING, false)));
    int n = 100_000;
    String pad = "y".repeat(200);
    Path f = dir.resolve("groups.parquet");
    try (ParquetTableWriter w = ParquetTableWriter.create(f, schema, 256 << 10)) {
      w.write((i, row) -> row.string(0, i % 5 == 0 ? pad + i : "short " + i % 100), n);
    }
    assertThat(duck.doubles("SELECT count(DISTINCT row_group_id) FROM parquet_metadata('" + f
        + "')").get(0)).isGreaterThan(3.0);
    assertThat(duck.strings("SELECT DISTINCT encodings FROM parquet_metadata('" + f + "')"))
        .allMatch(e -> e.contains("RLE_DICTIONARY"));
    List<String> text = duck.strings("SELECT text FROM '" + f + "'");
    for (int i = 0; i < n; i++) {
      assertThat(text.get(i)).isEqualTo(i % 5 == 0 ? pad + i : "short " + i % 100);
    }
  }

  /**
   * The statistics' string order, word by word, against the library's unsigned byte comparison,
   * on strings with long common prefixes, bytes above 0x7f and every length from 0 to 80.
   */
  @Test
  void stringOrderIsUnsignedByteOrder() {
    SplittableRandom random = new SplittableRandom(12);
    for (int trial = 0; trial < 200_000; trial++) {
      byte[] a = randomString(random);
      byte[] b = random.nextInt(3) == 0 ? a.clone() : randomString(random);
      if (random.nextBoolean() && a.length > 0 && b.length >= a.length) {
        System.arraycopy(a, 0, b, 0, a.length - 1); // a common prefix, then one byte differs
      }
      int i = random.nextInt(5);
      int j = random.nextInt(5);
      byte[] pa = withLength(a, i);
      byte[] pb = withLength(b, j);
      int expected = Integer.signum(Arrays.compareUnsigned(a, b));
      assertThat(Integer.signum(FlatColumn.compare(pa, i, pb, j)))
          .as("%s vs %s", Arrays.toString(a), Arrays.toString(b))
          .isEqualTo(expected);
    }
  }

  private static byte[] randomString(SplittableRandom random) {
    byte[] s = new byte[random.nextInt(81)];
    int alphabet = random.nextBoolean() ? 2 : 256; // few symbols: long equal runs
    for (int k = 0; k < s.length; k++) {
      s[k] = (byte) (alphabet == 2 ? 0x7f + random.nextInt(2) : random.nextInt(256));
    }
    return s;
  }

  /** {@code s} after {@code at} bytes of padding and its 4-byte little-endian length. */
  private static byte[] withLength(byte[] s, int at) {
    byte[] out = new byte[at + 4 + s.length];
    ByteBuffer.wrap(out, at, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(s.length);
    System.arraycopy(s, 0, out, at + 4, s.length);
    return out;
  }
}

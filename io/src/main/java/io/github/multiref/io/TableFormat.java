package io.github.multiref.io;

import io.github.multiref.api.Stability;
import java.util.Locale;

/** The formats of tables on disk, chosen by the file's name or named outright. */
@Stability(Stability.Status.EXPERIMENTAL)
public enum TableFormat {
  /** One JSON object per line; {@code -Infinity} marks zero mass, as Python's json writes it. */
  JSONL,
  /** Apache Parquet, read by row group and written with Snappy pages. */
  PARQUET,
  /** Comma-separated values, RFC 4180 quoting (outputs only). */
  CSV;

  /**
   * The format named by {@code override} when it is not null, else the one the file's name ends
   * with ({@code .parquet}, {@code .jsonl} or {@code .json}, {@code .csv}); JSONL for standard
   * input ({@code -}) and for names with none of these endings.
   */
  public static TableFormat of(String fileName, TableFormat override) {
    if (override != null) {
      return override;
    }
    String name = fileName == null ? "-" : fileName.toLowerCase(Locale.ROOT);
    if (name.endsWith(".parquet") || name.endsWith(".pq")) {
      return PARQUET;
    }
    if (name.endsWith(".csv")) {
      return CSV;
    }
    return JSONL;
  }
}

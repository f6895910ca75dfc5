package io.github.multiref.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Any bytes at all, read as a Parquet table in every shape a command asks for, end in values or a
 * {@link DataException} with a one-line message: never another exception, a hang or an {@code
 * OutOfMemoryError}. In the build this runs the corpus kept next to it (valid files written by
 * DuckDB, and malformed ones), then a bounded coverage-guided run mutating them (Jazzer; see the
 * pom's fuzz execution).
 */
class ParquetReaderFuzzTest {

  private static final List<String> COLUMNS = List.of("prompt", "chosen", "rejected",
      "chosen_logps", "rejected_logps", "ref_chosen_logps", "ref_rejected_logps", "responses",
      "reward", "ref_logprobs");

  private static Path file;

  private static synchronized Path file() throws IOException {
    if (file == null) {
      file = Files.createTempFile("fuzz", ".parquet");
      file.toFile().deleteOnExit();
    }
    return file;
  }

  @FuzzTest(maxDuration = "30s")
  void anyBytesGiveATableOrARefusal(byte[] data) throws IOException {
    Path f = file();
    Files.write(f, data);
    try (ParquetTableReader r = ParquetTableReader.open(f, COLUMNS)) {
      while (r.nextRowGroup()) {
        for (String column : COLUMNS) {
          if (r.has(column)) {
            readEveryWay(r, column);
          }
        }
      }
    } catch (DataException e) {
      assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
    }
  }

  /** Each shape the commands read, each refused on its own. */
  private static void readEveryWay(ParquetTableReader r, String column) {
    Runnable[] reads = {
        () -> r.doubles(column, true), () -> r.strings(column), () -> r.utf8(column),
        () -> r.doubleLists(column), () -> r.nestedDoubleLists(column),
        () -> r.stringLists(column)};
    for (Runnable read : reads) {
      try {
        read.run();
      } catch (DataException e) {
        assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
      }
    }
  }
}

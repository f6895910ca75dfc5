package io.github.multiref.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.multiref.io.TableFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any bytes, read as a JSONL file of pairs (dpo-score's and join-references' reader) and line by
 * line as solve's prompts, end in records or in one refusal whose message is one line naming
 * where: never another exception, a hang or an {@code OutOfMemoryError}. The build replays the
 * corpus kept next to it, then fuzzes for a bounded time (Jazzer; see the pom).
 */
class JsonlReaderFuzzTest {

  private static Path file;

  private static synchronized Path file() throws IOException {
    if (file == null) {
      file = Files.createTempFile("fuzz", ".jsonl");
      file.toFile().deleteOnExit();
    }
    return file;
  }

  @FuzzTest(maxDuration = "30s")
  void anyLinesGiveRecordsOrAOneLineRefusal(byte[] data) throws IOException {
    Path f = file();
    Files.write(f, data);
    for (boolean policy : new boolean[] {true, false}) {
      try (PairReader pairs = PairReader.open(f.toString(), TableFormat.JSONL, policy)) {
        pairs.forEach((position, keys, keyRow, chosen, rejected, rc, rcAt, rr, rrAt, k) -> {
          assertThat(k).isPositive();
          for (int i = 0; i < k; i++) { // what the reader lets through is a log-probability
            assertThat(rc[rcAt + i]).isFinite().isLessThanOrEqualTo(1e-12);
            assertThat(rr[rrAt + i]).isFinite().isLessThanOrEqualTo(1e-12);
          }
        });
      } catch (IllegalArgumentException | InputException e) { // JsonLine's and the reader's
        assertOneLine(e);
      }
    }
    long line = 0;
    for (String text : new String(data, StandardCharsets.UTF_8).split("\n", -1)) {
      line++;
      if (text.isBlank()) {
        continue;
      }
      try {
        PromptRecord r = SolveCommand.read(line, text);
        for (double[] lp : r.refLogprobs()) {
          assertThat(lp).hasSize(r.size());
        }
      } catch (IllegalArgumentException | InputException e) { // JsonLine's and solve's own
        assertOneLine(e);
      }
      try {
        EstimateCommand.Samples s = EstimateCommand.read(line, text);
        assertThat(s.proposal()).hasSize(s.record().size());
        for (double q : s.proposal()) {
          assertThat(q).isFinite().isLessThanOrEqualTo(1e-12);
        }
      } catch (IllegalArgumentException | InputException e) { // and estimate's
        assertOneLine(e);
      }
    }
  }

  private static void assertOneLine(RuntimeException e) {
    assertThat(e.getMessage()).isNotBlank().doesNotContain("\n").matches("(?s)line \\d+.*");
  }
}

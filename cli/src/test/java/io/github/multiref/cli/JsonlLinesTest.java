package io.github.multiref.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two JSONL line readers, the parallel blocks ({@link JsonlBlocks}) and the line reader of
 * {@link CliIo#open}, split lines as {@link BufferedReader#readLine} does (line feed, carriage
 * return, both; a last line without an end), whatever the block boundaries, also for lines longer
 * than a block; and bytes that are not UTF-8 are refused with the number of the line they are on.
 */
class JsonlLinesTest {

  @TempDir Path dir;

  /** Random text of short and long lines, every kind of line end, blank lines and non-ASCII. */
  private static String text(SplittableRandom rng, int lines) {
    String[] ends = {"\n", "\r", "\r\n", "\n\n", "\r\r\n"};
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      int length = rng.nextInt(20) == 0 ? rng.nextInt(1 << 21) : rng.nextInt(200);
      for (int j = 0; j < length; j++) {
        int c = rng.nextInt(100);
        b.append(c < 90 ? (char) ('a' + rng.nextInt(26)) : c < 95 ? 'é' : c < 98 ? '\u4e2d'
            : "\ud83d\ude00");
      }
      b.append(ends[rng.nextInt(ends.length)]);
    }
    if (rng.nextBoolean()) {
      b.append("last line without an end");
    }
    return b.toString();
  }

  private static List<String> expected(String text) throws IOException {
    List<String> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new StringReader(text))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        out.add(line);
      }
    }
    return out;
  }

  @Test
  void bothReadersSplitLinesAsReadLineDoes() throws IOException {
    SplittableRandom rng = new SplittableRandom(20261202);
    for (int trial = 0; trial < 12; trial++) {
      String text = text(rng, 1 + rng.nextInt(400));
      List<String> expected = expected(text);
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      List<String> blocks = new ArrayList<>();
      List<Long> numbers = new ArrayList<>();
      JsonlBlocks.run(new ByteArrayInputStream(bytes), 1 + trial % 3, block -> {
        List<Object[]> lines = new ArrayList<>();
        block.forEachLine((number, b, from, to) ->
            lines.add(new Object[] {number, JsonlBlocks.text(number, b, from, to)}));
        return lines;
      }, lines -> {
        for (Object[] line : lines) {
          numbers.add((Long) line[0]);
          blocks.add((String) line[1]);
        }
      });
      assertThat(blocks).as("trial %d, blocks", trial).isEqualTo(expected);
      for (int i = 0; i < numbers.size(); i++) {
        assertThat(numbers.get(i)).isEqualTo(i + 1L);
      }
      Path file = dir.resolve("t" + trial + ".jsonl");
      Files.write(file, bytes);
      List<String> read = new ArrayList<>();
      try (BufferedReader r = CliIo.open(file.toString())) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          read.add(line);
        }
      }
      assertThat(read).as("trial %d, CliIo.open", trial).isEqualTo(expected);
    }
  }

  /** Endless bytes without a line end after one good line: a file that is not JSONL. */
  private static java.io.InputStream endlessLine() {
    return new java.io.InputStream() {
      private int head = 0;

      @Override
      public int read() {
        return head++ == 0 ? '\n' : 'a';
      }

      @Override
      public int read(byte[] b, int off, int len) {
        java.util.Arrays.fill(b, off, off + len, (byte) 'a');
        if (head++ == 0) {
          b[off] = '\n';
        }
        return len;
      }
    };
  }

  /** The word-at-a-time scan for line ends against the byte loop, on bytes of every value. */
  @Test
  void theLineEndScanFindsWhatTheByteLoopFinds() {
    SplittableRandom rng = new SplittableRandom(41);
    for (int trial = 0; trial < 2000; trial++) {
      byte[] b = new byte[rng.nextInt(1, 80)];
      for (int i = 0; i < b.length; i++) { // mostly bytes next to 10 and 13, with every high bit
        int kind = rng.nextInt(6);
        b[i] = (byte) (kind == 0 ? '\n' : kind == 1 ? '\r' : kind == 2 ? 10 + 128 : kind == 3
            ? rng.nextInt(9, 15) : rng.nextInt(256));
      }
      int from = rng.nextInt(b.length);
      int to = rng.nextInt(from, b.length + 1);
      int expected = to;
      for (int i = from; i < to; i++) {
        if (b[i] == '\n' || b[i] == '\r') {
          expected = i;
          break;
        }
      }
      assertThat(JsonlBlocks.nextLineEnd(b, from, to)).as("trial %d", trial).isEqualTo(expected);
    }
  }

  @Test
  void aLineLongerThanTheLimitIsRefusedNotReadWhole() throws IOException {
    assertThatThrownBy(() -> JsonlBlocks.run(endlessLine(), 2, block -> block, block -> { }))
        .hasMessage("line 2: is longer than 256 MB; a JSONL line holds one record");
  }

  /** 5000 lines of pairs, the one at 4000 with a byte that is not UTF-8 inside its prompt. */
  private Path badAtLine4000(String name, String template) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int i = 1; i <= 5000; i++) {
      b.append(template.replace("#", Integer.toString(i))).append('\n');
    }
    byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
    String marker = "\"q4000\"";
    int at = b.indexOf(marker) + 2; // ASCII before it: the char index is the byte index
    bytes[at] = (byte) 0xff;
    Path file = dir.resolve(name);
    Files.write(file, bytes);
    return file;
  }

  @Test
  void bytesThatAreNotUtf8AreRefusedWithTheirLine() throws IOException {
    Path pairs = badAtLine4000("pairs.jsonl", "{\"prompt\": \"q#\", \"chosen\": \"a\","
        + " \"rejected\": \"b\", \"chosen_logps\": -55.5, \"rejected_logps\": -61.0,"
        + " \"ref_chosen_logps\": [-57.0, -54.0], \"ref_rejected_logps\": [-60.0, -62.5]}");
    String refusal = "line 4000: holds bytes that are not UTF-8 text; JSONL is UTF-8";
    CliTests.assertRefused(refusal, "dpo-score", "--input", pairs.toString(), "--beta", "0.1",
        "--output", dir.resolve("scores.jsonl").toString());
    CliTests.assertRefused(refusal, "fit-reward", "--pairs", pairs.toString(), "--output",
        dir.resolve("reward.json").toString());
    Path prompts = badAtLine4000("prompts.jsonl", "{\"prompt\": \"q#\", \"responses\":"
        + " [\"a\", \"b\"], \"reward\": [0, 1], \"ref_logprobs\": [[-1.5, -2.5]]}");
    CliTests.assertRefused(refusal, "solve", "--input", prompts.toString(), "--beta", "0.1",
        "--output", dir.resolve("out.jsonl").toString());
    assertThatThrownBy(() -> JsonlBlocks.text(7, new byte[] {'a', (byte) 0xc3}, 0, 2))
        .hasMessage("line 7: holds bytes that are not UTF-8 text; JSONL is UTF-8");
  }
}

package io.github.multiref.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiref.rewards.io.JsonLine;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The streaming fast path of dpo-score's reader against {@link JsonLine}, the reader it stands in
 * for: on every line it accepts it gives the same numbers and key text, and it accepts no line
 * that JsonLine refuses (those must reach JsonLine, whose message names the problem).
 */
class PairLineTest {

  private static final String GOOD = "{\"chosen_logps\": -1.5, \"rejected_logps\": -2,"
      + " \"ref_chosen_logps\": [-1.25, -1e2], \"ref_rejected_logps\": [-3, -0.0]}";

  /** What JsonLine reads, as dpo-score reads it: null if it refuses the line. */
  private static double[] viaJsonLine(String text, StringBuilder keys) {
    try {
      JsonLine f = JsonLine.parse(7, text);
      double c = f.logProbability("chosen_logps");
      double r = f.logProbability("rejected_logps");
      double[] rc = f.logProbabilities("ref_chosen_logps", -1, "ref_chosen_logps");
      double[] rr = f.logProbabilities("ref_rejected_logps", rc.length, "ref_chosen_logps");
      for (String key : new String[] {"prompt", "chosen", "rejected"}) {
        String v = f.json(key);
        if (v != null) {
          keys.append('"').append(key).append("\":").append(v).append(',');
        }
      }
      double[] out = new double[2 + 2 * rc.length];
      out[0] = c;
      out[1] = r;
      System.arraycopy(rc, 0, out, 2, rc.length);
      System.arraycopy(rr, 0, out, 2 + rc.length, rr.length);
      return out;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The line as the JSONL reader hands it over: its UTF-8 bytes. */
  private static boolean read(PairLine fast, String text) {
    byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return fast.read(bytes, 0, bytes.length);
  }

  private static void check(PairLine fast, String text, boolean mustBeFast) {
    StringBuilder keys = new StringBuilder();
    double[] expected = viaJsonLine(text, keys);
    boolean accepted = read(fast, text);
    if (mustBeFast) {
      assertThat(accepted).as("the fast path takes %s", text).isTrue();
    }
    if (!accepted) {
      return;
    }
    assertThat(expected).as("JsonLine refuses %s, which the fast path took", text).isNotNull();
    int k = fast.references;
    double[] actual = new double[2 + 2 * k];
    actual[0] = fast.chosen;
    actual[1] = fast.rejected;
    System.arraycopy(fast.refChosen, 0, actual, 2, k);
    System.arraycopy(fast.refRejected, 0, actual, 2 + k, k);
    assertThat(actual).as(text).containsExactly(expected);
    assertThat(fast.keys.toString()).as(text).isEqualTo(keys.toString());
  }

  @Test
  void usualLinesTakeTheFastPathAndAgree() {
    PairLine fast = new PairLine();
    for (String text : List.of(GOOD,
        "{\"prompt\": \"Why \\\"so\\\"?\\n\\u00e9\", \"chosen\": \"Because.\", \"rejected\": \"No.\","
            + " \"chosen_logps\": -55.5, \"rejected_logps\": -61.25, \"ref_chosen_logps\": -57.0,"
            + " \"ref_rejected_logps\": -60.0}",
        "{\"extra\": {\"nested\": [1, {\"a\": null}]}, \"ref_rejected_logps\": [-1], \"chosen_logps\":"
            + " -1, \"ref_chosen_logps\": -2, \"rejected_logps\": 1e-13}",
        "{\"chosen_logps\": -123456789012345678901234567890, \"rejected_logps\": -2.5e-320,"
            + " \"ref_chosen_logps\": [-1, -2, -3, -4, -5, -6, -7, -8, -9], \"ref_rejected_logps\":"
            + " [-1, -2, -3, -4, -5, -6, -7, -8, -9]}")) {
      check(fast, text, true);
    }
    SplittableRandom rng = new SplittableRandom(3);
    for (int i = 0; i < 20_000; i++) {
      int k = 1 + rng.nextInt(5);
      StringBuilder b = new StringBuilder("{\"prompt\": \"p" + i + "\", \"chosen_logps\": ")
          .append(-rng.nextDouble(0, 1e4)).append(", \"rejected_logps\": ")
          .append(-rng.nextDouble(0, 1e4));
      for (String side : new String[] {"ref_chosen_logps", "ref_rejected_logps"}) {
        b.append(", \"").append(side).append("\": [");
        for (int j = 0; j < k; j++) {
          b.append(j == 0 ? "" : ", ").append(-rng.nextDouble(0, 1e4));
        }
        b.append(']');
      }
      check(fast, b.append('}').toString(), true);
    }
  }

  @Test
  void everyLineJsonLineRefusesOrReadsDifferentlyIsLeftToIt() {
    PairLine fast = new PairLine();
    List<String> unusual = List.of("", "[]", "null", "{", GOOD + " trailing", GOOD + "}",
        GOOD.replace("-1.5", "NaN"), GOOD.replace("-1.5", "Infinity"),
        GOOD.replace("-1.5", "-Infinity"), GOOD.replace("-1.5", "0.5"),
        GOOD.replace("-1.5", "\"-1.5\""), GOOD.replace("-1.5", "null"),
        GOOD.replace("[-1.25, -1e2]", "[]"), GOOD.replace("[-1.25, -1e2]", "[-1.25]"),
        GOOD.replace("[-1.25, -1e2]", "[-1.25, null]"), GOOD.replace("[-1.25, -1e2]", "[-1.25, [1]]"),
        GOOD.replace("[-1.25, -1e2]", "-1.25"), GOOD.replace("[-3, -0.0]", "-3"),
        GOOD.replace("\"chosen_logps\": -1.5,", ""), GOOD.replace("\"ref_rejected_logps\"", "\"x\""),
        GOOD.replace("{", "{\"chosen_logps\": -9, "), GOOD.replace("{", "{\"prompt\": 3, "),
        GOOD.replace("{", "{\"prompt\": \"a\", \"prompt\": \"b\", "),
        GOOD.replace("{", "{\"chosen\": [\"x\"], "), GOOD.replace("-1e2", "1e300"),
        GOOD.replace("-1e2", "-1e400"));
    for (String text : unusual) {
      check(fast, text, false);
    }
    // and each of these is one the fast path declines, so JsonLine's message is the one shown
    for (String text : List.of(GOOD.replace("-1.5", "NaN"), GOOD.replace("[-3, -0.0]", "[-3]"),
        GOOD.replace("{", "{\"prompt\": \"a\", \"prompt\": \"b\", "))) {
      assertThat(read(fast, text)).as(text).isFalse();
    }
    assertThat(read(fast, GOOD)).isTrue();
  }

  /**
   * The scanner (the plainest lines, no parser) against Jackson's streaming parser: on every line
   * it takes, the same doubles bit for bit and the same key text; it takes the plain lines that
   * writers write (Python's json.dumps, Jackson, hand spacing), and leaves escapes, long integers
   * and anything unusual to the parser.
   */
  @Test
  void theScannerReadsWhatTheParserReadsBitForBit() {
    SplittableRandom rng = new SplittableRandom(29);
    String[] spaces = {"", " ", "  ", "\t", " \r "};
    int scanned = 0;
    for (int i = 0; i < 30_000; i++) {
      String sp = spaces[rng.nextInt(spaces.length)];
      int k = 1 + rng.nextInt(4);
      List<String> fields = new java.util.ArrayList<>();
      fields.add(q("prompt") + sp + ":" + sp + q(rng.nextInt(9) == 0 ? "caf\u00e9 \u4f60 " + i
          : rng.nextInt(20) == 0 ? "esc\\\"aped" : "p" + i));
      if (rng.nextBoolean()) {
        fields.add(q("chosen") + ":" + sp + q("c" + i));
        fields.add(q("rejected") + ":" + q("r" + i));
      }
      fields.add(q("chosen_logps") + ":" + sp + number(rng));
      fields.add(q("rejected_logps") + sp + ":" + number(rng));
      for (String side : new String[] {"ref_chosen_logps", "ref_rejected_logps"}) {
        StringBuilder v = new StringBuilder();
        if (k == 1 && rng.nextBoolean()) {
          v.append(number(rng));
        } else {
          v.append('[').append(sp);
          for (int j = 0; j < k; j++) {
            v.append(j == 0 ? "" : "," + sp).append(number(rng));
          }
          v.append(sp).append(']');
        }
        fields.add(q(side) + ":" + sp + v);
      }
      java.util.Collections.shuffle(fields, new java.util.Random(i));
      String text = sp + "{" + sp + String.join("," + sp, fields) + sp + "}" + sp;
      byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      PairLine scanner = new PairLine();
      PairLine parser = new PairLine();
      boolean parsed = parser.parsed(bytes, 0, bytes.length);
      if (!scanner.scan(bytes, 0, bytes.length)) {
        continue;
      }
      scanned++;
      assertThat(parsed).as("the parser refuses %s, which the scanner took", text).isTrue();
      assertThat(Double.doubleToRawLongBits(scanner.chosen)).as(text)
          .isEqualTo(Double.doubleToRawLongBits(parser.chosen));
      assertThat(Double.doubleToRawLongBits(scanner.rejected)).as(text)
          .isEqualTo(Double.doubleToRawLongBits(parser.rejected));
      assertThat(scanner.references).as(text).isEqualTo(parser.references);
      for (int j = 0; j < parser.references; j++) {
        assertThat(Double.doubleToRawLongBits(scanner.refChosen[j])).as(text)
            .isEqualTo(Double.doubleToRawLongBits(parser.refChosen[j]));
        assertThat(Double.doubleToRawLongBits(scanner.refRejected[j])).as(text)
            .isEqualTo(Double.doubleToRawLongBits(parser.refRejected[j]));
      }
      assertThat(scanner.keys.toString()).as(text).isEqualTo(parser.keys.toString());
    }
    assertThat(scanned).as("lines the scanner took").isGreaterThan(25_000);
    // an integer -0 is the long 0 to the parser, so 0.0, not -0.0
    PairLine p = new PairLine();
    byte[] zero = GOOD.replace("-1.5", "-0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.scan(zero, 0, zero.length)).isTrue();
    assertThat(Double.doubleToRawLongBits(p.chosen)).isEqualTo(Double.doubleToRawLongBits(0.0));
  }

  private static String q(String s) {
    return "\"" + s + "\"";
  }

  /** A log-probability as writers print it: shortest repr, integers, exponents, -0, subnormals. */
  private static String number(SplittableRandom rng) {
    switch (rng.nextInt(8)) {
      case 0:
        return Integer.toString(-rng.nextInt(1000));
      case 1:
        return rng.nextBoolean() ? "-0" : "-0.0";
      case 2:
        return String.format(java.util.Locale.ROOT, "%.17g", -rng.nextDouble(0, 400));
      case 3:
        return "-" + rng.nextInt(1, 10) + "." + rng.nextInt(1000) + (rng.nextBoolean() ? "e" : "E")
            + (rng.nextBoolean() ? "-" : "+") + rng.nextInt(330);
      case 4:
        return Double.toString(-Double.MIN_VALUE * rng.nextInt(1, 1000));
      case 5:
        return "-" + rng.nextLong(1L, 999_999_999_999_999_999L);
      default:
        return Double.toString(-rng.nextDouble(0, 1e4));
    }
  }
}

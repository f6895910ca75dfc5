package io.github.multiref.rewards.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fast paths of JsonLine give what Jackson's own generator and the JDK give. */
class JsonLineTest {

  @Test
  void textCopiedBackIsQuotedAsTheMapperQuotesIt() throws Exception {
    String[] samples = {"plain", "", "quote \" and backslash \\", "tab\tnewline\nreturn\r",
        "\u0000\u0001\u001f\u007f", "caf\u00e9 \u4e2d\u6587 \ud83d\ude00", "</script>", "\u2028\u2029"};
    for (String s : samples) {
      JsonLine line = JsonLine.parse(1, JsonLine.MAPPER.writeValueAsString(
          JsonLine.MAPPER.createObjectNode().put("prompt", s)));
      assertThat(line.json("prompt")).as(s)
          .isEqualTo(JsonLine.MAPPER.writeValueAsString(TextNode.valueOf(s)));
    }
  }

  @Test
  void numbersAreReadAndWrittenExactly() {
    SplittableRandom rng = new SplittableRandom(5);
    for (int i = 0; i < 200_000; i++) {
      double v = i % 2 == 0 ? -rng.nextDouble(0, 1e4)
          : Double.longBitsToDouble(rng.nextLong() & 0x7fefffffffffffffL) * (i % 3 == 0 ? -1 : 1);
      String text = JsonLine.number(v);
      assertThat(Double.parseDouble(text)).as(text).isEqualTo(v);
      JsonLine line = JsonLine.parse(1, "{\"x\": " + text + ", \"y\": " + Double.toString(v) + "}");
      assertThat(line.finiteNumber("x")).as(text).isEqualTo(v);
      assertThat(line.finiteNumber("y")).as(Double.toString(v)).isEqualTo(v);
    }
    assertThat(JsonLine.number(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
  }
}

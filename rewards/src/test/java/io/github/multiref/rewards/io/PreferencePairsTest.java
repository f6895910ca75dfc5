package io.github.multiref.rewards.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.multiref.rewards.PreferenceData;
import java.io.BufferedReader;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreferencePairsTest {

  @Test
  void pairsRoundTripThroughJsonl() throws Exception {
    List<PreferencePair> pairs = List.of(
        new PreferencePair("q1", "a", "b", -1.5, -2.5, new double[] {-1.0, -2.0},
            new double[] {-3.0, -1e4}),
        PreferencePair.of("q2, with \"quotes\"", "x", "y"));
    StringWriter out = new StringWriter();
    for (PreferencePair p : pairs) {
      PreferencePairs.write(p, out);
    }
    Iterator<PreferencePair> read = PreferencePairs.read(
        new BufferedReader(new StringReader(out + "\n\n")));
    PreferencePair first = read.next();
    assertThat(first.prompt()).isEqualTo("q1");
    assertThat(first.chosenLogps()).isEqualTo(-1.5);
    assertThat(first.refChosenLogps()).containsExactly(-1.0, -2.0);
    assertThat(first.refRejectedLogps()).containsExactly(-3.0, -1e4);
    PreferencePair second = read.next();
    assertThat(second.prompt()).isEqualTo("q2, with \"quotes\"");
    assertThat(second.chosenLogps()).isNull();
    assertThat(second.refChosenLogps()).isNull();
    assertThat(read.hasNext()).isFalse();
  }

  @Test
  void pairsBecomeIndexedData() {
    String lines = "{\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"b\"}\n"
        + "{\"prompt\": \"p\", \"chosen\": \"c\", \"rejected\": \"a\"}\n"
        + "{\"prompt\": \"r\", \"chosen\": \"a\", \"rejected\": \"z\"}\n";
    PreferenceData data = PreferencePairs.toData(PreferencePairs.read(
        new BufferedReader(new StringReader(lines))));
    assertThat(data.size()).isEqualTo(3);
    assertThat(data.prompts()).isEqualTo(2);
    assertThat(data.responses(0)).isEqualTo(3);
    assertThat(data.responseLabel(0, data.ranked(1, 0))).isEqualTo("c");
    assertThat(data.promptLabel(data.prompt(2))).isEqualTo("r");
  }

  @Test
  void malformedLinesNameLineAndField() {
    String lines = "{\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"b\"}\n"
        + "{\"prompt\": \"p\", \"chosen\": 3, \"rejected\": \"b\"}\n";
    Iterator<PreferencePair> read = PreferencePairs.read(
        new BufferedReader(new StringReader(lines)));
    read.next();
    assertThatThrownBy(read::next).hasMessage("line 2: field 'chosen' must be a string, got 3");
    assertThatThrownBy(() -> PreferencePairs.parse(7, "{\"prompt\": \"p\", \"chosen\": \"a\","
        + " \"rejected\": \"b\", \"ref_chosen_logps\": [-1, -2], \"ref_rejected_logps\": [-1]}"))
        .hasMessage("line 7: field 'ref_rejected_logps' has 1 entries but 'ref_chosen_logps' has 2");
    assertThatThrownBy(() -> PreferencePairs.parse(3, "{\"prompt\": \"p\", \"chosen\": \"a\","
        + " \"rejected\": \"b\", \"chosen_logps\": NaN}"))
        .hasMessage("line 3: field 'chosen_logps' is NaN; expected a finite number");
  }
}

package io.github.multiref.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-token experiment: its config, its measurements, its reports. */
class TokenExperimentTest {

  @TempDir Path tmp;

  private static final String CONFIG = """
      {"experiment": "per-token", "vocabulary": 3, "length": 4, "temperatures": [1, 1.5],
       "spread": 2, "disagreement": 1, "alpha": [0.5, 0.5], "beta": 1, "sequence_reward": 1,
       "seeds": 3, "seed": 5,
       "sweeps": {"disagreement": [0, 2], "alpha": [0, 0.5, 1], "length": [1, 3]},
       "estimator": {"samples": [64, 256, 1024, 4096], "repetitions": 60}}
      """;

  @Test
  void theGapsVanishExactlyWhereTheEnsemblesAreExactAndNowhereElse() throws Exception {
    TokenExperiment.Result r = TokenExperiment.run(TokenExperiment.parse(CONFIG), p -> { });
    for (String policy : TokenExperiment.ENSEMBLES) {
      Map<Double, Double> d = TokenExperiment.meanGaps(r, "disagreement", policy);
      // identical references need not be at disagreement 0: the temperatures differ
      assertThat(d.get(2.0)).as(policy).isGreaterThan(1e-3);
      Map<Double, Double> a = TokenExperiment.meanGaps(r, "alpha", policy);
      assertThat(a.get(0.0)).as(policy).isCloseTo(0, within(1e-12)); // one reference
      assertThat(a.get(1.0)).as(policy).isCloseTo(0, within(1e-12));
      assertThat(a.get(0.5)).as(policy).isGreaterThan(1e-4);
    }
    // one token: the geometric ensemble is the escort, so it is exact
    assertThat(TokenExperiment.meanGaps(r, "length", "geometric-tilted").get(1.0))
        .isCloseTo(0, within(1e-12));
    for (TokenExperiment.Row row : r.rows()) {
      assertThat(row.measured().reverseGap()).as(row.toString()).isGreaterThanOrEqualTo(-1e-12);
    }
    assertThat(r.estimatorSlope()).isBetween(-0.62, -0.38);
    for (TokenExperiment.EstimatorRow e : r.estimator()) {
      assertThat(e.coverage()).as("N = " + e.samples()).isGreaterThan(0.85);
    }
    TokenExperiment.write(r, tmp);
    assertThat(tmp.resolve("gap-vs-alpha.png")).exists();
    assertThat(tmp.resolve("estimator-error.png")).exists();
    assertThat(Files.readAllLines(tmp.resolve("results.csv"))).hasSize(1 + 7 * 3 * 7);
    assertThat(tmp.resolve("report.md")).content().contains("| alpha | geometric-tilted");
  }

  @Test
  void characterNgramReferencesTrainedOnAUsersTextFile() throws Exception {
    Path text = tmp.resolve("text.txt");
    Files.writeString(text, "the cat sat on the mat and the rat ate the hat that sat there\n"
        .repeat(20));
    String config = """
        {"experiment": "per-token", "ngram": {"text": "%s", "orders": [1, 3]},
         "length": 5, "alpha": [0.5, 0.5], "beta": 0.5, "seeds": 2, "seed": 1,
         "sweeps": {"alpha": [0, 0.5, 1], "length": [1, 5]}}
        """.formatted(text.toString().replace("\\", "\\\\"));
    TokenExperiment.Config c = TokenExperiment.parse(config);
    // the six most frequent characters, most frequent first (ties in character order)
    assertThat(c.base().ngrams().get(0).alphabet()).isEqualTo(" taehn");
    TokenExperiment.Result r = TokenExperiment.run(c, p -> { });
    for (String policy : TokenExperiment.ENSEMBLES) {
      assertThat(TokenExperiment.meanGaps(r, "alpha", policy).get(0.0)).isCloseTo(0,
          within(1e-12));
      assertThat(TokenExperiment.meanGaps(r, "alpha", policy).get(0.5)).isGreaterThan(1e-6);
    }
    assertThat(TokenExperiment.tables(r)).contains("K = 2 character n-gram models of orders"
        + " [1, 3] over the alphabet ' taehn'");
    assertThatThrownBy(() -> TokenExperiment.parse(config.replace("\"length\": [1, 5]",
        "\"temperature\": [1, 2]"))).hasMessageContaining("sweeps.temperature changes the"
        + " synthetic references");
  }

  @Test
  void badConfigsAreRefusedNamingTheField() {
    assertThatThrownBy(() -> TokenExperiment.parse(CONFIG.replace("\"seeds\"", "\"seedz\"")))
        .hasMessageStartingWith("unknown key 'seedz'; did you mean 'seeds'?");
    assertThatThrownBy(() -> TokenExperiment.parse(CONFIG.replace("\"length\": [1, 3]",
        "\"length\": [1, 30]"))).hasMessage("sweeps.length value 30.0: vocabulary^length = 3^30"
        + " leaves; an experiment's trees are kept to 2^20 leaves");
    assertThatThrownBy(() -> TokenExperiment.parse(CONFIG.replace("\"alpha\": [0.5, 0.5]",
        "\"alpha\": [0.5, 0.6]"))).hasMessage("alpha must sum to 1, got 1.1");
    assertThatThrownBy(() -> TokenExperiment.parse(CONFIG.replace("\"disagreement\": [0, 2]",
        "\"depth\": [0, 2]"))).hasMessageStartingWith("unknown key 'sweeps.depth'");
    assertThat(TokenExperiment.isFor(CONFIG)).isTrue();
    assertThat(TokenExperiment.isFor("{\"bandit\": {}}")).isFalse();
  }
}

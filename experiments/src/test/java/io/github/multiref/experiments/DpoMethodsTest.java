package io.github.multiref.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.rewards.BradleyTerry;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code dpo:SCHEME} methods beside the exact ones in the bandit experiment. */
class DpoMethodsTest {

  private static String config(String methods) {
    return "{\"bandit\": {\"prompts\": 3, \"responses\": 4, \"temperature\": 1.0, \"alpha\":"
        + " [0.5, 0.5], \"beta\": 0.5, \"r_max\": 1.0}, \"reward_class\": {\"kind\":"
        + " \"tabular\", \"l2\": 0.0001}, \"sampling\": \"escort\", \"model\": \"bt\","
        + " \"methods\": " + methods + ", \"n\": [400, 1600], \"trials\": 3, \"delta\": 0.05,"
        + " \"seed\": 9}";
  }

  @Test
  void dpoWithTheConfigsWeightsIsTheExactRklPolicyOfTheLearnedReward() {
    Experiment.Result r = Experiment.run(ExperimentConfig.parse(config(
        "[\"rkl\", \"dpo:config\", \"dpo:vertex:2\", \"dpo:mrpo-adaptive\", \"dpo:bound\","
            + " \"dpo:thompson\"]")), BradleyTerry.INSTANCE, done -> { });
    Map<String, List<Experiment.Row>> byMethod = r.rows().stream()
        .collect(Collectors.groupingBy(Experiment.Row::method));
    List<Experiment.Row> rkl = byMethod.get("rkl");
    List<Experiment.Row> dpo = byMethod.get("dpo:config");
    assertThat(dpo).hasSameSizeAs(rkl);
    for (int i = 0; i < rkl.size(); i++) { // same trial, same data, the DPO-RLHF equivalence
      assertThat(dpo.get(i).n()).isEqualTo(rkl.get(i).n());
      assertThat(dpo.get(i).subOptimality()).isCloseTo(rkl.get(i).subOptimality(),
          within(1e-4));
    }
    for (String m : List.of("dpo:vertex:2", "dpo:mrpo-adaptive", "dpo:bound", "dpo:thompson")) {
      assertThat(byMethod.get(m)).as(m).hasSize(rkl.size())
          .allSatisfy(row -> assertThat(row.subOptimality()).isGreaterThan(-1e-9));
    }
    // one reference alone is judged by the two-reference objective: it gives up more of it
    double vertex = byMethod.get("dpo:vertex:2").stream()
        .mapToDouble(Experiment.Row::subOptimality).average().orElseThrow();
    double config = dpo.stream().mapToDouble(Experiment.Row::subOptimality).average()
        .orElseThrow();
    assertThat(vertex).isGreaterThan(config);
  }

  @Test
  void unknownSchemesAreRefusedNamingTheKnownOnes() {
    assertThatThrownBy(() -> ExperimentConfig.parse(config("[\"dpo:grid\"]")))
        .hasMessageContaining("unknown method 'dpo:grid'")
        .hasMessageContaining("dpo:SCHEME (SCHEME one of [config, vertex:I, mrpo-adaptive,");
    assertThat(ExperimentMethod.parse("dpo:vertex:1")).isEqualTo(ExperimentMethod
        .parse("dpo:vertex:1"));
  }
}

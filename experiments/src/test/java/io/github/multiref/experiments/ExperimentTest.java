package io.github.multiref.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.rewards.BradleyTerry;
import io.github.multiref.rewards.SamplingPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentTest {

  static String config(String rewardClass, String n, int trials) {
    return "{\"bandit\": {\"prompts\": 3, \"responses\": 4, \"temperature\": 1.0, \"alpha\":"
        + " [0.5, 0.5], \"beta\": 0.5, \"r_max\": 1.0}, \"reward_class\": " + rewardClass
        + ", \"sampling\": \"escort\", \"model\": \"bt\", \"methods\": [\"rkl\", \"fkl\","
        + " \"mrpo\"], \"n\": " + n + ", \"trials\": " + trials + ", \"delta\": 0.05,"
        + " \"seed\": 5}";
  }

  @Test
  void resultsDoNotDependOnTheThreadCount() throws Exception {
    ExperimentConfig c = ExperimentConfig.parse(config("{\"kind\": \"tabular\"}", "[200, 800]",
        6));
    Experiment.Result[] runs = new Experiment.Result[2];
    int[] threads = {1, 3};
    for (int r = 0; r < 2; r++) {
      ForkJoinPool pool = new ForkJoinPool(threads[r]);
      try {
        runs[r] = pool.submit(() -> Experiment.run(c, BradleyTerry.INSTANCE, done -> { })).get();
      } finally {
        pool.shutdown();
      }
    }
    assertThat(runs[1].rows()).isEqualTo(runs[0].rows());
    assertThat(runs[0].rows()).hasSize(2 * 6 * 3);
  }

  @Test
  void linearAndFiniteClassesRun() {
    for (String rc : List.of("{\"kind\": \"linear\", \"features\": 3}",
        "{\"kind\": \"finite\", \"size\": 16}")) {
      Experiment.Result r = Experiment.run(ExperimentConfig.parse(config(rc, "[100, 400]", 4)),
          BradleyTerry.INSTANCE, done -> { });
      assertThat(r.summaries()).hasSize(2 * 3);
      assertThat(r.rows()).allSatisfy(row -> assertThat(row.subOptimality())
          .isGreaterThanOrEqualTo(-1e-12));
    }
  }

  @Test
  void reportsAreWrittenAndAgreeWithTheRows(@TempDir Path tmp) throws Exception {
    Experiment.Result r = Experiment.run(ExperimentConfig.parse(
        config("{\"kind\": \"tabular\"}", "[300, 1200]", 5)), BradleyTerry.INSTANCE, d -> { });
    Path out = tmp.resolve("report");
    Reports.write(r, out);
    for (String f : List.of("results.csv", "summary.json", "report.md", "gaps-vs-n.png",
        "objective-vs-alpha.png", "combined-references.png")) {
      assertThat(out.resolve(f)).exists().isNotEmptyFile();
    }
    // the mean in the summary equals the mean recomputed from the CSV
    List<String> lines = Files.readAllLines(out.resolve("results.csv"));
    double sum = 0;
    int count = 0;
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      if (f[0].equals("300") && f[2].equals("rkl")) {
        sum += Double.parseDouble(f[3]);
        count++;
      }
    }
    assertThat(count).isEqualTo(5);
    Experiment.Summary s = r.summaries().stream()
        .filter(x -> x.method().equals("rkl") && x.n() == 300).findFirst().orElseThrow();
    assertThat(s.subOptimality().mean()).isCloseTo(sum / 5, within(1e-12));
    assertThat(Files.readString(out.resolve("report.md"))).contains("| rkl | 300 |");
    try (var files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("report");
    }
  }

  /**
   * Without a "sampling" key each method draws its pairs from its own reference: forward KL's rows
   * are those of a run with the mixture for all, reverse KL's and MRPO's those of the escort.
   */
  @Test
  void withoutASamplingKeyForwardKlSamplesFromTheMixture() {
    String escort = config("{\"kind\": \"finite\", \"size\": 8, \"near\": 0.3}", "[100, 400]",
        3);
    ExperimentConfig own = ExperimentConfig.parse(escort.replace("\"sampling\": \"escort\", ",
        ""));
    assertThat(own.sampling()).isNull();
    assertThat(own.samplingFor(ExperimentMethod.FKL)).isEqualTo(SamplingPolicy.mixture());
    assertThat(own.samplingFor(ExperimentMethod.RKL)).isEqualTo(SamplingPolicy.escort());
    List<Experiment.Row> rows = Experiment.run(own, BradleyTerry.INSTANCE, d -> { }).rows();
    List<Experiment.Row> allEscort = Experiment.run(ExperimentConfig.parse(escort),
        BradleyTerry.INSTANCE, d -> { }).rows();
    List<Experiment.Row> allMixture = Experiment.run(ExperimentConfig.parse(escort.replace(
        "\"escort\"", "\"mixture\"")), BradleyTerry.INSTANCE, d -> { }).rows();
    assertThat(rows).hasSize(allEscort.size());
    for (int i = 0; i < rows.size(); i++) {
      Experiment.Row expected = rows.get(i).method().equals("fkl") ? allMixture.get(i)
          : allEscort.get(i);
      assertThat(rows.get(i)).isEqualTo(expected);
    }
    assertThat(rows).anySatisfy(r -> assertThat(r.method()).isEqualTo("fkl"));
    assertThat(allMixture.get(1)).isNotEqualTo(allEscort.get(1)); // the choice matters
  }

  @Test
  void configErrorsNameTheField() {
    assertThatThrownBy(() -> ExperimentConfig.parse(config("{\"kind\": \"tabular\"}",
        "[100]", 0))).hasMessage("trials must be an integer >= 1, got 0.0");
    assertThatThrownBy(() -> ExperimentConfig.parse(config("{\"kind\": \"neural\"}", "[100]",
        1))).hasMessage("reward_class.kind must be finite, tabular or linear, got 'neural'");
    assertThatThrownBy(() -> ExperimentConfig.parse(config("{\"kind\": \"tabular\"}",
        "[100, 2.5]", 1))).hasMessage("n[1] must be an integer >= 2, got 2.5");
    assertThatThrownBy(() -> ExperimentConfig.parse(config("{\"kind\": \"tabular\"}", "[100]",
        1).replace("[0.5, 0.5]", "[0.5, 0.6]"))).hasMessage("bandit.alpha must sum to 1, got 1.1");
    assertThatThrownBy(() -> ExperimentConfig.parse(config("{\"kind\": \"tabular\"}", "[100]",
        1).replace("\"mrpo\"", "\"ppo\""))).hasMessage(
            "methods: unknown method 'ppo'; known: [rkl, fkl, mrpo, dpo:SCHEME (SCHEME one of"
                + " [config, vertex:I, mrpo-adaptive, validation-accuracy, validation-margin,"
                + " thompson, bound])]");
    String given = config("{\"kind\": \"tabular\"}", "[100]", 1).replace("\"seed\": 5",
        "\"seed\": 5, \"true_reward\": [[0, 1, 0.5, 0.2], [1, 1, 1, 1], [0, 0, 0, 2]]");
    assertThatThrownBy(() -> ExperimentConfig.parse(given))
        .hasMessage("true_reward[2][3] = 2.0 is outside [0, r_max = 1.0]");
    ExperimentConfig ok = ExperimentConfig.parse(given.replace("0, 0, 0, 2", "0, 0, 0, 1"));
    assertThat(Experiment.run(ok, BradleyTerry.INSTANCE, d -> { }).bandit().trueReward()[2])
        .containsExactly(0, 0, 0, 1);
    assertThatThrownBy(() -> ExperimentConfig.parse("{\n  \"seed\": 5,\n"))
        .hasMessage("config is not valid JSON at line 3, column 1: Unexpected end-of-input"
            + " within/between Object entries");
  }

  @Test
  void misspelledKeysAreRefusedWithTheirPathAndTheClosestName() {
    String ok = config("{\"kind\": \"tabular\"}", "[100]", 1);
    assertThatThrownBy(() -> ExperimentConfig.parse(ok.replace("\"temperature\"",
        "\"temprature\""))).hasMessage("unknown key 'bandit.temprature'; did you mean"
            + " 'bandit.temperature'? (known keys of bandit: [prompts, responses, temperature,"
            + " alpha, beta, r_max])");
    assertThatThrownBy(() -> ExperimentConfig.parse(ok.replace("\"trials\"", "\"trails\"")))
        .hasMessage("unknown key 'trails'; did you mean 'trials'? (known keys: [bandit,"
            + " reward_class, sampling, model, methods, n, trials, delta, seed, true_reward])");
    assertThatThrownBy(() -> ExperimentConfig.parse(ok.replace("{\"kind\": \"tabular\"}",
        "{\"kind\": \"tabular\", \"size\": 8}"))).hasMessage("unknown key"
            + " 'reward_class.size'; did you mean 'reward_class.kind'? (known keys of"
            + " reward_class: [kind, l2])");
  }

  @Test
  void anInfiniteClassReportsItsBoundsAsNotApplicableInStrictJson(@TempDir Path tmp)
      throws Exception {
    Experiment.Result r = Experiment.run(ExperimentConfig.parse(
        config("{\"kind\": \"tabular\"}", "[300, 1200]", 3)), BradleyTerry.INSTANCE, d -> { });
    Path out = tmp.resolve("report");
    Reports.write(r, out);
    // a strict parser: Jackson's defaults refuse NaN and Infinity
    var summary = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(out.resolve("summary.json").toFile());
    for (var s : summary.get("summaries")) {
      assertThat(s.get("bounds_apply").asBoolean()).as("bounds_apply").isFalse();
      assertThat(s.get("sub_optimality_bound").isNull()).as("bound is null").isTrue();
      assertThat(s.get("sub_optimality_bound_held").isNull()).as("held is null").isTrue();
    }
    String report = Files.readString(out.resolve("report.md"));
    assertThat(report).contains("| not applicable | not applicable |")
        .contains("Bounds: not applicable").doesNotContain("100% |");
    Experiment.Result finite = Experiment.run(ExperimentConfig.parse(
        config("{\"kind\": \"finite\", \"size\": 8}", "[300]", 2)), BradleyTerry.INSTANCE,
        d -> { });
    assertThat(finite.summaries()).allSatisfy(s -> {
      assertThat(s.boundsApply()).isTrue();
      assertThat(s.subOptimalityBound()).isPositive();
    });
  }

  @Test
  void aSlopeIsFittedOnlyOnThreeOrMoreValuesOfN(@TempDir Path tmp) throws Exception {
    Experiment.Result two = Experiment.run(ExperimentConfig.parse(
        config("{\"kind\": \"tabular\"}", "[300, 1200]", 3)), BradleyTerry.INSTANCE, d -> { });
    assertThat(two.slopes()).allSatisfy(s -> {
      assertThat(s.slope()).isNaN();
      assertThat(s.points()).isEqualTo(2);
      assertThat(s.ofPoints()).isEqualTo(2);
    });
    assertThat(Reports.slopes(two)).contains("not fitted: fewer than 3 n with a positive gap |"
        + " 2 of 2 |");
    Experiment.Result three = Experiment.run(ExperimentConfig.parse(
        config("{\"kind\": \"tabular\"}", "[300, 1200, 4800]", 3)), BradleyTerry.INSTANCE,
        d -> { });
    Experiment.Slope rkl = three.slopes().get(0);
    assertThat(rkl.points()).isEqualTo(3);
    assertThat(rkl.slope()).isFinite();
    assertThat(Reports.slopes(three)).contains("| 3 of 3 |");
  }

  @Test
  void aMeasuredSlopeIsAtARateFasterOrSlower() {
    Experiment.Slope wide = new Experiment.Slope("rkl", "sub-optimality", -0.8, -1.2, -0.4,
        -1, 4, 4);
    assertThat(Reports.againstRate(wide, -1)).isEqualTo("at the rate");
    Experiment.Slope narrow = new Experiment.Slope("rkl", "sub-optimality", -1.06, -1.08, -1.04,
        -1, 4, 4);
    assertThat(Reports.againstRate(narrow, -1)).as("within the tolerance")
        .isEqualTo("at the rate");
    assertThat(Reports.againstRate(narrow, -0.5)).isEqualTo("faster: the rate is loose here");
    assertThat(Reports.againstRate(narrow, -1.5)).isEqualTo(
        "slower: the rate would fail at large n");
    assertThat(Reports.againstRate(new Experiment.Slope("rkl", "sub-optimality", Double.NaN,
        Double.NaN, Double.NaN, -1, 2, 4), -1)).isEqualTo("not fitted");
  }

  @Test
  void theSingleReferenceComparisonNeedsOneReference() {
    Experiment.Result two = Experiment.run(ExperimentConfig.parse(
        config("{\"kind\": \"tabular\"}", "[300, 1200, 4800]", 3)), BradleyTerry.INSTANCE,
        d -> { });
    assertThat(two.config().alpha()).hasSize(2);
    assertThat(Reports.singleReference(two)).isEmpty();
  }
}

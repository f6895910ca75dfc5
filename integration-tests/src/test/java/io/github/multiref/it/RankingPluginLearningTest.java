package io.github.multiref.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import io.github.multiref.api.PreferenceModel;
import io.github.multiref.rewards.Lbfgs;
import io.github.multiref.rewards.PreferenceData;
import io.github.multiref.rewards.RewardLearning;
import io.github.multiref.rewards.SamplingPolicy;
import io.github.multiref.rewards.SyntheticBandit;
import io.github.multiref.runtime.MultirefModule;
import io.github.multiref.runtime.PluginSettings;
import io.github.multiref.runtime.Registries;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Plackett-Luce plugin, loaded from its jar (not on the class path), generates rankings of
 * four responses, and the core's reward learning recovers the planted reward from them through the
 * SPI alone: it never names the plugin's classes.
 */
class RankingPluginLearningTest {

  @Test
  void theCoreLearnsRewardsFromAPluginRankingModel() {
    assertThatThrownBy(() -> Class.forName(
        "io.github.multiref.plugins.plackettluce.PlackettLuce")).isInstanceOf(
            ClassNotFoundException.class);
    Registries registries = Guice.createInjector(new MultirefModule(new PluginSettings(List.of(
        Path.of(System.getProperty("multiref.rankingPluginDir")))))).getInstance(Registries.class);
    PreferenceModel pl = registries.preferenceModels().create("plackett-luce");
    assertThat(pl.maxRankingLength()).isGreaterThan(4);

    SyntheticBandit bandit = SyntheticBandit.generate(4, 6, 1.0, new double[] {0.5, 0.5}, 2.0,
        3);
    PreferenceData rankings = bandit.sample(SamplingPolicy.uniform(), pl, 20000, 4, 11);
    assertThat(rankings.rankingLength(0)).isEqualTo(4);
    double[][] fit = RewardLearning.fitTabular(rankings, pl, null, 1e-3,
        Lbfgs.of(1e-8, 2000, 10)).rewards();
    double[][] truth = bandit.trueReward();
    double worst = 0;
    for (int x = 0; x < 4; x++) {
      for (int y = 1; y < 6; y++) {
        worst = Math.max(worst, Math.abs((fit[x][y] - fit[x][0]) - (truth[x][y] - truth[x][0])));
      }
    }
    // 20000 rankings of 4 (60000 comparisons' worth): differences within a few hundredths
    assertThat(worst).isLessThan(0.1);
  }
}

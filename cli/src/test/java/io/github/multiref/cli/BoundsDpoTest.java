package io.github.multiref.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code multiref bounds --implicit-reward-bound B}: the bounds of the paper's Appendix D for the
 * policy multi-reference DPO learns, whose implicit rewards lie in [-B, B] (Assumptions D.1/D.2).
 */
class BoundsDpoTest {

  /**
   * With B = 0.25 the bounds are those at R_max = 2 B = 0.5, line for line; the reverse-KL
   * sub-optimality is checked against its closed form {@code C eps_n / (4 beta)} with C = e^{2B /
   * beta}, {@code eps_n = 2 kappa^2 log(|R| / delta) / n} and Bradley-Terry's {@code kappa = 2 +
   * 2 cosh(2 B)}, computed here.
   */
  @Test
  void theBoundsAreTheRlhfBoundsAtTwiceTheImplicitRewardBound() {
    CliRunner.Result dpo = CliTests.ok("bounds", "--beta", "0.5", "--n", "5000",
        "--implicit-reward-bound", "0.25");
    CliRunner.Result rlhf = CliTests.ok("bounds", "--beta", "0.5", "--n", "5000", "--r-max",
        "0.5");
    List<String> dpoLines = dpo.out().lines().toList();
    assertThat(dpoLines.get(1)).startsWith("DPO (Appendix D): implicit rewards in [-B, B] with"
        + " B = 0.25 (Assumptions D.1/D.2), so R_max = 2 B = 0.5 after a per-prompt shift"
        + " (Lemma A.4)");
    assertThat(dpoLines.stream().filter(l -> !l.startsWith("DPO")).toList())
        .isEqualTo(rlhf.out().lines().toList());
    double b = 0.25;
    double beta = 0.5;
    double kappa = 2 + 2 * Math.cosh(2 * b);
    double epsN = 2 * kappa * kappa * Math.log(64 / 0.05) / 5000;
    Matcher m = Pattern.compile("rkl-suboptimality +([0-9.e+-]+) ").matcher(dpo.out());
    assertThat(m.find()).as(dpo.out()).isTrue();
    assertThat(Double.parseDouble(m.group(1)))
        .isCloseTo(Math.exp(2 * b / beta) * epsN / (4 * beta), within(1e-5));
  }

  @Test
  void anImplicitRewardBoundIsRefusedBesideRMaxOrWhenNotPositive() {
    assertThat(CliRunner.run("bounds", "--beta", "0.5", "--r-max", "1",
        "--implicit-reward-bound", "0.25").err()).isEqualTo("multiref: error: --r-max and"
            + " --implicit-reward-bound both give R_max; choose one" + System.lineSeparator());
    for (String bad : new String[] {"0", "-1", "NaN", "Infinity"}) {
      assertThat(CliRunner.run("bounds", "--beta", "0.5", "--implicit-reward-bound", bad)
          .err()).as(bad).isEqualTo("multiref: error: --implicit-reward-bound must be finite"
              + " and > 0, got " + Double.parseDouble(bad) + System.lineSeparator());
    }
  }
}

package io.github.multiref.solvers.dpo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiref.api.Divergence;
import io.github.multiref.divergences.AlphaDivergence;
import io.github.multiref.divergences.ForwardKl;
import io.github.multiref.divergences.JensenShannon;
import io.github.multiref.divergences.PearsonChiSquared;
import io.github.multiref.divergences.ReverseKl;
import io.github.multiref.divergences.SquaredHellinger;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Logits, losses, gradients and rewards against 6000-digit mpmath values from the plain formulas
 * (resource {@code dpo/dpo-reference.csv}, with its generator beside it), for log-ratios up to
 * 1e4: no NaN, no overflow where the value is finite, and infinities exactly where the true value
 * is beyond the double range.
 */
class DpoReferenceValuesTest {

  static Divergence divergence(String name, String a) {
    switch (name) {
      case "reverse-kl": return ReverseKl.INSTANCE;
      case "forward-kl": return ForwardKl.INSTANCE;
      case "pearson-chi2": return PearsonChiSquared.INSTANCE;
      case "squared-hellinger": return SquaredHellinger.INSTANCE;
      case "jensen-shannon": return JensenShannon.INSTANCE;
      case "alpha": return AlphaDivergence.of(Double.parseDouble(a));
      default: throw new IllegalArgumentException(name);
    }
  }

  @Test
  void matchesHighPrecisionValues() throws Exception {
    int checked = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        getClass().getResourceAsStream("/dpo/dpo-reference.csv"), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("#") || line.startsWith("divergence,")) {
          continue;
        }
        String[] f = line.split(",", -1);
        MultiReferenceDpo dpo = MultiReferenceDpo.of(divergence(f[0], f[1]),
            Double.parseDouble(f[2]), DpoLosses.SIGMOID, ReferenceWeighting.fixed(numbers(f[5])));
        PairScore s = dpo.score(Double.parseDouble(f[3]), Double.parseDouble(f[4]),
            numbers(f[6]), numbers(f[7]));
        assertMatches(s, f, 8, line);
        checked++;
      }
    }
    assertThat(checked).isEqualTo(216);
  }

  /**
   * Every loss, fixed and adaptive weights, log-ratios up to 1e4 as the property tests draw them:
   * values against mpmath ({@code dpo-extreme.csv}), where the properties only ask for no NaN.
   */
  @Test
  void everyLossAndWeightingMatchesHighPrecisionAtExtremeLogRatios() throws Exception {
    int checked = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        getClass().getResourceAsStream("/dpo/dpo-extreme.csv"), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("#") || line.startsWith("divergence,")) {
          continue;
        }
        String[] f = line.split(",", -1);
        double[] rc = numbers(f[7]);
        ReferenceWeighting weighting = f[3].equals("adaptive") ? ReferenceWeighting.adaptive()
            : ReferenceWeighting.fixed(uniform(rc.length));
        MultiReferenceDpo dpo = MultiReferenceDpo.of(divergence(f[0], f[1]),
            Double.parseDouble(f[4]), DpoLosses.parse(f[2]), weighting);
        PairScore s = dpo.score(Double.parseDouble(f[5]), Double.parseDouble(f[6]), rc,
            numbers(f[8]));
        assertMatches(s, f, 9, line);
        checked++;
      }
    }
    assertThat(checked).isEqualTo(240);
  }

  /**
   * The score's six values against the row's, from column {@code first} on: no NaN, infinities
   * exactly where the true value is beyond the double range, else 1e-11 relative.
   */
  private static void assertMatches(PairScore s, String[] f, int first, String line) {
    double[] got = {s.logit(), s.loss(), s.gradChosen(), s.gradRejected(), s.chosenReward(),
        s.rejectedReward()};
    String[] names = {"logit", "loss", "grad_chosen", "grad_rejected", "chosen_reward",
        "rejected_reward"};
    for (int j = 0; j < got.length; j++) {
      double want = parse(f[first + j]);
      assertThat(got[j]).as("%s of %s", names[j], line).isNotNaN();
      if (Double.isInfinite(want)) {
        assertThat(got[j]).as("%s of %s", names[j], line).isEqualTo(want);
      } else {
        assertThat(Math.abs(got[j] - want)).as("%s of %s: got %s", names[j], line, got[j])
            .isLessThanOrEqualTo(1e-11 * Math.abs(want) + 1e-300);
      }
    }
  }

  private static double[] uniform(int k) {
    double[] a = new double[k];
    Arrays.fill(a, 1.0 / k);
    return a;
  }

  private static double[] numbers(String field) {
    return Arrays.stream(field.trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
  }

  private static double parse(String s) {
    return s.equals("inf") ? Double.POSITIVE_INFINITY
        : s.equals("-inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(s);
  }
}

package io.github.multiref.divergences;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.ReferenceCombiner;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.CombinedReference;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Built-ins against values computed independently in 60-digit arithmetic (mpmath, from the plain
 * definitions, no log-space tricks); see {@code reference/generate.py} in the test resources.
 */
class ReferenceValuesTest {

  /** Relative accuracy demanded of every reference value. */
  private static final double RELATIVE = 1e-12;

  @Test
  void divergenceTermsAtExtremeLogRatiosMatchHighPrecision() throws IOException {
    int checked = 0;
    for (String line : lines("/reference/divergence-terms.csv")) {
      if (line.startsWith("divergence,")) {
        continue;
      }
      String[] f = line.split(",", -1);
      Divergence d = f[0].equals("alpha") ? AlphaDivergence.of(Double.parseDouble(f[1]))
          : byName(f[0]);
      double logP = Double.parseDouble(f[2]);
      double logQ = Double.parseDouble(f[3]);
      double expected = parse(f[4]);
      double actual = d.term(logP, logQ);
      assertThat(Math.abs(actual - expected))
          .as("%s a=%s term(%s, %s): got %s, mpmath %s", f[0], f[1], logP, logQ, actual, expected)
          .isLessThanOrEqualTo(RELATIVE * Math.abs(expected) + Double.MIN_NORMAL);
      checked++;
    }
    assertThat(checked).isGreaterThan(400);
  }

  @Test
  void combinersWithSixtyFourReferencesDownToMinusTenThousandMatchHighPrecision()
      throws IOException {
    Map<String, double[]> rows = new LinkedHashMap<>();
    for (String line : lines("/reference/combiners-k64.txt")) {
      String[] parts = line.trim().split("\\s+");
      double[] values = new double[parts.length - 1];
      for (int i = 1; i < parts.length; i++) {
        values[i - 1] = parse(parts[i]);
      }
      rows.put(parts[0], values);
    }
    double[] weights = rows.get("weights");
    List<LogDistribution> refs = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      refs.add(LogDistribution.of(rows.get("ref" + i)));
    }
    assertThat(refs).hasSize(64);
    ReferenceSet set = ReferenceSet.of("k64", refs, weights);
    Map<String, ReferenceCombiner> combiners = new LinkedHashMap<>();
    combiners.put("escort", EscortCombiner.INSTANCE);
    combiners.put("mixture", MixtureCombiner.INSTANCE);
    combiners.put("harmonic", HarmonicCombiner.INSTANCE);
    combiners.put("power-mean:p=0.37", PowerMeanCombiner.of(0.37));
    combiners.put("power-mean:p=1e-9", PowerMeanCombiner.of(1e-9));
    combiners.put("power-mean:p=-2.5", PowerMeanCombiner.of(-2.5));
    for (var entry : combiners.entrySet()) {
      CombinedReference combined = entry.getValue().combine(set);
      double[] expected = rows.get(entry.getKey());
      for (int y = 0; y < expected.length; y++) {
        assertThat(Math.abs(combined.distribution().logProb(y) - expected[y]))
            .as("%s at response %d", entry.getKey(), y)
            .isLessThanOrEqualTo(RELATIVE * Math.max(1.0, Math.abs(expected[y])));
      }
      double expectedNormalizer = rows.get(entry.getKey() + "/logNormalizer")[0];
      assertThat(Math.abs(combined.logNormalizer() - expectedNormalizer))
          .as("%s log-normalizer", entry.getKey())
          .isLessThanOrEqualTo(RELATIVE * Math.max(1.0, Math.abs(expectedNormalizer)));
    }
    assertThat(EscortCombiner.INSTANCE.logF(set))
        .isEqualTo(EscortCombiner.INSTANCE.combine(set).logNormalizer());
  }

  private static Divergence byName(String name) {
    return new BuiltinDivergencesPlugin().divergences().stream()
        .filter(f -> f.name().equals(name)).findFirst().orElseThrow()
        .create(io.github.multiref.api.spi.ComponentConfig.empty());
  }

  private static double parse(String text) {
    switch (text) {
      case "inf": return Double.POSITIVE_INFINITY;
      case "-inf": return Double.NEGATIVE_INFINITY;
      default: return Double.parseDouble(text);
    }
  }

  private static List<String> lines(String resource) throws IOException {
    var in = ReferenceValuesTest.class.getResourceAsStream(resource);
    assertThat(in).as(resource).isNotNull();
    List<String> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank() && !line.startsWith("#")) {
          out.add(line);
        }
      }
    }
    return out;
  }
}

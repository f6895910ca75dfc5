package io.github.multiref.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.multiref.api.CombinedReference;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.ReferenceCombiner;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.Stability;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link ReferenceCombiner}, to subclass in a plugin's tests:
 *
 * <pre>{@code
 * class MyCombinerContractTest extends ReferenceCombinerContract {
 *   @Override protected ReferenceCombiner combiner() { return new MyCombiner(); }
 * }
 * }</pre>
 *
 * <p>Checks that the result is normalized and consistent with its log-normalizer, that K = 1 (or
 * all weight on one reference) returns that reference, that the order of the references and
 * references of zero weight do not matter, that every value is a mean (between the smallest and
 * largest weighted reference), that log-probabilities of -1e4 and K = 64 stay exact, and, when
 * {@link #powerMeanOrder()} names the combiner's order p, that it equals the power mean {@code
 * M_p} evaluated directly and lies between {@code M_{p-1}} and {@code M_{p+1}}.
 */
@Stability(Stability.Status.STABLE)
public abstract class ReferenceCombinerContract {

  /** The combiner under test. */
  protected abstract ReferenceCombiner combiner();

  /**
   * The order p when the combiner is the weighted power mean {@code M_p} (0 for the geometric
   * mean), or empty when it is not a power mean.
   */
  protected OptionalDouble powerMeanOrder() {
    return OptionalDouble.empty();
  }

  /** Seed of the random reference sets; fixed so that a failure reproduces. */
  protected long seed() {
    return 20261129L;
  }

  @Test
  void resultIsNormalizedAndMatchesItsLogNormalizer() {
    SplittableRandom rng = new SplittableRandom(seed());
    for (int trial = 0; trial < 100; trial++) {
      ReferenceSet refs = randomSet(rng, 1 + rng.nextInt(6), 2 + rng.nextInt(30), 2.0);
      CombinedReference combined = combiner().combine(refs);
      double[] unnormalized = combiner().logUnnormalized(refs);
      LogDistribution m = combined.distribution();
      double mass = 0;
      for (int y = 0; y < m.size(); y++) {
        mass += m.prob(y);
        assertThat(m.logProb(y)).as("log M(%s) - log normalizer, trial %s", y, trial)
            .isCloseTo(unnormalized[y] - combined.logNormalizer(), within(1e-12));
      }
      assertThat(mass).as("total mass, trial %s", trial).isCloseTo(1.0, within(1e-12));
    }
  }

  @Test
  void oneReferenceIsReturnedUnchanged() {
    SplittableRandom rng = new SplittableRandom(seed() + 1);
    for (int trial = 0; trial < 50; trial++) {
      int n = 2 + rng.nextInt(30);
      LogDistribution single = Instances.randomDistribution(rng, n, 2.0, 0.2);
      assertSame(combiner().combine(ReferenceSet.of(List.of(single), 1.0)).distribution(), single,
          "K = 1, trial " + trial);
      List<LogDistribution> refs = new ArrayList<>();
      refs.add(single);
      refs.add(Instances.randomDistribution(rng, n, 2.0, 0.2));
      refs.add(Instances.randomDistribution(rng, n, 2.0, 0.2));
      assertSame(combiner().combine(ReferenceSet.of(refs, 1.0, 0.0, 0.0)).distribution(), single,
          "all weight on the first of three, trial " + trial);
    }
  }

  @Test
  void orderOfReferencesAndZeroWeightReferencesDoNotMatter() {
    SplittableRandom rng = new SplittableRandom(seed() + 2);
    for (int trial = 0; trial < 50; trial++) {
      int k = 2 + rng.nextInt(5);
      int n = 2 + rng.nextInt(30);
      ReferenceSet refs = randomSet(rng, k, n, 2.0);
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        order.add(i);
      }
      Collections.shuffle(order, new java.util.Random(rng.nextLong()));
      List<LogDistribution> permuted = new ArrayList<>();
      double[] weights = new double[k + 1];
      for (int j = 0; j < k; j++) {
        permuted.add(refs.reference(order.get(j)));
        weights[j] = refs.weight(order.get(j));
      }
      permuted.add(Instances.randomDistribution(rng, n, 2.0, 0.5));
      double[] expected = combiner().logUnnormalized(refs);
      double[] actual = combiner().logUnnormalized(ReferenceSet.of(permuted, weights));
      for (int y = 0; y < n; y++) {
        assertLogClose(actual[y], expected[y],
            "log M(" + y + ") permuted, with a zero-weight reference, trial " + trial);
      }
    }
  }

  @Test
  void everyValueIsAWeightedMean() {
    SplittableRandom rng = new SplittableRandom(seed() + 3);
    for (int trial = 0; trial < 100; trial++) {
      ReferenceSet refs = randomSet(rng, 1 + rng.nextInt(6), 2 + rng.nextInt(30), 3.0);
      double[] m = combiner().logUnnormalized(refs);
      for (int y = 0; y < m.length; y++) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < refs.size(); i++) {
          if (refs.weight(i) > 0) {
            lo = Math.min(lo, refs.reference(i).logProb(y));
            hi = Math.max(hi, refs.reference(i).logProb(y));
          }
        }
        assertThat(m[y]).as("log M(%s), trial %s", y, trial)
            .isBetween(lo - 1e-12 * (1 + Math.abs(lo)), hi + 1e-12 * (1 + Math.abs(hi)));
      }
    }
  }

  @Test
  void matchesThePowerMeanOfItsOrder() {
    OptionalDouble order = powerMeanOrder();
    assumeTrue(order.isPresent(), "the combiner declares no power-mean order");
    double p = order.getAsDouble();
    SplittableRandom rng = new SplittableRandom(seed() + 4);
    for (int trial = 0; trial < 100; trial++) {
      ReferenceSet refs = randomSet(rng, 1 + rng.nextInt(6), 2 + rng.nextInt(30), 1.5);
      double[] m = combiner().logUnnormalized(refs);
      for (int y = 0; y < m.length; y++) {
        double direct = Math.log(directPowerMean(refs, y, p));
        assertThat(m[y]).as("log M_%s(%s), trial %s", p, y, trial)
            .isCloseTo(direct, within(1e-12 * (1 + Math.abs(direct))));
        assertThat(m[y]).as("M_%s - 1 <= M_%s <= M_%s + 1 at %s", p, p, p, y)
            .isBetween(Math.log(directPowerMean(refs, y, p - 1)) - 1e-12,
                Math.log(directPowerMean(refs, y, p + 1)) + 1e-12);
      }
    }
  }

  @Test
  void extremeLogProbabilitiesAndManyReferencesStayFiniteAndNormalized() {
    SplittableRandom rng = new SplittableRandom(seed() + 5);
    int n = 20;
    List<LogDistribution> refs = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      double[] logits = new double[n];
      for (int y = 0; y < n; y++) {
        logits[y] = y == 0 ? 0 : -1e4 * rng.nextDouble();
      }
      refs.add(LogDistribution.normalize(logits));
    }
    double[] w = Instances.randomWeights(rng, 64);
    ReferenceSet set = ReferenceSet.of(refs, w);
    double[] m = combiner().logUnnormalized(set);
    CombinedReference combined = combiner().combine(set);
    double mass = 0;
    for (int y = 0; y < n; y++) {
      // a mean of the references: between the smallest and largest weighted one, at any depth
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < 64; i++) {
        if (w[i] > 0) {
          lo = Math.min(lo, refs.get(i).logProb(y));
          hi = Math.max(hi, refs.get(i).logProb(y));
        }
      }
      assertThat(m[y]).as("log M(%s) with log-probabilities down to -1e4", y).isNotNaN()
          .isBetween(lo - 1e-9 * (1 + Math.abs(lo)), hi + 1e-9 * (1 + Math.abs(hi)));
      mass += combined.distribution().prob(y);
    }
    assertThat(mass).as("total mass, K = 64").isCloseTo(1.0, within(1e-12));
  }

  /** {@code M_p(y) = (sum_i alpha_i pi_i(y)^p)^(1/p)}, {@code prod_i pi_i(y)^alpha_i} at p = 0. */
  private static double directPowerMean(ReferenceSet refs, int y, double p) {
    if (p == 0) {
      double log = 0;
      for (int i = 0; i < refs.size(); i++) {
        if (refs.weight(i) > 0) {
          log += refs.weight(i) * refs.reference(i).logProb(y);
        }
      }
      return Math.exp(log);
    }
    double sum = 0;
    for (int i = 0; i < refs.size(); i++) {
      if (refs.weight(i) > 0) {
        sum += refs.weight(i) * Math.pow(refs.reference(i).prob(y), p);
      }
    }
    return Math.pow(sum, 1 / p);
  }

  private static ReferenceSet randomSet(SplittableRandom rng, int k, int n, double temperature) {
    List<LogDistribution> refs = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      refs.add(Instances.randomDistribution(rng, n, temperature, 0.0));
    }
    return ReferenceSet.of(refs, Instances.randomWeights(rng, k));
  }

  private static void assertSame(LogDistribution actual, LogDistribution expected, String what) {
    for (int y = 0; y < expected.size(); y++) {
      assertLogClose(actual.logProb(y), expected.logProb(y), what + ", response " + y);
    }
  }

  private static void assertLogClose(double actual, double expected, String what) {
    if (expected == Double.NEGATIVE_INFINITY) {
      assertThat(actual).as(what).isEqualTo(Double.NEGATIVE_INFINITY);
    } else {
      assertThat(actual).as(what).isCloseTo(expected, within(1e-12 * (1 + Math.abs(expected))));
    }
  }
}

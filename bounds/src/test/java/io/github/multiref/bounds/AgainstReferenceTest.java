package io.github.multiref.bounds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.divergences.ReverseKl;
import io.github.multiref.rewards.RealMagnitudeProblems;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Gaps#againstEachReference} (Appendix B, eqs. (61)-(62)) on problems at real magnitudes:
 * each quantity against an independent computation from the references' log-probabilities (the
 * objective difference from its expectation form, the optimal values from their log-sum-exp
 * closed forms), and each bound against what it bounds.
 */
class AgainstReferenceTest {

  @Test
  void eachQuantityMatchesItsClosedFormAndEachBoundHolds() {
    SplittableRandom rng = new SplittableRandom(61);
    int finiteBounds = 0;
    for (int trial = 0; trial < 200; trial++) {
      RegularizedProblem p = RealMagnitudeProblems.draw(rng, ReverseKl.INSTANCE,
          1 + rng.nextInt(5), 2 + rng.nextInt(40));
      ReferenceSet refs = p.references();
      double[] r = p.rewards();
      double beta = p.beta();
      List<Gaps.AgainstReference> rows = Gaps.againstEachReference(refs, r, beta);
      assertThat(rows).hasSize(refs.size());
      // the multi-reference optimum from its closed form: exp(sum_j alpha_j l_j + r / beta) / C
      double[] logU = new double[r.length];
      for (int y = 0; y < r.length; y++) {
        logU[y] = r[y] / beta;
        for (int j = 0; j < refs.size(); j++) {
          if (refs.weight(j) > 0) {
            logU[y] += refs.weight(j) * refs.reference(j).logProb(y);
          }
        }
      }
      double logC = logSumExp(logU);
      double hoelder = 0;
      for (Gaps.AgainstReference row : rows) {
        int i = row.reference();
        LogDistribution ref = refs.reference(i);
        String at = "trial " + trial + ", reference " + i;
        double expected = 0;
        double scale = 0;
        boolean outside = false;
        for (int y = 0; y < r.length; y++) {
          if (logU[y] == Double.NEGATIVE_INFINITY) {
            continue; // outside pi*'s support (a mass that underflows to 0 is still in it)
          }
          double pi = Math.exp(logU[y] - logC);
          for (int j = 0; j < refs.size(); j++) {
            if (refs.weight(j) > 0) {
              double d = refs.reference(j).logProb(y) - ref.logProb(y);
              outside |= Double.isInfinite(d);
              expected += beta * refs.weight(j) * pi * d;
              scale += beta * refs.weight(j) * pi * Math.abs(d);
            }
          }
        }
        if (outside) { // pi* has mass where reference i (of weight 0) has none
          assertThat(row.objectiveDifference()).as(at).isEqualTo(Double.POSITIVE_INFINITY);
          assertThat(row.objectiveBound()).as(at).isEqualTo(Double.POSITIVE_INFINITY);
        } else {
          assertThat(row.objectiveDifference()).as(at)
              .isCloseTo(expected, within(1e-9 * (1 + scale)));
          assertThat(Math.abs(row.objectiveDifference())).as(at)
              .isLessThanOrEqualTo(row.objectiveBound() * (1 + 1e-12) + 1e-12);
        }
        double[] logV = new double[r.length];
        for (int y = 0; y < r.length; y++) {
          logV[y] = ref.logProb(y) + r[y] / beta;
        }
        double logCi = logSumExp(logV);
        assertThat(row.optimumDifference()).as(at).isCloseTo(beta * (logC - logCi),
            within(1e-9 * (1 + beta * (Math.abs(logC) + Math.abs(logCi)))));
        hoelder += refs.weight(i) * row.optimumDifference();
        // |E_P r - E_Q r| <= (max r - min r) TV(P, Q) <= the Pinsker bound
        double tv = 0;
        double rewardDifference = 0;
        for (int y = 0; y < r.length; y++) {
          double pi = Math.exp(logU[y] - logC);
          double pii = Math.exp(logV[y] - logCi);
          tv += Math.abs(pi - pii) / 2;
          rewardDifference += (pi - pii) * r[y];
        }
        double range = max(r) - min(r);
        assertThat(row.rewardDifference()).as(at)
            .isCloseTo(rewardDifference, within(1e-9 * (1 + range)));
        assertThat(Math.abs(row.rewardDifference())).as(at)
            .isLessThanOrEqualTo(range * tv + 1e-9 * (1 + range));
        assertThat(range * tv).as(at).isLessThanOrEqualTo(row.rewardBound() * (1 + 1e-9) + 1e-12);
        if (Double.isFinite(row.rewardBound())) {
          finiteBounds++;
        }
      }
      assertThat(hoelder).as("trial %d: Hoelder, eqs. (46)-(48)", trial)
          .isLessThanOrEqualTo(1e-9 * (1 + beta * Math.abs(logC)));
    }
    assertThat(finiteBounds).as("most bounds are finite").isGreaterThan(300);
  }

  @Test
  void withOneReferenceEveryDifferenceIsZero() {
    SplittableRandom rng = new SplittableRandom(62);
    for (int trial = 0; trial < 50; trial++) {
      RegularizedProblem p = RealMagnitudeProblems.draw(rng, ReverseKl.INSTANCE, 1,
          2 + rng.nextInt(40));
      Gaps.AgainstReference row = Gaps.againstEachReference(p.references(), p.rewards(),
          p.beta()).get(0);
      assertThat(row.objectiveDifference()).isZero();
      assertThat(row.objectiveBound()).isZero();
      assertThat(row.optimumDifference()).isZero();
      assertThat(row.rewardDifference()).isZero();
      assertThat(row.rewardBound()).isCloseTo(0, within(1e-12));
    }
  }

  private static double logSumExp(double[] v) {
    double m = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      m = Math.max(m, x);
    }
    double s = 0;
    for (double x : v) {
      s += Math.exp(x - m);
    }
    return m + Math.log(s);
  }

  private static double max(double[] v) {
    double m = Double.NEGATIVE_INFINITY;
    for (double x : v) {
      m = Math.max(m, x);
    }
    return m;
  }

  private static double min(double[] v) {
    double m = Double.POSITIVE_INFINITY;
    for (double x : v) {
      m = Math.min(m, x);
    }
    return m;
  }
}

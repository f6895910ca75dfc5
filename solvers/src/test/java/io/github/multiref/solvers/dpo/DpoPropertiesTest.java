package io.github.multiref.solvers.dpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogMath;
import io.github.multiref.divergences.AlphaDivergence;
import io.github.multiref.divergences.ForwardKl;
import io.github.multiref.divergences.JensenShannon;
import io.github.multiref.divergences.PearsonChiSquared;
import io.github.multiref.divergences.ReverseKl;
import io.github.multiref.divergences.SquaredHellinger;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;

class DpoPropertiesTest {

  static final List<Divergence> DIVERGENCES = List.of(ReverseKl.INSTANCE, ForwardKl.INSTANCE,
      PearsonChiSquared.INSTANCE, SquaredHellinger.INSTANCE, JensenShannon.INSTANCE,
      AlphaDivergence.of(0.5), AlphaDivergence.of(-1.0), AlphaDivergence.of(2.0));
  static final List<DpoLoss> LOSSES = List.of(DpoLosses.SIGMOID, DpoLosses.sigmoid(0.1),
      DpoLosses.HINGE, DpoLosses.IPO);

  /** With one reference and reverse KL this is standard DPO, term for term. */
  @Property(tries = 500)
  void oneReferenceReverseKlIsStandardDpo(
      @ForAll @DoubleRange(min = -300, max = 0) double chosen,
      @ForAll @DoubleRange(min = -300, max = 0) double rejected,
      @ForAll @DoubleRange(min = -300, max = 0) double refChosen,
      @ForAll @DoubleRange(min = -300, max = 0) double refRejected,
      @ForAll @DoubleRange(min = 0.001, max = 10) @Scale(6) double beta) {
    PairScore s = MultiReferenceDpo.of(ReverseKl.INSTANCE, beta, DpoLosses.SIGMOID,
        ReferenceWeighting.fixed(1.0)).score(chosen, rejected, new double[] {refChosen},
        new double[] {refRejected});
    double z = beta * ((chosen - refChosen) - (rejected - refRejected));
    assertThat(s.logit()).isEqualTo(z);
    // standard DPO: -log sigmoid(z), evaluated stably on both sides of 0
    double softplus = z >= 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
    assertThat(s.loss()).isCloseTo(softplus, within(1e-12 * (1 + Math.abs(z))));
    double sig = 1 / (1 + Math.exp(z));
    assertThat(s.gradChosen()).isCloseTo(-beta * sig, within(1e-15 * beta));
    assertThat(s.gradRejected()).isCloseTo(beta * sig, within(1e-15 * beta));
    assertThat(s.chosenReward()).isEqualTo(beta * (chosen - refChosen));
    assertThat(s.rejectedReward()).isEqualTo(beta * (rejected - refRejected));
  }

  @Test
  void gradientsMatchFiniteDifferencesOnRandomBatches() {
    SplittableRandom rng = new SplittableRandom(9);
    for (Divergence f : DIVERGENCES) {
      for (DpoLoss loss : LOSSES) {
        for (ReferenceWeighting weighting : List.of(ReferenceWeighting.fixed(0.2, 0.5, 0.3),
            ReferenceWeighting.adaptive())) {
          MultiReferenceDpo dpo = MultiReferenceDpo.of(f, 0.3, loss, weighting);
          for (int pair = 0; pair < 40; pair++) {
            double lw = -20 * rng.nextDouble();
            double ll = -20 * rng.nextDouble();
            double[] rw = {lw + 2 * rng.nextDouble() - 1, lw + 4 * rng.nextDouble() - 2, lw - 1};
            double[] rl = {ll + 2 * rng.nextDouble() - 1, ll + 3 * rng.nextDouble() - 1, ll + 1};
            PairScore s = dpo.score(lw, ll, rw, rl);
            double h = 1e-6;
            double dw = (dpo.score(lw + h, ll, rw, rl).loss() - dpo.score(lw - h, ll, rw, rl)
                .loss()) / (2 * h);
            double dl = (dpo.score(lw, ll + h, rw, rl).loss() - dpo.score(lw, ll - h, rw, rl)
                .loss()) / (2 * h);
            if (loss == DpoLosses.HINGE && Math.abs(s.logit() - 1) < 1e-4) {
              continue; // the kink
            }
            String what = f + " " + loss.describe() + " " + weighting.describe();
            assertThat(s.gradChosen()).as(what).isCloseTo(dw, within(1e-6 * (1 + Math.abs(dw))));
            assertThat(s.gradRejected()).as(what).isCloseTo(dl,
                within(1e-6 * (1 + Math.abs(dl))));
            assertThat(s.logit()).isCloseTo(s.chosenReward() - s.rejectedReward(),
                within(1e-12 * (1 + Math.abs(s.chosenReward()) + Math.abs(s.rejectedReward()))));
          }
        }
      }
    }
  }

  /** Log-ratios up to 1e4 in magnitude, any divergence and loss: never NaN. */
  @Property(tries = 2000)
  void neverNaNForLogRatiosUpTo1e4(@ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Divergence f = DIVERGENCES.get(rng.nextInt(DIVERGENCES.size()));
    DpoLoss loss = LOSSES.get(rng.nextInt(LOSSES.size()));
    int k = 1 + rng.nextInt(3);
    double[] rw = new double[k];
    double[] rl = new double[k];
    double lw = -100 * rng.nextDouble();
    double ll = -100 * rng.nextDouble();
    for (int i = 0; i < k; i++) {
      rw[i] = lw + Math.pow(10, 4 * rng.nextDouble()) * (rng.nextBoolean() ? 1 : -1);
      rl[i] = ll + Math.pow(10, 4 * rng.nextDouble()) * (rng.nextBoolean() ? 1 : -1);
    }
    ReferenceWeighting w = rng.nextBoolean() ? ReferenceWeighting.adaptive()
        : ReferenceWeighting.fixed(uniform(k));
    PairScore s = MultiReferenceDpo.of(f, Math.pow(10, -2 + 3 * rng.nextDouble()), loss, w)
        .score(lw, ll, rw, rl);
    for (double v : new double[] {s.loss(), s.logit(), s.gradChosen(), s.gradRejected(),
        s.chosenReward(), s.rejectedReward()}) {
      assertThat(v).as("%s %s", f, loss.describe()).isNotNaN();
    }
  }

  private static double[] uniform(int k) {
    double[] a = new double[k];
    java.util.Arrays.fill(a, 1.0 / k);
    return a;
  }

  @Test
  void forwardKlUsesTheMixtureReference() {
    double[] rw = {-3.0, -1.0};
    double[] rl = {-2.0, -5.0};
    PairScore s = MultiReferenceDpo.of(ForwardKl.INSTANCE, 0.5, DpoLosses.SIGMOID,
        ReferenceWeighting.fixed(0.25, 0.75)).score(-2.0, -4.0, rw, rl);
    double mw = LogMath.logAddExp(Math.log(0.25) - 3.0, Math.log(0.75) - 1.0);
    double ml = LogMath.logAddExp(Math.log(0.25) - 2.0, Math.log(0.75) - 5.0);
    // docs/math.md#dpo: z = beta (exp(m_l - l_l) - exp(m_w - l_w))
    assertThat(s.logit()).isCloseTo(0.5 * (Math.exp(ml + 4.0) - Math.exp(mw + 2.0)),
        within(1e-13));
  }

  @Test
  void adaptiveWeightsFollowMrpo() {
    double[] a = ReferenceWeighting.adaptive().weights(new double[] {-1, -2},
        new double[] {-4, -3});
    // d_1 = 3, d_2 = 1: alpha = |d_1| / (|d_1| + |d_2|)
    assertThat(a).containsExactly(0.75, 0.25);
    assertThat(ReferenceWeighting.adaptive().weights(new double[] {-1, -2},
        new double[] {-1, -2})).containsExactly(0.5, 0.5);
  }

  @Test
  void lossesAreParsedByNameWithClearErrors() {
    assertThat(DpoLosses.parse("sigmoid").describe()).isEqualTo("sigmoid");
    assertThat(DpoLosses.parse("sigmoid:label-smoothing=0.2").describe())
        .isEqualTo("sigmoid:label-smoothing=0.2");
    assertThat(DpoLosses.parse("ipo")).isSameAs(DpoLosses.IPO);
    assertThatThrownBy(() -> DpoLosses.parse("kto"))
        .hasMessage("unknown loss 'kto'; known: sigmoid, hinge, ipo");
    assertThatThrownBy(() -> DpoLosses.parse("hinge:margin=2"))
        .hasMessage("unknown parameter 'margin' for loss 'hinge'; it takes none");
    assertThatThrownBy(() -> DpoLosses.parse("sigmoid:label-smoothing=0.7"))
        .hasMessage("label-smoothing must be in [0, 0.5), got 0.7");
    // conservative DPO is the expected loss under flipped labels
    double z = 0.8;
    assertThat(DpoLosses.sigmoid(0.1).value(z, 1)).isCloseTo(
        0.9 * LogMath.log1pExp(-z) + 0.1 * LogMath.log1pExp(z), within(1e-15));
    assertThat(DpoLosses.IPO.value(0.5 + 0.3, 0.3)).isCloseTo(1.0, within(1e-15));
  }

  @Test
  void invalidInputIsRefused() {
    MultiReferenceDpo dpo = MultiReferenceDpo.of(ReverseKl.INSTANCE, 1, DpoLosses.SIGMOID,
        ReferenceWeighting.fixed(0.5, 0.5));
    assertThatThrownBy(() -> dpo.score(Double.NaN, -1, new double[] {-1, -1},
        new double[] {-1, -1})).hasMessage(
            "policy log-probabilities must be finite, got NaN and -1.0");
    assertThatThrownBy(() -> dpo.score(-1, -1, new double[] {-1, -1}, new double[] {-1}))
        .hasMessage("chosen and rejected need the same number (>= 1) of reference"
            + " log-probabilities, got 2 and 1");
    assertThatThrownBy(() -> dpo.score(-1, -1, new double[] {-1, Double.NEGATIVE_INFINITY},
        new double[] {-1, -1})).hasMessage(
            "reference 1 log-probabilities must be finite, got -Infinity and -1.0");
    assertThatThrownBy(() -> dpo.score(-1, -1, new double[] {-1}, new double[] {-1}))
        .hasMessage("there are 2 weights but 1 references");
    assertThatThrownBy(() -> MultiReferenceDpo.of(ReverseKl.INSTANCE, 0, DpoLosses.SIGMOID,
        ReferenceWeighting.adaptive())).hasMessage("beta must be finite and > 0, got 0.0");
    assertThatThrownBy(() -> ReferenceWeighting.fixed(0.5, -0.5, 1))
        .hasMessage("weight 1 must be finite and non-negative, got -0.5");
  }
}

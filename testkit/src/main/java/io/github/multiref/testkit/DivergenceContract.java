package io.github.multiref.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.Stability;
import io.github.multiref.solvers.GeneralFSolver;
import io.github.multiref.solvers.dpo.DpoLosses;
import io.github.multiref.solvers.dpo.MultiReferenceDpo;
import io.github.multiref.solvers.dpo.PairScore;
import io.github.multiref.solvers.dpo.ReferenceWeighting;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link Divergence}, to subclass in a plugin's tests:
 *
 * <pre>{@code
 * class MyDivergenceContractTest extends DivergenceContract {
 *   @Override protected Divergence divergence() { return new MyDivergence(); }
 * }
 * }</pre>
 *
 * <p>Checks the generator (f(1) = 0, convexity on a grid), its derivative and that derivative's
 * inverse against finite differences, the log-space term against direct evaluation, the edge rules
 * at zero mass, {@code D_f >= 0} with equality only at equal distributions; where {@code f'(inf)}
 * is finite, that {@link Divergence#logFPrimeGap} and its inverse stay exact at ratios up to
 * {@code e^700}; that a declared {@link Divergence#powerForm()} is f'; and then the core with this
 * divergence: the general multi-reference solver reaches the optimum on random instances of
 * moderate size and on instances shaped like language-model outputs (references hundreds of nats
 * apart, certified by weak Lagrangian duality from f values alone, see {@link Certificates}), and
 * matches high-precision optima when {@link #referenceOptima()} names a file of them; and the DPO
 * gradient matches finite differences of the DPO loss. Checks that do not apply to this divergence
 * (an inverse for a divergence that is not strictly convex, say) show as skipped.
 */
@Stability(Stability.Status.STABLE)
public abstract class DivergenceContract {

  /** The divergence under test. */
  protected abstract Divergence divergence();

  /** Ratios t at which f, f' and the inverse of f' are checked. */
  protected double[] ratioGrid() {
    return new double[] {0.02, 0.1, 0.37, 1.0, 1.9, 4.2, 15.0};
  }

  /** Seed of the random instances; fixed so that a failure reproduces. */
  protected long seed() {
    return 20261129L;
  }

  /** Instances shaped like language-model outputs on which the general solver is certified. */
  protected int realMagnitudeTrials() {
    return 30;
  }

  /**
   * A class-path resource of high-precision values of this divergence's f', its inverse and its
   * gap below {@code f'(inf)} (rows {@code divergence,kind,x,value}, as {@code generate.py
   * derivatives} in the kit's test resources writes them), or null (the default) for none.
   */
  protected String derivativeReferenceValues() {
    return null;
  }

  /**
   * A class-path resource of high-precision optima ({@link ReferenceOptima}) with cases for this
   * divergence, or null (the default) for none.
   */
  protected String referenceOptima() {
    return null;
  }

  @Test
  void generatorVanishesAtOne() {
    assertThat(divergence().f(1.0)).as("f(1)").isCloseTo(0.0, within(1e-15));
  }

  @Test
  void generatorIsConvexOnAGrid() {
    Divergence d = divergence();
    double[] grid = ratioGrid();
    for (int i = 0; i < grid.length; i++) {
      for (int j = i + 1; j < grid.length; j++) {
        for (double w : new double[] {0.25, 0.5, 0.75}) {
          double t = w * grid[i] + (1 - w) * grid[j];
          double chord = w * d.f(grid[i]) + (1 - w) * d.f(grid[j]);
          assertThat(d.f(t)).as("f at %s against the chord from %s to %s", t, grid[i], grid[j])
              .isLessThanOrEqualTo(chord + 1e-12 * (1 + Math.abs(chord)));
        }
      }
    }
  }

  @Test
  void derivativeMatchesCentralDifferences() {
    Divergence d = divergence();
    for (double t : ratioGrid()) {
      double h = 1e-5 * t;
      double numeric = (d.f(t + h) - d.f(t - h)) / (2 * h);
      assertThat(d.fPrime(t)).as("f'(%s)", t)
          .isCloseTo(numeric, within(1e-6 * (1 + Math.abs(numeric))));
      assertThat(d.fPrimeOfLogRatio(Math.log(t))).as("f'(exp(log %s))", t)
          .isCloseTo(d.fPrime(t), within(1e-12 * (1 + Math.abs(d.fPrime(t)))));
    }
  }

  @Test
  void derivativeIsNonDecreasingWithLimitsAtTheEnds() {
    Divergence d = divergence();
    double previous = d.fPrimeAtZero();
    for (double t : ratioGrid()) {
      assertThat(d.fPrime(t)).as("f'(%s)", t).isGreaterThanOrEqualTo(previous);
      previous = d.fPrime(t);
    }
    assertThat(d.fPrimeAtInfinity()).as("f'(inf)").isGreaterThanOrEqualTo(previous);
  }

  @Test
  void inverseOfTheDerivativeInvertsIt() {
    Divergence d = divergence();
    assumeTrue(d.isStrictlyConvex(), "f is not strictly convex: f' has no inverse");
    for (double t : ratioGrid()) {
      double u = d.fPrime(t);
      assertThat(d.fPrimeInverse(u)).as("(f')^-1(f'(%s))", t).isCloseTo(t, within(1e-9 * t));
      assertThat(d.logFPrimeInverse(u)).as("log (f')^-1(f'(%s))", t)
          .isCloseTo(Math.log(t), within(1e-9));
    }
    assertThat(d.fPrimeInverse(Double.NEGATIVE_INFINITY)).as("(f')^-1(-inf)").isEqualTo(0.0);
    assertThat(d.fPrimeInverse(Double.POSITIVE_INFINITY)).as("(f')^-1(+inf)")
        .isEqualTo(Double.POSITIVE_INFINITY);
    if (d.fPrimeAtZero() > Double.NEGATIVE_INFINITY) {
      assertThat(d.fPrimeInverse(d.fPrimeAtZero() - 1)).as("(f')^-1 below f'(0+)").isZero();
    }
    if (d.fPrimeAtInfinity() < Double.POSITIVE_INFINITY) {
      assertThat(d.fPrimeInverse(d.fPrimeAtInfinity() + 1)).as("(f')^-1 above f'(inf)")
          .isEqualTo(Double.POSITIVE_INFINITY);
    }
  }

  @Test
  void slopeOfTheDerivativeMatchesCentralDifferences() {
    Divergence d = divergence();
    for (double t : ratioGrid()) {
      double u = Math.log(t);
      double h = 1e-5;
      double numeric = (d.fPrimeOfLogRatio(u + h) - d.fPrimeOfLogRatio(u - h)) / (2 * h);
      assertThat(Math.exp(d.logSlopeOfFPrime(u))).as("t f''(t) at t = %s", t)
          .isCloseTo(numeric, within(1e-6 * (1 + Math.abs(numeric))));
      for (double t2 : ratioGrid()) {
        double direct = d.fPrime(t) - d.fPrime(t2);
        assertThat(d.fPrimeDifference(u, Math.log(t2))).as("f'(%s) - f'(%s)", t, t2)
            .isCloseTo(direct,
                within(1e-11 * (1 + Math.abs(d.fPrime(t)) + Math.abs(d.fPrime(t2)))));
      }
    }
  }

  @Test
  void logSpaceTermMatchesDirectEvaluation() {
    Divergence d = divergence();
    double[] logs = {-6.0, -2.5, -1.0, -0.3, -0.01, 0.0};
    for (double lp : logs) {
      for (double lq : logs) {
        double q = Math.exp(lq);
        double direct = q * d.f(Math.exp(lp) / q);
        assertThat(d.term(lp, lq)).as("term(log p = %s, log q = %s)", lp, lq)
            .isCloseTo(direct, within(1e-10 * (Math.abs(direct) + Math.exp(lp) + q)));
      }
    }
  }

  @Test
  void zeroMassFollowsTheEdgeRulesAndNeverGivesNaN() {
    Divergence d = divergence();
    assertThat(d.term(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY)).as("term(0, 0)")
        .isZero();
    double lp = Math.log(0.3);
    double outside = d.term(lp, Double.NEGATIVE_INFINITY);
    if (d.fPrimeAtInfinity() == Double.POSITIVE_INFINITY) {
      assertThat(outside).as("term(0.3, 0) with f'(inf) = inf").isEqualTo(Double.POSITIVE_INFINITY);
    } else {
      assertThat(outside).as("term(0.3, 0) = 0.3 f'(inf)")
          .isCloseTo(0.3 * d.fPrimeAtInfinity(), within(1e-14));
    }
    double missing = d.term(Double.NEGATIVE_INFINITY, lp);
    if (d.f(0.0) == Double.POSITIVE_INFINITY) {
      assertThat(missing).as("term(0, 0.3) with f(0) = inf").isEqualTo(Double.POSITIVE_INFINITY);
    } else {
      assertThat(missing).as("term(0, 0.3) = 0.3 f(0)").isCloseTo(0.3 * d.f(0.0), within(1e-14));
    }
    for (double[] extreme : new double[][] {{-800, Double.NEGATIVE_INFINITY},
        {Double.NEGATIVE_INFINITY, -800}, {-1e4, 0}, {0, -1e4}, {-1e4, -1e4}}) {
      assertThat(d.term(extreme[0], extreme[1]))
          .as("term(log p = %s, log q = %s)", extreme[0], extreme[1]).isNotNaN();
    }
  }

  @Test
  void divergenceIsPositiveExceptBetweenEqualDistributions() {
    Divergence d = divergence();
    SplittableRandom rng = new SplittableRandom(seed());
    for (int trial = 0; trial < 200; trial++) {
      int n = 2 + rng.nextInt(30);
      LogDistribution p = Instances.randomDistribution(rng, n, 2.0, 0.0);
      LogDistribution q = Instances.randomDistribution(rng, n, 2.0, 0.0);
      assertThat(d.divergence(p, p)).as("D(p||p), trial %s", trial)
          .isCloseTo(0.0, within(1e-12));
      double dpq = d.divergence(p, q);
      assertThat(dpq).as("D(p||q), trial %s", trial).isNotNaN().isPositive();
    }
  }

  @Test
  void gapBelowTheLimitOfTheDerivativeIsExactAtLargeRatios() {
    Divergence d = divergence();
    double limit = d.fPrimeAtInfinity();
    assumeTrue(limit < Double.POSITIVE_INFINITY, "f'(inf) = +inf: no gap below a limit");
    double previous = Double.POSITIVE_INFINITY;
    for (double u = -700; u <= 700; u += 12.5) {
      double logGap = d.logFPrimeGap(u);
      assertThat(logGap).as("log(f'(inf) - f'(t)) at log t = %s: finite where f is strictly"
          + " convex; override logFPrimeGap with a closed form, or declare powerForm()", u)
          .isFinite().isLessThanOrEqualTo(previous);
      previous = logGap;
      double back = d.logRatioAtFPrimeGap(logGap);
      if (Math.abs(d.logFPrimeGap(u + 0.5) - d.logFPrimeGap(u - 0.5)) > 1e-6) {
        assertThat(back).as("logRatioAtFPrimeGap(logFPrimeGap(%s))", u)
            .isCloseTo(u, within(1e-9 * (1 + Math.abs(u))));
      } else { // the gap no longer moves (t -> 0 with f'(0+) finite): invert the other way
        assertThat(d.logFPrimeGap(back)).as("logFPrimeGap(logRatioAtFPrimeGap(%s))", logGap)
            .isCloseTo(logGap, within(1e-12 * (1 + Math.abs(logGap))));
      }
    }
    for (double u = -3; u <= 3; u += 0.5) {
      double direct = Math.log(limit - d.fPrimeOfLogRatio(u));
      assertThat(d.logFPrimeGap(u)).as("log(f'(inf) - f'(t)) at log t = %s against subtracting",
          u).isCloseTo(direct, within(1e-9 * (1 + Math.abs(direct))));
    }
  }

  @Test
  void derivativeAndItsInversesMatchHighPrecisionValues() throws java.io.IOException {
    assumeTrue(derivativeReferenceValues() != null, "no file of high-precision values given");
    Divergence d = divergence();
    int checked = 0;
    var in = getClass().getResourceAsStream(derivativeReferenceValues());
    assertThat(in).as(derivativeReferenceValues()).isNotNull();
    try (var reader = new java.io.BufferedReader(
        new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        String[] f = line.split(",", -1);
        if (line.startsWith("#") || !f[0].equals(d.toString())) {
          continue;
        }
        double x = Double.parseDouble(f[2]);
        double want = Double.parseDouble(f[3].replace("inf", "Infinity"));
        double got;
        switch (f[1]) {
          case "fprime" -> got = d.fPrimeOfLogRatio(x);
          case "loggap" -> got = d.logFPrimeGap(x);
          case "inverse" -> got = d.logFPrimeInverse(x);
          case "gapinverse" -> got = d.logRatioAtFPrimeGap(x);
          default -> throw new IllegalArgumentException("unknown kind in " + line);
        }
        double tolerance = f[1].equals("fprime") ? 1e-12 * Math.abs(want) + Double.MIN_NORMAL
            : 1e-12 * Math.max(1, Math.abs(want));
        if (Double.isInfinite(want)) {
          assertThat(got).as("%s at %s", f[1], x).isEqualTo(want);
        } else {
          assertThat(got).as("%s at x = %s (mpmath: %s)", f[1], x, want)
              .isCloseTo(want, within(tolerance));
        }
        checked++;
      }
    }
    assertThat(checked).as("values for %s in %s", d, derivativeReferenceValues()).isPositive();
  }

  @Test
  void declaredPowerFormIsTheDerivative() {
    Divergence d = divergence();
    Optional<Divergence.PowerForm> declared = d.powerForm();
    assumeTrue(declared.isPresent(), "no power form declared");
    Divergence.PowerForm form = declared.get();
    for (double u = -30; u <= 30; u += 0.75) {
      double want = d.fPrimeOfLogRatio(u);
      assertThat(form.fPrimeOfLogRatio(u)).as("power form of f' at log t = %s", u)
          .isCloseTo(want, within(1e-12 * (1 + Math.abs(want))));
    }
    assertThat(form.fPrimeAtZero()).as("f'(0+) of the power form").isEqualTo(d.fPrimeAtZero());
    assertThat(form.fPrimeAtInfinity()).as("f'(inf) of the power form")
        .isEqualTo(d.fPrimeAtInfinity());
  }

  @Test
  void generalSolverReachesTheOptimumOnRandomInstances() {
    Divergence d = divergence();
    assumeTrue(d.isStrictlyConvex(), "the general solver needs a strictly convex f");
    SplittableRandom rng = new SplittableRandom(seed() + 1);
    for (int trial = 0; trial < 60; trial++) {
      RegularizedProblem problem = Instances.randomProblem(rng, d);
      String what = "trial " + trial + ", " + problem.references().size() + " references, "
          + problem.references().responses() + " responses, beta " + problem.beta();
      double lambda = assertCertifiedOptimal(problem, what);
      // moderate ratios: the dual located from f' must agree with the one from f values
      double fromValues = Certificates.dualBound(problem, lambda);
      double fromDerivative = Certificates.dualBoundFromDerivative(problem, lambda);
      if (fromDerivative < Double.POSITIVE_INFINITY) {
        assertThat(fromDerivative).as("dual from f' against the dual from f, " + what)
            .isCloseTo(fromValues, within(1e-9 * (1 + Math.abs(fromValues))));
      }
    }
  }

  @Test
  void generalSolverReachesTheOptimumAtRealMagnitudes() {
    Divergence d = divergence();
    assumeTrue(d.isStrictlyConvex(), "the general solver needs a strictly convex f");
    SplittableRandom rng = new SplittableRandom(seed() + 3);
    for (int trial = 0; trial < realMagnitudeTrials(); trial++) {
      RegularizedProblem problem = Instances.realMagnitudeProblem(rng, d);
      assertCertifiedOptimal(problem, "real-magnitude trial " + trial + ", "
          + problem.references().size() + " references, " + problem.references().responses()
          + " responses, beta " + problem.beta() + ", log-probabilities down to "
          + lowestLogProb(problem));
    }
  }

  @Test
  void generalSolverMatchesHighPrecisionOptima() {
    assumeTrue(referenceOptima() != null, "no file of high-precision optima given");
    Divergence d = divergence();
    List<ReferenceOptima.Case> cases = ReferenceOptima.read(getClass(), referenceOptima(),
        d.toString());
    assertThat(cases).as("cases for %s in %s", d, referenceOptima()).isNotEmpty();
    for (int c = 0; c < cases.size(); c++) {
      ReferenceOptima.Case expected = cases.get(c);
      RegularizedProblem problem = expected.problem(d);
      PolicySolution solution = GeneralFSolver.DEFAULT.solve(problem);
      String what = "case " + c + " (" + problem.references().size() + " references, "
          + problem.references().responses() + " responses, span " + expected.span()
          + " nats, beta " + problem.beta() + ")";
      double scale = 1 + Math.abs(expected.objective());
      assertThat(solution.objective()).as("objective, " + what)
          .isCloseTo(expected.objective(), within(1e-9 * scale));
      double[] want = expected.logPolicy();
      for (int y = 0; y < want.length; y++) {
        assertThat(solution.policy().prob(y)).as("pi(y_%s), %s", y, what)
            .isCloseTo(Math.exp(want[y]), within(1e-9));
        if (want[y] > -30) {
          assertThat(solution.policy().logProb(y)).as("log pi(y_%s), %s", y, what)
              .isCloseTo(want[y], within(1e-8 * (1 + Math.abs(want[y]))));
        }
      }
    }
  }

  /**
   * Certifies the general solver's policy: finite objective, reported as evaluated here, within
   * 1e-8 of the dual bound; returns the KKT multiplier used.
   */
  private static double assertCertifiedOptimal(RegularizedProblem problem, String what) {
    PolicySolution solution = GeneralFSolver.DEFAULT.solve(problem);
    LogDistribution pi = solution.policy();
    double value = Certificates.objective(pi, problem);
    double scale = 1 + Math.abs(value);
    assertThat(value).as("objective, " + what).isFinite();
    assertThat(solution.objective()).as("reported objective, " + what)
        .isCloseTo(value, within(1e-9 * scale));
    double gap = Certificates.optimalityGap(pi, problem);
    assertThat(gap).as("duality gap (optimum minus this policy at most), " + what)
        .isLessThan(1e-8 * scale);
    assertThat(gap).as("weak duality, " + what).isGreaterThan(-1e-9 * scale);
    return Certificates.kktLambda(pi, problem);
  }

  private static double lowestLogProb(RegularizedProblem problem) {
    double lowest = 0;
    for (int i = 0; i < problem.references().size(); i++) {
      for (double lq : problem.references().reference(i).logProbs()) {
        if (lq > Double.NEGATIVE_INFINITY) {
          lowest = Math.min(lowest, lq);
        }
      }
    }
    return lowest;
  }

  @Test
  void dpoGradientMatchesFiniteDifferences() {
    Divergence d = divergence();
    SplittableRandom rng = new SplittableRandom(seed() + 2);
    for (int trial = 0; trial < 100; trial++) {
      int k = 1 + rng.nextInt(4);
      double[] alpha = Instances.randomWeights(rng, k);
      double beta = Math.exp(rng.nextDouble(Math.log(0.01), Math.log(10)));
      MultiReferenceDpo dpo = MultiReferenceDpo.of(d, beta, DpoLosses.SIGMOID,
          ReferenceWeighting.fixed(alpha));
      double chosen = -1 - 4 * rng.nextDouble();
      double rejected = -1 - 4 * rng.nextDouble();
      double[] refChosen = new double[k];
      double[] refRejected = new double[k];
      for (int i = 0; i < k; i++) {
        refChosen[i] = chosen + rng.nextDouble(-2, 2);
        refRejected[i] = rejected + rng.nextDouble(-2, 2);
      }
      PairScore score = dpo.score(chosen, rejected, refChosen, refRejected);
      double h = 1e-6;
      double dChosen = (dpo.score(chosen + h, rejected, refChosen, refRejected).loss()
          - dpo.score(chosen - h, rejected, refChosen, refRejected).loss()) / (2 * h);
      double dRejected = (dpo.score(chosen, rejected + h, refChosen, refRejected).loss()
          - dpo.score(chosen, rejected - h, refChosen, refRejected).loss()) / (2 * h);
      assertThat(score.loss()).as("loss, trial %s", trial).isFinite().isPositive();
      assertThat(score.gradChosen()).as("dLoss/dlog pi(chosen), trial %s", trial)
          .isCloseTo(dChosen, within(1e-6 * (1 + Math.abs(dChosen))));
      assertThat(score.gradRejected()).as("dLoss/dlog pi(rejected), trial %s", trial)
          .isCloseTo(dRejected, within(1e-6 * (1 + Math.abs(dRejected))));
      // the logit is the difference of implicit rewards, each beta sum_i alpha_i (f'(t_i) - f'(1))
      double direct = 0;
      for (int i = 0; i < k; i++) {
        direct += alpha[i] * (d.fPrimeOfLogRatio(chosen - refChosen[i]) - d.fPrime(1.0));
      }
      assertThat(score.chosenReward()).as("implicit reward of chosen, trial %s", trial)
          .isCloseTo(beta * direct, within(1e-9 * (1 + Math.abs(beta * direct))));
    }
  }

  /**
   * At log-ratios near 1e4 the DPO scorer never returns NaN or throws. With a declared power form,
   * {@code f'(t) = c t^p + const}, the logit and the implicit rewards are sums of powers of the
   * policy-to-reference ratios, and they must be exact at any magnitude: where single references'
   * terms overflow in opposite directions, the result is finite and exact where the true value
   * is, and the correctly signed infinity where it is not. The kit computes them on its own: each
   * side's terms scaled by the largest and summed exactly in {@link BigDecimal}. With a
   * logarithmic f' ({@code p = 0}) the logit is linear in the log-ratios and checked as such.
   */
  @Test
  void dpoLogitsAreExactAtLogRatiosNear1e4() {
    Divergence d = divergence();
    Optional<Divergence.PowerForm> declared = d.powerForm();
    double p = declared.map(Divergence.PowerForm::exponent).orElse(Double.NaN);
    double c = declared.map(form -> form.scale() / form.exponent()).orElse(Double.NaN);
    SplittableRandom rng = new SplittableRandom(seed() + 3);
    for (int trial = 0; trial < 200; trial++) {
      int k = 2 + rng.nextInt(7);
      double[] alpha = Instances.randomWeights(rng, k);
      double beta = Math.exp(rng.nextDouble(Math.log(0.01), Math.log(10)));
      double chosen = -rng.nextDouble(50, 1e4);
      double rejected = -rng.nextDouble(50, 1e4);
      double[] refChosen = new double[k];
      double[] refRejected = new double[k];
      for (int i = 0; i < k; i++) {
        refChosen[i] = -rng.nextDouble(50, 1e4);
        refRejected[i] = -rng.nextDouble(50, 1e4);
      }
      if (trial % 2 == 0) { // two references that disagree by ~1e4 nats, crosswise
        refChosen[0] = -50;
        refRejected[0] = -1e4 + 50;
        refChosen[1] = -1e4 + 50;
        refRejected[1] = -50;
        chosen = -5000 + rng.nextDouble(-100, 100);
        rejected = -5000 + rng.nextDouble(-100, 100);
      }
      MultiReferenceDpo dpo = MultiReferenceDpo.of(d, beta, DpoLosses.SIGMOID,
          ReferenceWeighting.fixed(alpha));
      PairScore score = dpo.score(chosen, rejected, refChosen, refRejected);
      double[] uw = new double[k];
      double[] ul = new double[k];
      for (int i = 0; i < k; i++) {
        uw[i] = chosen - refChosen[i];
        ul[i] = rejected - refRejected[i];
      }
      String what = "trial " + trial + ", " + k + " references";
      if (p == 0.0) { // f' = scale log t + shift: the logit is linear in the log-ratios
        double linear = 0;
        double size = 0;
        for (int i = 0; i < k; i++) {
          linear += alpha[i] * (uw[i] - ul[i]);
          size += alpha[i] * (Math.abs(uw[i]) + Math.abs(ul[i]));
        }
        double scale = beta * Math.abs(declared.get().scale());
        assertThat(score.logit()).as("logit, %s", what)
            .isCloseTo(beta * declared.get().scale() * linear, within(1e-12 * scale * size));
      } else if (declared.isPresent()) {
        checkPowerSum(score.logit(), beta * c, alpha, p, uw, ul, "logit, " + what);
        checkPowerSum(score.chosenReward(), beta * c, alpha, p, uw, null,
            "implicit reward of chosen, " + what);
      }
      // without a power form the kit has no closed form to hold the logit to, but it is never NaN
      assertThat(score.logit()).as("logit, %s", what).isNotNaN();
      assertThat(score.chosenReward()).as("implicit reward of chosen, %s", what).isNotNaN();
      assertThat(score.loss()).as("loss, %s", what).isNotNaN();
      assertThat(score.gradChosen()).as("dLoss/dlog pi(chosen), %s", what).isNotNaN();
      assertThat(score.gradRejected()).as("dLoss/dlog pi(rejected), %s", what).isNotNaN();
    }
  }

  /**
   * Checks {@code actual} against {@code factor (sum_i alpha_i e^{p a_i} - sum_i alpha_i e^{p
   * b_i})}, with {@code e^{p b_i} = 1} when b is null: exact to 1e-9 of the larger side.
   */
  private static void checkPowerSum(double actual, double factor, double[] alpha, double p,
      double[] a, double[] b, String what) {
    double top = 0;
    for (int i = 0; i < a.length; i++) {
      top = Math.max(top, p * a[i]);
      top = Math.max(top, b == null ? 0 : p * b[i]);
    }
    BigDecimal bracket = BigDecimal.ZERO; // sum of e^{p a_i - top} - e^{p b_i - top}, exactly
    BigDecimal side = BigDecimal.ZERO;
    for (int i = 0; i < a.length; i++) {
      double ea = alpha[i] * Math.exp(p * a[i] - top);
      double eb = alpha[i] * Math.exp((b == null ? 0 : p * b[i]) - top);
      bracket = bracket.add(new BigDecimal(ea)).subtract(new BigDecimal(eb));
      side = side.add(new BigDecimal(Math.max(ea, eb)));
    }
    double scaled = bracket.doubleValue();
    double sign = Math.signum(factor) * Math.signum(scaled);
    double logMagnitude = Math.log(Math.abs(factor)) + top + Math.log(Math.abs(scaled));
    double expected = sign == 0 ? 0.0 : sign * Math.exp(logMagnitude);
    double scale = Math.abs(factor) * Math.exp(top) * side.doubleValue();
    assertThat(actual).as(what).isNotNaN();
    if (Double.isInfinite(expected)) {
      assertThat(actual).as("%s: beyond the double range", what).isEqualTo(expected);
    } else if (Double.isFinite(scale)) {
      assertThat(actual).as(what).isCloseTo(expected, within(1e-9 * scale));
    }
  }
}

package io.github.multiref.solvers;

import io.github.multiref.api.BatchSpec;
import io.github.multiref.api.Diagnostic;
import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.LogMath;
import io.github.multiref.api.PolicySolution;
import io.github.multiref.api.PromptBatch;
import io.github.multiref.api.PromptFailure;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.api.RegularizedProblem;
import io.github.multiref.api.SolutionBatch;
import io.github.multiref.api.Solver;
import io.github.multiref.api.Stability;
import io.github.multiref.api.internal.ArrayKernels;
import io.github.multiref.api.internal.DistributionArrays;
import io.github.multiref.api.internal.MixtureArrays;
import io.github.multiref.divergences.MixtureCombiner;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Multi-reference forward-KL solution (docs/math.md#forward-kl, paper Theorem 6.2):
 * {@code pi*(y) = beta pibar(y) / (lambda - r(y))} on the support S of the mixture pibar, with
 * {@code lambda} the unique root of {@code sum_y beta pibar(y)/(lambda - r(y)) = 1} in the bracket
 * {@code [max(r_max, beta + r_min), beta + r_max]} (r over S).
 *
 * <h2>How lambda is found</h2>
 * With {@code s = lambda - r_max}, M the responses of S with the largest reward and {@code W =
 * beta pibar(M)}, the policy's mass on M is {@code m = W/s}, and m solves {@code G(m) = m + sum_{y
 * in S\M} beta pibar(y) m / (W + m (r_max - r(y))) - 1 = 0}. G is increasing and concave, so
 * Newton's method started at the bracket's left end {@code m = pibar(M)} (that is, {@code lambda =
 * beta + r_max}) increases monotonically to the root without overshooting; each step is also kept
 * inside the bracket. Working with m rather than lambda keeps full relative accuracy in {@code
 * lambda - r_max} even when beta is tiny, and the policy is formed in log space.
 *
 * <h2>Responses outside the mixture's support</h2>
 * Forward KL does not penalize mass where every reference has none, so such a response y gets
 * mass exactly when {@code r(y)} exceeds the lambda found on S. Then {@code lambda = r(y)} for the
 * best such response, S keeps {@code beta pibar(y)/(lambda - r(y))}, and the rest of the mass goes
 * to the best outside responses (split evenly among ties: any split is optimal). Otherwise they
 * get exactly zero mass (docs/math.md#outside-the-support).
 *
 * <h2>The upper bound</h2>
 * The optimum never exceeds the alpha-average of the K single-reference optima, {@code J* <=
 * sum_i alpha_i max_pi (E_pi r - beta KL(pi_i||pi))} (paper Corollary C.1: the maximum of a sum is
 * at most the sum of the maxima). Each single-reference optimum is solved here exactly as the
 * multi-reference one (its mixture is {@code pi_i}), and the average is reported as {@link
 * Diagnostic#HOELDER_BOUND}, the {@code upper_bound} of the output, as reverse KL reports
 * Hoelder's (docs/math.md#forward-kl-upper-bound). It costs one more root per reference with
 * positive weight; {@link #withoutUpperBound()} skips it.
 *
 * <p>Diagnostics: {@code lambda}, {@code upperBound}. Iterations count Newton steps of the
 * multi-reference root; the residual is {@code |sum pi - 1|} before the final renormalization.
 */
@Stability(Stability.Status.STABLE)
public final class ForwardKlSolver implements Solver {

  /** The default relative tolerance on {@code lambda - r_max}. */
  public static final double DEFAULT_TOLERANCE = 1e-15;

  /** The default budget of Newton steps. */
  public static final int DEFAULT_MAX_ITERATIONS = 100;

  /** Relative tolerance 1e-15 on {@code lambda - r_max}, at most 100 Newton steps. */
  public static final ForwardKlSolver DEFAULT = new ForwardKlSolver(DEFAULT_TOLERANCE,
      DEFAULT_MAX_ITERATIONS);

  private final double relativeTolerance;
  private final int maxIterations;
  private final boolean upperBound;

  private ForwardKlSolver(double relativeTolerance, int maxIterations) {
    this(relativeTolerance, maxIterations, true);
  }

  private ForwardKlSolver(double relativeTolerance, int maxIterations, boolean upperBound) {
    this.relativeTolerance = relativeTolerance;
    this.maxIterations = maxIterations;
    this.upperBound = upperBound;
  }

  /**
   * This solver without the upper bound: the same policies, objectives and multipliers, bit for
   * bit, and no {@link Diagnostic#HOELDER_BOUND} (NaN in a {@link SolutionBatch}). The bound costs
   * one more root per reference, which multiplies the solver's time by about 2.5 at K = 4; this is
   * for callers that do not read it.
   */
  public ForwardKlSolver withoutUpperBound() {
    return new ForwardKlSolver(relativeTolerance, maxIterations, false);
  }

  /**
   * A solver with explicit tolerance and budget.
   *
   * @param relativeTolerance relative step size at which Newton stops, in {@code (0, 1e-6]}
   * @param maxIterations Newton steps allowed before {@link ArithmeticException}, {@code >= 1}
   */
  public static ForwardKlSolver of(double relativeTolerance, int maxIterations) {
    if (!(relativeTolerance > 0 && relativeTolerance <= 1e-6)) {
      throw new IllegalArgumentException(
          "tolerance must be in (0, 1e-6], got " + relativeTolerance);
    }
    if (maxIterations < 1) {
      throw new IllegalArgumentException("max-iterations must be >= 1, got " + maxIterations);
    }
    return new ForwardKlSolver(relativeTolerance, maxIterations);
  }

  /** Forward KL and its positive multiples, by their power form (see {@link KlFamily}). */
  @Override
  public boolean supports(Divergence divergence) {
    return KlFamily.forwardKl(divergence).isPresent();
  }

  @Override
  public PolicySolution solve(RegularizedProblem problem) {
    return solve(problem, new Work(problem.references().responses()));
  }

  /**
   * Solves the problems in order with one set of working arrays, allocated again only when the
   * number of responses changes: the results are bitwise those of {@link #solve}.
   */
  @Override
  public List<PolicySolution> solveAll(List<RegularizedProblem> problems) {
    return WorkingMemory.solveInOrder(problems, Work::new, Work::clear, this::solve);
  }

  /**
   * Solves the batch's prompts from its columns: each reference is normalized (or checked) into
   * working arrays as {@link LogDistribution} would hold it, the mixture, multiplier and policy are
   * found as {@link #solve} finds them, and the policy and the mixture go straight to {@code out}.
   * The working arrays live for the whole range; nothing is allocated per prompt except where
   * {@code pibar(M)} underflows (the general solver's path, through the object API). Bitwise what
   * {@link #solve} gives for {@link BatchSpec#problem}.
   */
  @Override
  public void solveBatch(PromptBatch batch, int from, int to, BatchSpec spec,
      SolutionBatch out) {
    int most = BatchColumns.checkRange(batch, from, to, spec, out);
    Divergence.PowerForm form = form(spec.divergence());
    double beta = spec.beta() * form.scale();
    double[] weights = spec.weights();
    int k = weights.length;
    Work work = new Work(most);
    double[][] own = new double[k][most]; // copied: the entropies read them from index 0
    double[][] logs = new double[k][];
    int[] logsFrom = new int[k];
    double[][] probs = new double[k][most];
    for (int p = from; p < to; p++) {
      int n = batch.responses(p);
      int at = batch.offset(p);
      work.clear(n);
      BatchColumns.references(batch, p, spec, false, own, logs, logsFrom, probs);
      BatchColumns.checkRewards(batch, p); // after the references, as BatchSpec.problem checks
      System.arraycopy(batch.rewards(), at, work.reward, 0, n);
      try {
        work.prompt = null;
        work.batch = batch;
        work.index = p;
        if (!solve(weights, logs, probs, n, beta, spec.beta(), form, work)) {
          RegularizedProblem problem = spec.problem(batch, p);
          PolicySolution s = solve(problem); // the general solver's path
          out.set(p, s, out.wantsReferences() ? MixtureCombiner.INSTANCE
              .combine(problem.references()).distribution().logProbs() : null);
          continue;
        }
        final int prompt = p;
        work.bound = upperBound ? bound(weights, logs, probs, n, beta, spec.beta(), form, work,
            i -> spec.problem(batch, prompt)) : Double.NaN;
        double mass = ArrayKernels.checkedProbabilitySum(work.logs, work.linear, n);
        if (!(Math.abs(mass - 1.0) <= 1e-9)) { // as LogDistribution.withProbabilities checks
          LogDistribution.withProbabilities(Arrays.copyOf(work.logs, n),
              Arrays.copyOf(work.linear, n), 1e-9); // throws, with the message of solve
        }
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw new PromptFailure(p, null, e);
      }
      System.arraycopy(work.logs, 0, out.policyLogProbs(), at, n);
      if (out.wantsReferences()) {
        double[] u = work.others; // free again: log pibar, normalized as MixtureCombiner does
        for (int y = 0; y < n; y++) {
          u[y] = work.mixture.logMix(y);
        }
        BatchColumns.normalizeInto(u, n, work.gaps, out.referenceLogProbs(), at);
        out.hasReference()[p] = true;
      }
      out.objective()[p] = work.objective;
      out.upperBound()[p] = work.bound;
      out.multiplier()[p] = work.multiplier;
      out.iterations()[p] = work.iterations;
      out.residual()[p] = work.residual;
    }
  }

  private static Divergence.PowerForm form(Divergence divergence) {
    return KlFamily.forwardKl(divergence).orElseThrow(() -> new IllegalArgumentException(
        "the forward-KL solver needs the forward-kl divergence, got " + divergence));
  }

  /**
   * One prompt's working memory: the mixture's two arrays start cleared over the prompt's
   * responses, the others are overwritten; then the results of {@link #solve(double[],
   * double[][], double[][], int, double, double, Divergence.PowerForm, Work)}, and the prompt's
   * label (or its batch and index, from which the label is made only for a message).
   */
  private static final class Work {
    final double[] reward;
    final double[] mix;
    final boolean[] tiny;
    final double[] others;
    final double[] gaps;
    final double[] linear;
    final double[] logs;
    final double[] sums = new double[2];
    final double[] range = new double[3];
    MixtureArrays mixture;
    double objective;
    double bound;
    double multiplier;
    double residual;
    int iterations;
    String prompt;
    PromptBatch batch;
    int index;
    /** The working memory of the single-reference problems of the bound, made when first used. */
    private Work single;
    final double[][] oneLog = new double[1][];
    final double[][] oneProb = new double[1][];

    Work(int n) {
      reward = new double[n];
      mix = new double[n];
      tiny = new boolean[n];
      others = new double[n];
      gaps = new double[n];
      linear = new double[n];
      logs = new double[n];
    }

    void clear() {
      clear(mix.length);
    }

    void clear(int n) {
      Arrays.fill(mix, 0, n, 0.0);
      Arrays.fill(tiny, 0, n, false);
    }

    String prompt() {
      return prompt != null ? prompt : batch.prompt(index);
    }

    Work single() {
      if (single == null) {
        single = new Work(reward.length);
      }
      return single;
    }
  }

  private PolicySolution solve(RegularizedProblem problem, Work work) {
    Divergence.PowerForm form = form(problem.divergence());
    ReferenceSet refs = problem.references();
    int n = refs.responses();
    double beta = problem.beta() * form.scale(); // D_f = scale KL(pi_i||pi)
    for (int y = 0; y < n; y++) {
      work.reward[y] = problem.reward(y);
    }
    double[][] logs = new double[refs.size()][];
    double[][] probs = new double[refs.size()][];
    for (int i = 0; i < refs.size(); i++) { // read in place, not copied
      logs[i] = DistributionArrays.logProbs(refs.reference(i));
      probs[i] = DistributionArrays.probs(refs.reference(i));
    }
    work.prompt = refs.prompt();
    if (!solve(refs.weights(), logs, probs, n, beta, problem.beta(), form, work)) {
      // pibar(M) underflows and M does not take the bulk: lambda - r_max is an ordinary number
      // that m cannot express; the general solver's log-space multiplier can
      PolicySolution general = GeneralFSolver.DEFAULT.solve(problem);
      Map<Diagnostic, Double> diagnostics = new LinkedHashMap<>(general.diagnostics());
      if (upperBound) {
        diagnostics.put(Diagnostic.HOELDER_BOUND, bound(refs.weights(), logs, probs, n, beta,
            problem.beta(), form, work, i -> problem));
      }
      return new PolicySolution(general.policy(), general.objective(), general.iterations(),
          general.residual(), diagnostics, Optional.of(MixtureCombiner.INSTANCE));
    }
    LogDistribution pi = LogDistribution.withProbabilities(work.logs, work.linear, 1e-9);
    Map<Diagnostic, Double> diagnostics = new LinkedHashMap<>();
    diagnostics.put(Diagnostic.MULTIPLIER, work.multiplier);
    if (upperBound) {
      diagnostics.put(Diagnostic.HOELDER_BOUND, bound(refs.weights(), logs, probs, n, beta,
          problem.beta(), form, work, i -> problem));
    }
    return new PolicySolution(pi, work.objective, work.iterations, work.residual, diagnostics,
        Optional.of(MixtureCombiner.INSTANCE));
  }

  /**
   * Corollary C.1: {@code sum_i alpha_i J_i*}, each {@code J_i*} the optimum with reference i alone,
   * solved by the core as the multi-reference problem is (in {@code work.single()}, leaving {@code
   * work} as it was); where the core cannot express a single problem's multiplier, the general
   * solver solves that one, from the reference of {@code problems.apply(i)}.
   */
  private double bound(double[] weights, double[][] logs, double[][] probs, int n, double beta,
      double problemBeta, Divergence.PowerForm form, Work work,
      IntFunction<RegularizedProblem> problems) {
    Work single = work.single();
    single.prompt = work.prompt;
    single.batch = work.batch;
    single.index = work.index;
    double bound = 0.0;
    for (int i = 0; i < weights.length; i++) {
      if (!(weights[i] > 0.0)) {
        continue;
      }
      single.clear(n);
      System.arraycopy(work.reward, 0, single.reward, 0, n);
      single.oneLog[0] = logs[i];
      single.oneProb[0] = probs[i];
      double optimum;
      if (solve(ONE, single.oneLog, single.oneProb, n, beta, problemBeta, form, single)) {
        optimum = single.objective;
      } else {
        RegularizedProblem problem = problems.apply(i);
        optimum = GeneralFSolver.DEFAULT.solve(RegularizedProblem.of(
            ReferenceSet.of(problem.references().prompt(),
                List.of(problem.references().reference(i)), 1.0),
            Arrays.copyOf(single.reward, n), problem.beta(), problem.divergence())).objective();
      }
      bound += weights[i] * optimum;
    }
    return bound;
  }

  private static final double[] ONE = {1.0};

  /**
   * The core of both paths, over references i with {@code weights[i] > 0} held as {@code logs[i]}
   * and {@code probs[i]} (the first n entries) and the rewards in {@code work.reward}: the policy
   * into {@code work.logs} and {@code work.linear}, its objective, multiplier, Newton steps and
   * residual into work. Returns false, with nothing solved, where the general solver must take
   * over (see {@link #multiplier}).
   *
   * @param beta the scaled beta of {@code scale KL}
   * @param problemBeta the problem's own beta, for the divergence's multiplier
   */
  private boolean solve(double[] weights, double[][] logs, double[][] probs, int n, double beta,
      double problemBeta, Divergence.PowerForm form, Work work) {
    double[] r = work.reward;
    MixtureArrays mix = new MixtureArrays(weights, logs, new int[weights.length], probs, n,
        work.mix, work.tiny);
    work.mixture = mix;
    Top top = Top.of(r, mix, n, work.range);
    Root root = multiplier(beta, r, n, mix, top, work);
    if (root == null) {
      return false;
    }
    double lambda = top.rMax() + root.s();
    boolean outsideWins = top.rOutside() > lambda;
    if (outsideWins) {
      lambda = top.rOutside();
    }
    double total = policy(beta, r, n, mix, top, root, lambda, outsideWins, work);
    if (outsideWins) {
      total += giveTheRestOutside(r, n, mix, top.rOutside(), total, work);
    }
    double residual = Math.abs(total - 1.0);
    if (!(residual <= 1e-6)) {
      throw new ArithmeticException("prompt '" + work.prompt() + "': the forward-KL solver found"
          + " lambda = " + lambda + " but the policy's mass there is " + total + ", not 1");
    }
    double[] linear = work.linear;
    double[] logsOut = work.logs;
    double logTotal = Math.log(total);
    double inverseTotal = 1.0 / total;
    for (int y = 0; y < n; y++) {
      logsOut[y] -= logTotal;
      linear[y] *= inverseTotal;
    }
    work.objective = objective(weights, logs, probs, beta, r, n, mix, linear, logsOut);
    // lambda of f'(t) = -1/t (scaled); the divergence's own f' is shifted by shift + scale
    work.multiplier = lambda - problemBeta * (form.shift() + form.scale());
    work.iterations = root.iterations();
    work.residual = residual;
    return true;
  }

  /**
   * The rewards over the mixture's support S and beyond it.
   *
   * @param rMax the largest reward on S
   * @param rMin the smallest reward on S
   * @param rOutside the largest reward off S (-inf if S is everything)
   * @param logMassTop {@code log pibar(M)}, M the responses of S with reward {@code rMax}
   */
  private record Top(double rMax, double rMin, double rOutside, double logMassTop) {
    static Top of(double[] r, MixtureArrays mix, int n, double[] range) {
      double rMax;
      double rMin;
      double rOutside;
      if (mix.tiny() == 0) { // the support is where the linear mixture is positive: one SIMD pass
        ArrayKernels.rangeWherePositive(r, mix.mix(), n, range);
        rMax = range[0];
        rMin = range[1];
        rOutside = range[2];
      } else {
        rMax = Double.NEGATIVE_INFINITY;
        rMin = Double.POSITIVE_INFINITY;
        rOutside = Double.NEGATIVE_INFINITY;
        for (int y = 0; y < n; y++) {
          if (mix.inSupport(y)) {
            rMax = Math.max(rMax, r[y]);
            rMin = Math.min(rMin, r[y]);
          } else {
            rOutside = Math.max(rOutside, r[y]);
          }
        }
      }
      double logMassTop = Double.NEGATIVE_INFINITY;
      for (int y = ArrayKernels.nextEqual(r, rMax, 0, n); y < n;
          y = ArrayKernels.nextEqual(r, rMax, y + 1, n)) { // the few best, a vector at a time
        if (mix.inSupport(y)) {
          logMassTop = LogMath.logAddExp(logMassTop, mix.logMix(y));
        }
      }
      return new Top(rMax, rMin, rOutside, logMassTop);
    }
  }

  /**
   * The multiplier as the policy's mass m on M and {@code s = lambda - r_max = W/m}.
   *
   * @param iterations Newton steps taken
   */
  private record Root(double m, double s, int iterations) {}

  /** Where {@code w = beta pibar(M)} is so small that Newton's sums are taken rescaled. */
  private static final double SCALE_BELOW = 1e-150;

  /**
   * Solves {@code G(m) = 0} by Newton from the left (see the class comment); null when
   * {@code pibar(M)} underflows and the rest of S holds the bulk of the mass, which m cannot
   * express.
   */
  private Root multiplier(double beta, double[] r, int n, MixtureArrays mix, Top top,
      Work work) {
    double[] linearMix = mix.mix();
    double w = beta * Math.exp(top.logMassTop());
    // Newton works on the responses of S \ M: their weight beta pibar(y) and gap r_max - r(y)
    // (the others weigh 0); and the most they can hold (at lambda = r_max), so m >= 1 - rest at
    // the root. One SIMD pass, no compaction: the zero weights add nothing
    double[] others = work.others;
    double[] gaps = work.gaps;
    double rest = ArrayKernels.secularTerms(r, linearMix, n, top.rMax(), beta, others, gaps);
    if (w == 0.0) {
      // pibar(M) underflows: s is below the smallest double, lambda = r_max to rounding
      return rest < 1.0 ? new Root(1.0 - rest, 0.0, 0) : null;
    }
    double lo = Math.exp(top.logMassTop());
    double spread = top.rMax() - top.rMin();
    double hi = beta > spread ? Math.min(1.0, w / (beta - spread)) : 1.0;
    // start at the larger of the two left ends: from pibar(M) alone, Newton creeps up by
    // factors when pibar(M) is astronomically small and M still takes most of the mass
    double m = Math.min(Math.max(lo, 1.0 - rest), hi);
    double[] sums = work.sums;
    int iterations = 0;
    // below 1e-150, w and m square to overflow in the slope's terms (a w / (w + m g)^2): G's terms
    // are homogeneous in (w, m), so the sums are taken at (w / m, 1), where w / m = s <= beta, and
    // the slope divided by m
    boolean scaled = w < SCALE_BELOW;
    while (true) {
      if (scaled) {
        ArrayKernels.secular(others, gaps, n, w / m, 1.0, sums);
        sums[1] /= m;
      } else {
        ArrayKernels.secular(others, gaps, n, w, m, sums);
      }
      double g = m - 1.0 + sums[0];
      double slope = 1.0 + sums[1];
      if (!(slope < Double.POSITIVE_INFINITY)) {
        return null; // w near the smallest doubles: the general solver's log-space multiplier
      }
      if (g >= 0) {
        break; // at the root to rounding: Newton from the left never passes it
      }
      double next = Math.min(m - g / slope, hi);
      iterations++;
      if (!(next > m) || next - m <= relativeTolerance * next) {
        m = Math.max(m, next);
        break;
      }
      if (iterations >= maxIterations) {
        throw new ArithmeticException("prompt '" + work.prompt() + "': forward-KL lambda did not"
            + " converge to " + relativeTolerance + " within " + maxIterations + " Newton steps");
      }
      m = next;
    }
    return new Root(m, w / m, iterations);
  }

  /**
   * The unnormalized policy on S into {@code work.linear} and {@code work.logs} (zero off S),
   * returning its mass: in linear space with its logs by one vectorizable pass, and in log space
   * where the linear value underflows or sits at the top.
   */
  private static double policy(double beta, double[] r, int n, MixtureArrays mix, Top top,
      Root root, double lambda, boolean outsideWins, Work work) {
    double[] linearMix = mix.mix();
    double[] linear = work.linear;
    double[] logs = work.logs;
    double logBeta = Math.log(beta);
    double logM = Math.log(root.m());
    double s = root.s();
    if (outsideWins) { // two loops, so that each is one SIMD loop
      for (int y = 0; y < n; y++) {
        linear[y] = beta * linearMix[y] / (lambda - r[y]);
      }
    } else {
      double rMax = top.rMax();
      for (int y = 0; y < n; y++) {
        linear[y] = beta * linearMix[y] / (s + (rMax - r[y]));
      }
    }
    ArrayKernels.log(linear, logs, n);
    // what the pass above gets wrong, a vector at a time: off the support (linear 0 there, or
    // -0.0 past lambda), where linear underflows, and at the top (exact in log space); the mass
    // is summed after, not in this loop (a serial chain of additions)
    double best = outsideWins ? Double.NaN : top.rMax(); // NaN equals nothing
    for (int y = ArrayKernels.nextFlagged(linear, Double.MIN_NORMAL, r, best, 0, n); y < n;
        y = ArrayKernels.nextFlagged(linear, Double.MIN_NORMAL, r, best, y + 1, n)) {
      if (!mix.inSupport(y)) {
        linear[y] = 0.0;
        logs[y] = Double.NEGATIVE_INFINITY;
        continue;
      }
      boolean atTop = r[y] == best;
      double distance = outsideWins ? lambda - r[y] : s + (top.rMax() - r[y]);
      logs[y] = atTop ? mix.logMix(y) - top.logMassTop() + logM
          : logBeta + mix.logMix(y) - Math.log(distance);
      linear[y] = Math.exp(logs[y]);
    }
    return ArrayKernels.sum(linear, n);
  }

  /**
   * The mass S leaves, split evenly among the best responses off S (any split is optimal);
   * returns the mass given.
   */
  private static double giveTheRestOutside(double[] r, int n, MixtureArrays mix,
      double rOutside, double total, Work work) {
    double[] linear = work.linear;
    double[] logs = work.logs;
    int ties = 0;
    for (int y = 0; y < n; y++) {
      if (!mix.inSupport(y) && r[y] == rOutside) {
        ties++;
      }
    }
    double each = Math.max(0.0, 1.0 - total) / ties;
    double logEach = LogMath.log1mExp(Math.min(LogMath.logSumExp(Arrays.copyOf(logs, n)), 0.0))
        - Math.log(ties);
    double given = 0.0;
    for (int y = 0; y < n; y++) {
      if (!mix.inSupport(y) && r[y] == rOutside) {
        linear[y] = each;
        logs[y] = logEach;
        given += each;
      }
    }
    return given;
  }

  /**
   * {@code J_F = E_pi r - beta sum_i alpha_i KL(pi_i||pi)}, with {@code sum_i alpha_i KL(pi_i||pi)
   * = sum_i alpha_i sum_y pi_i log pi_i - sum_y pibar log pi}.
   */
  private static double objective(double[] weights, double[][] logs, double[][] probs,
      double beta, double[] r, int n, MixtureArrays mix, double[] linear, double[] logsOut) {
    double weightedNegativeEntropy = 0.0;
    for (int i = 0; i < weights.length; i++) {
      double a = weights[i];
      if (a > 0.0) { // as LogDistribution.entropy computes it
        weightedNegativeEntropy -= a * -ArrayKernels.dotWherePositive(probs[i], logs[i], n);
      }
    }
    double expectedReward = ArrayKernels.dot(linear, r, n);
    double crossEntropy = -ArrayKernels.dotWherePositive(mix.mix(), logsOut, n); // -sum pibar log pi
    return expectedReward - beta * (weightedNegativeEntropy + crossEntropy);
  }

  @Override
  public String toString() {
    return "forward-kl-implicit";
  }
}

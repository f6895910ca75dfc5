package io.github.multiref.solvers;

import io.github.multiref.api.LogMath;

/**
 * How the general solver parametrizes the multiplier lambda of the simplex constraint, so that
 * every policy a double can hold is reached by a double z (docs/math.md#any-f-divergence). With {@code R} the best reward among regular responses, {@code gap(y) = R -
 * r(y)} and W the total weight:
 *
 * <ul>
 *   <li>{@link Saturating} ({@code f'(inf)} finite): {@code z = log(lambda - R + beta W f'(inf))}.
 *       The KKT condition is {@code G_y(p) = (e^z + gap(y)) / beta} with G the gap sum, so a
 *       response whose reference mass is {@code e^-1000} of the policy's needs {@code e^z} near
 *       {@code e^-500} (squared Hellinger): far below the rounding of lambda, but an ordinary z.
 *   <li>{@link BoundedBelow} ({@code f'(0+)} finite, {@code f'(inf)} not): {@code z = -log(R -
 *       lambda - beta W f'(0+))}, and {@code E_y(p) = (e^-z - gap(y)) / beta} with E the excess sum;
 *       a response with {@code gap(y) >= e^-z} gets exactly zero mass.
 *   <li>{@link Unbounded} (neither): {@code z = lambda - R} and the derivative sum equals {@code
 *       -(gap(y) + z) / beta}.
 * </ul>
 *
 * In each, {@code pi_z(y)} decreases in z, and so does the total mass.
 */
abstract class Multiplier {

  final KktResponses responses;
  final ResponseSum sum;
  final double logBeta;

  Multiplier(KktResponses responses, ResponseSum sum) {
    this.responses = responses;
    this.sum = sum;
    this.logBeta = Math.log(responses.beta);
  }

  /** {@code log pi_z(y)} for a regular response; {@code -inf} for zero mass. */
  abstract double logMass(int y, double z);

  /** The z at which {@code pi_z(y) = exp(logP)}; {@code -inf} when no z gives that mass. */
  abstract double at(int y, double logP);

  /** lambda for z. */
  abstract double lambda(double z);

  /**
   * The z at which the best degenerate response (no weighted reference has mass there) would take
   * mass: {@code -inf} unless {@code f'(inf)} is finite and its reward beats every regular one.
   */
  double degenerate() {
    return Double.NEGATIVE_INFINITY;
  }

  /** {@code f'(inf)} finite: z is the log of lambda's distance above the saturation point. */
  static final class Saturating extends Multiplier {
    private final double saturation; // R - beta W f'(inf)
    private final double logSumAtZero; // log G_y(0+) / A_y: log(f'(inf) - f'(0+))
    private final double[] logMassWeight;

    Saturating(KktResponses responses, ResponseSum sum, double fPrimeAtInfinity,
        double logGapAtZero) {
      super(responses, sum);
      saturation = responses.bestReward
          - responses.beta * responses.totalWeight * fPrimeAtInfinity;
      logSumAtZero = logGapAtZero;
      logMassWeight = new double[responses.n];
      for (int y = 0; y < responses.n; y++) {
        logMassWeight[y] = Math.log(responses.massWeight[y]);
      }
    }

    @Override
    double logMass(int y, double z) {
      double target = LogMath.logAddExp(z, responses.logGap[y]) - logBeta;
      if (target >= logMassWeight[y] + logSumAtZero) {
        return Double.NEGATIVE_INFINITY;
      }
      return sum.solve(y, target);
    }

    @Override
    double at(int y, double logP) {
      double a = logBeta + sum.at(y, logP);
      double logGap = responses.logGap[y];
      if (logGap == Double.NEGATIVE_INFINITY) {
        return a;
      }
      return a > logGap ? a + LogMath.log1mExp(logGap - a) : Double.NEGATIVE_INFINITY;
    }

    @Override
    double lambda(double z) {
      return saturation + Math.exp(z);
    }

    @Override
    double degenerate() {
      double excess = responses.bestDegenerateReward - responses.bestReward;
      return excess > 0 ? Math.log(excess) : Double.NEGATIVE_INFINITY;
    }
  }

  /** {@code f'(0+)} finite, {@code f'(inf)} infinite: z is minus the log of lambda's room. */
  static final class BoundedBelow extends Multiplier {
    private final double top; // R - beta W f'(0+)

    BoundedBelow(KktResponses responses, ResponseSum sum, double fPrimeAtZero) {
      super(responses, sum);
      top = responses.bestReward - responses.beta * responses.totalWeight * fPrimeAtZero;
    }

    @Override
    double logMass(int y, double z) {
      double logRoom = -z;
      double logGap = responses.logGap[y];
      double logExcess;
      if (logGap == Double.NEGATIVE_INFINITY) {
        logExcess = logRoom;
      } else if (logRoom > logGap) {
        logExcess = logRoom + LogMath.log1mExp(logGap - logRoom);
      } else {
        return Double.NEGATIVE_INFINITY;
      }
      return sum.solve(y, logExcess - logBeta);
    }

    @Override
    double at(int y, double logP) {
      return -LogMath.logAddExp(logBeta + sum.at(y, logP), responses.logGap[y]);
    }

    @Override
    double lambda(double z) {
      return top - Math.exp(-z);
    }
  }

  /** Neither limit of f' finite (reverse KL's family): z is lambda relative to the best reward. */
  static final class Unbounded extends Multiplier {

    Unbounded(KktResponses responses, ResponseSum sum) {
      super(responses, sum);
    }

    @Override
    double logMass(int y, double z) {
      return sum.solve(y, -(responses.gap[y] + z) / responses.beta);
    }

    @Override
    double at(int y, double logP) {
      return -responses.gap[y] - responses.beta * sum.at(y, logP);
    }

    @Override
    double lambda(double z) {
      return responses.bestReward + z;
    }
  }
}

package readme;

import io.github.multiref.api.Divergence;

/**
 * The divergence the README's plugin snippets assume a plugin author wrote. Here: triangular
 * discrimination (Le Cam), {@code f(t) = (t - 1)^2 / (t + 1)}, so {@code D(p||q) = sum (p - q)^2 /
 * (p + q)}; {@code f'(t) = 1 - 4 / (t + 1)^2} runs from -3 to 1, with inverse {@code 2 / sqrt(1 -
 * u) - 1}. The README's contract-test snippet runs the whole kit on it.
 */
public final class MyDivergence implements Divergence {

  @Override
  public double f(double t) {
    return t == Double.POSITIVE_INFINITY ? t : (t - 1) * (t - 1) / (t + 1);
  }

  @Override
  public double fPrime(double t) {
    return 1 - 4 / ((t + 1) * (t + 1));
  }

  @Override
  public double fPrimeInverse(double u) {
    if (u <= -3) {
      return 0.0;
    }
    if (u >= 1) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.max(0.0, 2 / Math.sqrt(1 - u) - 1);
  }

  @Override
  public double logSlopeOfFPrime(double logT) {
    // t f''(t) = 8 t / (t + 1)^3
    double log1pT = logT > 0 ? logT + Math.log1p(Math.exp(-logT)) : Math.log1p(Math.exp(logT));
    return Math.log(8) + logT - 3 * log1pT;
  }

  @Override
  public double term(double logP, double logQ) {
    double p = Math.exp(logP);
    double q = Math.exp(logQ);
    return p + q == 0 ? 0.0 : (p - q) * (p - q) / (p + q);
  }
}

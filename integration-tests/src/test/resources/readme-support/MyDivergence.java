package readme;

import io.github.multiref.api.Divergence;

/**
 * The divergence the README's plugin snippets assume a plugin author wrote: here the reverse-KL
 * generator t log t, written out, so that the contract-test snippet has something real to check.
 */
public final class MyDivergence implements Divergence {

  @Override
  public double f(double t) {
    return t == 0 ? 0 : t * Math.log(t);
  }

  @Override
  public double fPrime(double t) {
    return t == 0 ? Double.NEGATIVE_INFINITY : Math.log(t) + 1;
  }

  @Override
  public double fPrimeInverse(double u) {
    return Math.exp(u - 1);
  }

  @Override
  public double logFPrimeInverse(double u) {
    return u - 1;
  }

  @Override
  public double fPrimeOfLogRatio(double logT) {
    return logT + 1;
  }

  @Override
  public double logSlopeOfFPrime(double logT) {
    return 0.0; // t f''(t) = 1
  }

  @Override
  public double term(double logP, double logQ) {
    if (logP == Double.NEGATIVE_INFINITY) {
      return 0.0;
    }
    if (logQ == Double.NEGATIVE_INFINITY) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.exp(logP) * (logP - logQ);
  }
}

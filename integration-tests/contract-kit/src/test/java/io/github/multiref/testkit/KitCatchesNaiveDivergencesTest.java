package io.github.multiref.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogMath;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The kit tells a plugin author about the bug a new user found at real magnitudes: a divergence
 * written the way the Neyman chi^2 example was before (f, f', its inverse and a log-space term, all
 * correct, but no exact gap below {@code f'(inf)} and no power form) passed every earlier suite,
 * while the general solver gave silently wrong optima with it. The suite must now fail it, and
 * only where that gap matters.
 */
class KitCatchesNaiveDivergencesTest {

  /** Neyman chi^2 as the example plugin had it: exact everywhere but near f'(inf) = 1. */
  static final class NaiveNeyman implements Divergence {
    @Override
    public double f(double t) {
      return t == 0.0 ? Double.POSITIVE_INFINITY : (t - 1.0) * (t - 1.0) / t;
    }

    @Override
    public double fPrime(double t) {
      return 1.0 - 1.0 / (t * t);
    }

    @Override
    public double fPrimeInverse(double u) {
      return u >= 1.0 ? Double.POSITIVE_INFINITY : 1.0 / Math.sqrt(1.0 - u);
    }

    @Override
    public double logFPrimeInverse(double u) {
      return u >= 1.0 ? Double.POSITIVE_INFINITY : -0.5 * Math.log1p(-u);
    }

    @Override
    public double fPrimeOfLogRatio(double logT) {
      return -Math.expm1(-2.0 * logT);
    }

    @Override
    public double term(double logP, double logQ) {
      if (logQ == Double.NEGATIVE_INFINITY) {
        return Math.exp(logP);
      }
      if (logP == Double.NEGATIVE_INFINITY) {
        return Double.POSITIVE_INFINITY;
      }
      return Math.exp(logP + 2.0 * LogMath.logAbsExpm1(logQ - logP));
    }

    @Override
    public double fPrimeDifference(double logT1, double logT2) {
      return LogMath.expDifference(-2.0 * logT2, -2.0 * logT1);
    }

    @Override
    public double logSlopeOfFPrime(double logT) {
      return LogMath.LN2 - 2.0 * logT;
    }

    @Override
    public String toString() {
      return "naive-neyman";
    }
  }

  /** Not run by the build on its own (a nested class); run below through the launcher. */
  static final class NaiveNeymanContract extends DivergenceContract {
    @Override
    protected Divergence divergence() {
      return new NaiveNeyman();
    }
  }

  @Test
  void theSuiteFailsADivergenceWithoutAnExactGapAndPassesTheRest() {
    Set<String> failed = new TreeSet<>();
    Set<String> passed = new TreeSet<>();
    LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(NaiveNeymanContract.class)).build(), new TestExecutionListener() {
          @Override
          public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (id.getSource().orElse(null) instanceof MethodSource source) {
              if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                failed.add(source.getMethodName());
              } else if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                passed.add(source.getMethodName());
              }
            }
          }
        });
    assertThat(failed).as("checks the naive divergence fails").containsExactlyInAnyOrder(
        "gapBelowTheLimitOfTheDerivativeIsExactAtLargeRatios",
        "generalSolverReachesTheOptimumAtRealMagnitudes");
    assertThat(passed).as("checks it passes").contains(
        "generalSolverReachesTheOptimumOnRandomInstances", "derivativeMatchesCentralDifferences",
        "logSpaceTermMatchesDirectEvaluation");
  }
}

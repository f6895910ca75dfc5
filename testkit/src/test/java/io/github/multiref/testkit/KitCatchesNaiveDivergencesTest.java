package io.github.multiref.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.github.multiref.api.Divergence;
import io.github.multiref.divergences.SquaredHellinger;
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
 * with a finite {@code f'(inf)} written with f, f', its inverse and a log-space term, all correct,
 * but neither an exact gap below {@code f'(inf)} nor a power form (as the Neyman chi^2 example was)
 * passed every earlier suite, while the general solver gave silently wrong optima with it. The
 * suite must now fail such a divergence, and only where that gap matters.
 */
class KitCatchesNaiveDivergencesTest {

  /**
   * Squared Hellinger as such a plugin would have it: every method of the built-in but the two
   * that state the gap exactly (and its power form, which implies them).
   */
  static final class NaiveHellinger implements Divergence {
    private final Divergence exact = SquaredHellinger.INSTANCE;

    @Override
    public double f(double t) {
      return exact.f(t);
    }

    @Override
    public double fPrime(double t) {
      return exact.fPrime(t);
    }

    @Override
    public double fPrimeInverse(double u) {
      return exact.fPrimeInverse(u);
    }

    @Override
    public double logFPrimeInverse(double u) {
      return exact.logFPrimeInverse(u);
    }

    @Override
    public double fPrimeOfLogRatio(double logT) {
      return exact.fPrimeOfLogRatio(logT);
    }

    @Override
    public double term(double logP, double logQ) {
      return exact.term(logP, logQ);
    }

    @Override
    public double fPrimeDifference(double logT1, double logT2) {
      return exact.fPrimeDifference(logT1, logT2);
    }

    @Override
    public double logSlopeOfFPrime(double logT) {
      return exact.logSlopeOfFPrime(logT);
    }

    @Override
    public String toString() {
      return "naive-hellinger";
    }
  }

  /** Not run by the build on its own (a nested class); run below through the launcher. */
  static final class NaiveHellingerContract extends DivergenceContract {
    @Override
    protected Divergence divergence() {
      return new NaiveHellinger();
    }
  }

  @Test
  void theSuiteFailsADivergenceWithoutAnExactGapAndPassesTheRest() {
    Set<String> failed = new TreeSet<>();
    Set<String> passed = new TreeSet<>();
    LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(NaiveHellingerContract.class)).build(), new TestExecutionListener() {
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
        "generalSolverReachesTheOptimumAtRealMagnitudes",
        // its f' overflows at log-ratios near 1e4 and nothing declares the power form that would
        // let the DPO scorer keep the logit exact: the scorer refuses (undefined sign)
        "dpoLogitsAreExactAtLogRatiosNear1e4");
    assertThat(passed).as("checks it passes").contains(
        "generalSolverReachesTheOptimumOnRandomInstances", "derivativeMatchesCentralDifferences",
        "logSpaceTermMatchesDirectEvaluation");
  }
}

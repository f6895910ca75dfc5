package io.github.multiref.benchmarks;

import io.github.multiref.api.LogDistribution;
import io.github.multiref.api.ReferenceSet;
import io.github.multiref.divergences.EscortCombiner;
import io.github.multiref.divergences.MixtureCombiner;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of the escort and mixture combiners on one prompt with K references over n
 * responses. Run with {@code java -cp benchmarks/target/... org.openjdk.jmh.Main CombinerBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CombinerBenchmark {

  @Param({"4"})
  int k;

  @Param({"4096"})
  int n;

  ReferenceSet refs;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(42);
    List<LogDistribution> list = new ArrayList<>();
    double[] weights = new double[k];
    for (int i = 0; i < k; i++) {
      double[] w = new double[n];
      for (int y = 0; y < n; y++) {
        w[y] = -20 * random.nextDouble();
      }
      list.add(LogDistribution.normalize(w));
      weights[i] = 1.0 / k;
    }
    refs = ReferenceSet.of(list, weights);
  }

  @Benchmark
  public Object escort() {
    return EscortCombiner.INSTANCE.combine(refs);
  }

  @Benchmark
  public Object mixture() {
    return MixtureCombiner.INSTANCE.combine(refs);
  }
}

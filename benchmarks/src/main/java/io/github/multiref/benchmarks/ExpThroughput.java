package io.github.multiref.benchmarks;

import io.github.multiref.api.internal.ArrayKernels;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's limit for the exact reverse-KL solve: how many exponentials per second both cores
 * compute over arrays of the solver benchmark's size (4096 responses), with the Vector API's own
 * {@code exp} and with multiref's kernel (the one the solvers use; exact on every JIT tier). The
 * exact solution needs (K + 2) / K exponentials per reference entry, so the reverse-KL limit in
 * reference entries per second is this rate times K / (K + 2) (run-solver-benchmark.sh divides).
 * One operation is one array of 4096.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Threads(2)
public class ExpThroughput {

  /** Entries per array, as in the solver benchmark. */
  public static final int N = 4096;

  private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;

  private final double[] x = new double[N];
  private final double[] out = new double[N];

  @Setup
  public void fill() {
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < N; i++) {
      x[i] = -400 * random.nextDouble(); // sequence log-probabilities, shifted below 0
    }
  }

  /** The Vector API's {@code exp}, lane by lane over the array. */
  @Benchmark
  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  public double vectorApiExp() {
    double sum = 0;
    int i = 0;
    for (; i < SPECIES.loopBound(N); i += SPECIES.length()) {
      DoubleVector e = DoubleVector.fromArray(SPECIES, x, i).lanewise(VectorOperators.EXP);
      e.intoArray(out, i);
      sum += e.reduceLanes(VectorOperators.ADD);
    }
    for (; i < N; i++) {
      out[i] = Math.exp(x[i]);
      sum += out[i];
    }
    return sum;
  }

  /** multiref's SIMD kernel, {@code out = exp(x - shift)} and its sum. */
  @Benchmark
  @CompilerControl(CompilerControl.Mode.DONT_INLINE)
  public double multirefExp() {
    return ArrayKernels.expShifted(x, 0.0, out, N);
  }
}

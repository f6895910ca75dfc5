package io.github.multiref.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same input gives the same bytes from run to run, whatever the JIT does: the built program in
 * fresh JVMs, interpreted only ({@code -Xint}), compiled before first use ({@code -Xcomp}) and in
 * the ordinary tiered mode, with the Vector API's SIMD kernels and without them (each kind against
 * itself). The inputs are large enough that the kernels run whole vectors and that compilation
 * changes state during a run: 64 prompts x 256 responses x 4 references for {@code solve}, 8,000
 * pairs for {@code dpo-score} (in batches of 777 on one of the runs).
 */
class DeterminismEndToEndTest {

  private static final List<String> VECTOR = List.of("--add-modules", "jdk.incubator.vector");
  private static final List<String> SCALAR = List.of();

  @TempDir static Path tmp;
  private static Path prompts;
  private static Path pairs;
  private static Path preferences;

  @BeforeAll
  static void writeInputs() throws IOException {
    SplittableRandom rng = new SplittableRandom(20261201);
    StringBuilder solve = new StringBuilder();
    for (int p = 0; p < 64; p++) {
      solve.append("{\"prompt\": \"p").append(p).append("\", \"responses\": [");
      for (int y = 0; y < 256; y++) {
        solve.append(y == 0 ? "\"" : ", \"").append('y').append(y).append('"');
      }
      solve.append("], \"reward\": ")
          .append(numbers(rng, 256, 0, 1)).append(", \"ref_logprobs\": [");
      for (int k = 0; k < 4; k++) {
        solve.append(k == 0 ? "" : ", ").append(numbers(rng, 256, -400, -50));
      }
      solve.append("]}\n");
    }
    prompts = Files.writeString(tmp.resolve("prompts.jsonl"), solve);
    StringBuilder dpo = new StringBuilder();
    for (int i = 0; i < 8_000; i++) {
      dpo.append(String.format(Locale.ROOT, "{\"prompt\": \"q%d\", \"chosen_logps\": %s,"
          + " \"rejected_logps\": %s, \"ref_chosen_logps\": %s, \"ref_rejected_logps\": %s}%n",
          i, rng.nextDouble(-400, -50), rng.nextDouble(-400, -50),
          numbers(rng, 4, -400, -50), numbers(rng, 4, -400, -50)));
    }
    pairs = Files.writeString(tmp.resolve("pairs.jsonl"), dpo);
    StringBuilder fit = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      int a = rng.nextInt(6);
      int b = (a + 1 + rng.nextInt(5)) % 6;
      fit.append(String.format(Locale.ROOT,
          "{\"prompt\": \"x%d\", \"chosen\": \"r%d\", \"rejected\": \"r%d\"}%n", i % 40, a, b));
    }
    preferences = Files.writeString(tmp.resolve("preferences.jsonl"), fit);
  }

  private static String numbers(SplittableRandom rng, int n, double lo, double hi) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      s.append(i == 0 ? "" : ", ").append(rng.nextDouble(lo, hi));
    }
    return s.append("]").toString();
  }

  /**
   * {@code -Xcomp}: every method compiled by C2 before its first call. Only the project's own code,
   * the Vector API and {@code Math} are compiled so; the rest (Jackson, Guice, picocli, Logback)
   * is left to the interpreter, which spares the half-minute C2 would spend compiling the JDK and
   * libraries and changes no result: the numbers are computed by the compiled methods alone.
   */
  private static final String XCOMP = "-Xcomp";
  private static final List<String> XCOMP_ONLY = List.of("-XX:CompileCommand=quiet",
      "-XX:CompileCommand=compileonly,io.github.multiref.*::*",
      "-XX:CompileCommand=compileonly,jdk.incubator.vector.*::*",
      "-XX:CompileCommand=compileonly,jdk.internal.vm.vector.*::*",
      "-XX:CompileCommand=compileonly,java.lang.Math::*",
      "-XX:CompileCommand=compileonly,java.lang.StrictMath::*");

  /** One run of the program in a fresh JVM: its kernel kind, JIT mode and arguments. */
  private record Run(String what, List<String> kind, String mode, String output, String[] args) {}

  /** The output files' bytes after each run, two processes at a time (the machine's cores). */
  private static List<byte[]> outputs(Run... runs) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<byte[]>> futures = new ArrayList<>();
      for (Run run : runs) {
        futures.add(pool.submit(() -> output(run)));
      }
      List<byte[]> out = new ArrayList<>();
      for (Future<byte[]> f : futures) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private static byte[] output(Run run) throws Exception {
    List<String> jvm = new ArrayList<>(run.kind());
    if (!run.mode().isEmpty()) {
      jvm.add(run.mode());
    }
    if (run.mode().equals(XCOMP)) {
      jvm.addAll(XCOMP_ONLY);
    }
    Path dir = Files.createTempDirectory(tmp, "run");
    List<String> all = new ArrayList<>(List.of(run.args()));
    all.add("--output");
    all.add(dir.resolve(run.output()).toString());
    Program.Result r = Program.run(dir, Map.of(), jvm, all.toArray(String[]::new));
    assertThat(r.exitCode()).as("%s: %s", run.what(), r.err()).isZero();
    return Files.readAllBytes(dir.resolve(run.output()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"reverse-kl", "forward-kl", "squared-hellinger"})
  void solveGivesTheSameBytesInterpretedCompiledAndTiered(String divergence) throws Exception {
    String[] args = {"solve", "--input", prompts.toString(), "--beta", "0.1", "--divergence",
        divergence};
    List<byte[]> out = outputs(new Run("SIMD, tiered", VECTOR, "", "out.jsonl", args),
        new Run("SIMD, -Xint", VECTOR, "-Xint", "out.jsonl", args),
        new Run("SIMD, -Xcomp", VECTOR, XCOMP, "out.jsonl", args));
    assertThat(out.get(0).length).as("output size").isGreaterThan(64 * 256 * 8);
    assertThat(out.get(1)).as("SIMD: -Xint against tiered").isEqualTo(out.get(0));
    assertThat(out.get(2)).as("SIMD: -Xcomp against tiered").isEqualTo(out.get(0));
  }

  @Test
  void solveWithScalarKernelsGivesTheSameBytesInterpretedAndTiered() throws Exception {
    String[] args = {"solve", "--input", prompts.toString(), "--beta", "0.1", "--divergence",
        "reverse-kl"};
    List<byte[]> out = outputs(new Run("scalar, tiered", SCALAR, "", "out.jsonl", args),
        new Run("scalar, -Xint", SCALAR, "-Xint", "out.jsonl", args));
    assertThat(out.get(1)).as("scalar: -Xint against tiered").isEqualTo(out.get(0));
  }

  @Test
  void dpoScoreGivesTheSameBytesInterpretedCompiledTieredAndOnAnyThreadCount()
      throws Exception {
    String[] args = {"dpo-score", "--input", pairs.toString(), "--beta", "0.1", "--divergence",
        "reverse-kl"};
    String[] oneThread = {"dpo-score", "--input", pairs.toString(), "--beta", "0.1",
        "--divergence", "reverse-kl", "--threads", "1", "--batch", "777"};
    List<byte[]> out = outputs(new Run("SIMD, tiered", VECTOR, "", "scores.jsonl", args),
        new Run("SIMD, -Xint", VECTOR, "-Xint", "scores.jsonl", args),
        new Run("SIMD, -Xcomp", VECTOR, XCOMP, "scores.jsonl", args),
        new Run("SIMD, one thread", VECTOR, "", "scores.jsonl", oneThread),
        new Run("scalar, tiered", SCALAR, "", "scores.jsonl", args),
        new Run("scalar, one thread", SCALAR, "", "scores.jsonl", oneThread));
    assertThat(out.get(1)).as("SIMD: -Xint").isEqualTo(out.get(0));
    assertThat(out.get(2)).as("SIMD: -Xcomp").isEqualTo(out.get(0));
    assertThat(out.get(3)).as("SIMD: one thread, batches of 777").isEqualTo(out.get(0));
    assertThat(out.get(5)).as("scalar: one thread, batches of 777").isEqualTo(out.get(4));
  }

  @Test
  void fitRewardGivesTheSameBytesInterpretedAndTiered() throws Exception {
    String[] args = {"fit-reward", "--pairs", preferences.toString(), "--class", "tabular"};
    List<byte[]> out = outputs(new Run("SIMD, tiered", VECTOR, "", "reward.json", args),
        new Run("SIMD, -Xint", VECTOR, "-Xint", "reward.json", args),
        new Run("scalar, tiered", SCALAR, "", "reward.json", args),
        new Run("scalar, -Xint", SCALAR, "-Xint", "reward.json", args));
    assertThat(out.get(1)).as("SIMD: -Xint").isEqualTo(out.get(0));
    assertThat(out.get(3)).as("scalar: -Xint").isEqualTo(out.get(2));
  }
}

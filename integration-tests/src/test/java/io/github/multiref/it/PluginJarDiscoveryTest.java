package io.github.multiref.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import io.github.multiref.api.Divergence;
import io.github.multiref.api.LogDistribution;
import io.github.multiref.cli.CliRunner;
import io.github.multiref.runtime.MultirefModule;
import io.github.multiref.runtime.PluginConfigurationException;
import io.github.multiref.runtime.PluginDiscovery;
import io.github.multiref.runtime.PluginSettings;
import io.github.multiref.runtime.PluginSource;
import io.github.multiref.runtime.Registered;
import io.github.multiref.runtime.Registries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example plugin is found in its jar, with no change to the core: the build copies the jar
 * into {@code target/plugin-dir} and keeps it off this module's class path.
 */
class PluginJarDiscoveryTest {

  private static Path pluginDir;
  private static Path jar;

  @BeforeAll
  static void locateTheJar() {
    pluginDir = Path.of(System.getProperty("multiref.pluginDir"));
    jar = pluginDir.resolve("neyman-chi2.jar");
    assertThat(jar).exists();
  }

  @Test
  void thePluginIsNotOnTheTestClassPath() {
    assertThatThrownBy(() -> Class.forName("io.github.multiref.plugins.neyman.NeymanPlugin"))
        .isInstanceOf(ClassNotFoundException.class);
  }

  @Test
  void isDiscoveredFromItsJar() {
    List<PluginSource> found = PluginDiscovery.fromDirectory(pluginDir,
        getClass().getClassLoader());
    assertThat(found).singleElement().satisfies(s -> {
      assertThat(s.origin().pluginClass()).isEqualTo(
          "io.github.multiref.plugins.neyman.NeymanPlugin");
      assertThat(s.origin().location()).isEqualTo(jar.toString());
      assertThat(s.origin().builtIn()).isFalse();
    });
  }

  @Test
  void isWiredByGuiceBesideTheBuiltInsAndWorks() {
    Registries registries = Guice.createInjector(
        new MultirefModule(new PluginSettings(List.of(pluginDir)))).getInstance(Registries.class);
    Registered<Divergence> neyman = registries.divergences().get("neyman-chi2");
    assertThat(neyman.origin().location()).isEqualTo(jar.toString());
    assertThat(registries.divergences().get("reverse-kl").origin().builtIn()).isTrue();
    Divergence d = registries.divergences().create("neyman-chi2");
    LogDistribution p = LogDistribution.of(Math.log(0.2), Math.log(0.8));
    LogDistribution q = LogDistribution.of(Math.log(0.5), Math.log(0.5));
    // (0.2-0.5)^2/0.2 + (0.8-0.5)^2/0.8, computed by hand
    assertThat(d.divergence(p, q)).isCloseTo(0.5625, org.assertj.core.data.Offset.offset(1e-15));
  }

  @Test
  void multirefPluginsListsItWithItsJar() {
    CliRunner.Result r = CliRunner.run("plugins", "--plugin-dir", pluginDir.toString());
    assertThat(r.exitCode()).isZero();
    assertThat(r.out().lines()).anySatisfy(line -> assertThat(line)
        .matches("divergence\\s+neyman-chi2\\s+" + java.util.regex.Pattern.quote(jar.toString())
            + "\\s+Neyman chi\\^2.*"));
  }

  @Test
  void theSameJarTwiceIsADuplicateNamingBothJars(@TempDir Path tmp) throws Exception {
    Path a = Files.copy(jar, tmp.resolve("a.jar"));
    Path b = Files.copy(jar, tmp.resolve("b.jar"));
    CliRunner.Result r = CliRunner.run("plugins", "--plugin-dir", tmp.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("multiref: error: duplicate divergence name 'neyman-chi2':"
        + " declared by io.github.multiref.plugins.neyman.NeymanPlugin (" + a + ") and by"
        + " io.github.multiref.plugins.neyman.NeymanPlugin (" + b + ")" + System.lineSeparator());
    assertThatThrownBy(() -> io.github.multiref.runtime.Registries.of(
        PluginDiscovery.fromDirectory(tmp, getClass().getClassLoader())))
        .isInstanceOf(PluginConfigurationException.class);
  }

  @Test
  void aSubdirectoryIsOnePluginWithItsOwnJars(@TempDir Path tmp) throws Exception {
    Path sub = Files.createDirectories(tmp.resolve("neyman"));
    Path copied = Files.copy(jar, sub.resolve("neyman-chi2.jar"));
    Files.writeString(tmp.resolve("notes.txt"), "ignored");
    List<PluginSource> found = PluginDiscovery.fromDirectory(tmp, getClass().getClassLoader());
    assertThat(found).singleElement()
        .satisfies(s -> assertThat(s.origin().location()).isEqualTo(copied.toString()));
  }

  /**
   * The plugin's divergence solves problems by name. With one reference the KKT conditions of
   * Neyman chi^2, {@code r - beta (1 - q^2/pi^2) = lambda}, give {@code pi = q / sqrt(1 - (r -
   * lambda)/beta)}, with lambda the root of {@code sum pi = 1}: found here by plain bisection.
   */
  @Test
  void thePluginDivergenceIsUsableInSolve(@TempDir Path tmp) throws Exception {
    double[] q = {0.5, 0.3, 0.2};
    double[] r = {0.0, 1.0, 0.4};
    double beta = 2.0;
    Path input = tmp.resolve("in.jsonl");
    Files.writeString(input, "{\"prompt\": \"p\", \"responses\": [\"a\", \"b\", \"c\"],"
        + " \"reward\": [0.0, 1.0, 0.4], \"ref_logprobs\": [[" + Math.log(q[0]) + ", "
        + Math.log(q[1]) + ", " + Math.log(q[2]) + "]]}\n");
    CliRunner.Result result = CliRunner.run("solve", "--plugin-dir", pluginDir.toString(),
        "--input", input.toString(), "--beta", "2", "--divergence", "neyman-chi2");
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.err()).contains("divergence neyman-chi2, solver general-f");
    double lo = r[1] - beta; // every ratio below 1 at lo + ..., above at hi
    double hi = r[1] + beta;
    for (int it = 0; it < 200; it++) {
      double mid = 0.5 * (lo + hi);
      double total = 0;
      for (int y = 0; y < 3; y++) {
        double u = 1 - (r[y] - mid) / beta;
        total += u <= 0 ? Double.POSITIVE_INFINITY : q[y] / Math.sqrt(u);
      }
      if (total > 1) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    double lambda = 0.5 * (lo + hi);
    var row = new com.fasterxml.jackson.databind.ObjectMapper().readTree(result.out());
    for (int y = 0; y < 3; y++) {
      double expected = q[y] / Math.sqrt(1 - (r[y] - lambda) / beta);
      assertThat(Math.exp(row.get("policy_logprobs").get(y).asDouble()))
          .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12));
    }
    assertThat(row.get("lambda").asDouble())
        .isCloseTo(lambda, org.assertj.core.data.Offset.offset(1e-12));
  }

  /**
   * The plugin's divergence scores DPO pairs by name. Neyman chi^2 has {@code f'(t) = 1 - 1/t^2},
   * so with one reference {@code z = beta (t_l^-2 - t_w^-2)}, computed here by hand.
   */
  @Test
  void thePluginDivergenceIsUsableInDpoScore(@TempDir Path tmp) throws Exception {
    Path input = tmp.resolve("pairs.jsonl");
    Files.writeString(input, "{\"chosen_logps\": -2.0, \"rejected_logps\": -3.0,"
        + " \"ref_chosen_logps\": [-2.5], \"ref_rejected_logps\": [-2.75]}\n");
    CliRunner.Result result = CliRunner.run("dpo-score", "--plugin-dir", pluginDir.toString(),
        "--input", input.toString(), "--beta", "0.5", "--divergence", "neyman-chi2");
    assertThat(result.exitCode()).as(result.err()).isZero();
    var row = new com.fasterxml.jackson.databind.ObjectMapper().readTree(result.out());
    double tw = Math.exp(-2.0 + 2.5);
    double tl = Math.exp(-3.0 + 2.75);
    double z = 0.5 * (1 / (tl * tl) - 1 / (tw * tw));
    assertThat(row.get("logit").asDouble())
        .isCloseTo(z, org.assertj.core.data.Offset.offset(1e-14));
    assertThat(row.get("loss").asDouble())
        .isCloseTo(Math.log1p(Math.exp(-z)), org.assertj.core.data.Offset.offset(1e-14));
    // dz/dl_w = beta t f''(t) = beta * 2 / t_w^2
    assertThat(row.get("grad_chosen").asDouble()).isCloseTo(
        -0.5 * 2 / (tw * tw) / (1 + Math.exp(z)), org.assertj.core.data.Offset.offset(1e-14));
  }

  @Test
  void aCorruptJarIsAnErrorNamingIt(@TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("plugins"));
    byte[] whole = Files.readAllBytes(jar);
    Path broken = dir.resolve("truncated.jar");
    Files.write(broken, java.util.Arrays.copyOf(whole, whole.length / 2)); // a cut download
    Program.Result r = Program.run(tmp, "plugins", "--plugin-dir", dir.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errLines()).singleElement().asString()
        .startsWith("multiref: error: plugin jar " + broken + " is not a readable jar (");
  }

  @Test
  void aJarThatContributesNothingIsSkippedWithAWarningNamingIt(@TempDir Path tmp)
      throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("plugins"));
    Path empty = dir.resolve("empty.jar");
    try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(empty))) {
      out.putNextEntry(new java.util.jar.JarEntry("readme.txt"));
      out.write("no service file here".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      out.closeEntry();
    }
    Program.Result r = Program.run(tmp, "plugins", "--plugin-dir", dir.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.errLines()).singleElement().asString().contains("WARN")
        .endsWith("plugin " + empty + " contributes nothing: it lists no"
            + " io.github.multiref.api.spi.MultirefPlugin in META-INF/services; skipped");
  }
}

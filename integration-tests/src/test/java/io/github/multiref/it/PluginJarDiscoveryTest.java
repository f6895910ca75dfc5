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
}

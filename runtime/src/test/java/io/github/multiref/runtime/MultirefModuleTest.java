package io.github.multiref.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.ProvisionException;
import com.google.inject.TypeLiteral;
import io.github.multiref.api.Divergence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultirefModuleTest {

  @Test
  void wiresBuiltInsAndClassPathPluginsIntoOneSetOfRegistries() {
    Injector injector = Guice.createInjector(new MultirefModule(PluginSettings.none()));
    Registries registries = injector.getInstance(Registries.class);
    assertThat(injector.getInstance(Registries.class)).isSameAs(registries);
    Registry<Divergence> divergences =
        injector.getInstance(Key.get(new TypeLiteral<Registry<Divergence>>() {}));
    assertThat(divergences.names()).contains("reverse-kl", "classpath-test");
    Registered<Divergence> fromClassPath = divergences.get("classpath-test");
    assertThat(fromClassPath.origin().builtIn()).isFalse();
    assertThat(fromClassPath.origin().pluginClass()).isEqualTo(ClasspathTestPlugin.class.getName());
    assertThat(fromClassPath.origin().location()).endsWith("test-classes");
  }

  @Test
  void aMissingPluginDirectoryFailsAtStartUp(@TempDir Path tmp) {
    Path missing = tmp.resolve("nope");
    Injector injector = Guice.createInjector(
        new MultirefModule(new PluginSettings(List.of(missing))));
    assertThatThrownBy(() -> injector.getInstance(Registries.class))
        .isInstanceOf(ProvisionException.class)
        .hasRootCauseInstanceOf(PluginConfigurationException.class)
        .rootCause()
        .hasMessage("plugin directory " + missing + " does not exist or is not a directory");
  }

  @Test
  void aDirectoryWithoutJarsAddsNothing(@TempDir Path tmp) throws IOException {
    Files.writeString(tmp.resolve("readme.txt"), "not a jar");
    assertThat(PluginDiscovery.fromDirectory(tmp, getClass().getClassLoader())).isEmpty();
  }

  @Test
  void settingsPreferTheExplicitDirectoryOverTheEnvironment(@TempDir Path tmp) {
    Map<String, String> env = Map.of(PluginSettings.ENVIRONMENT_VARIABLE,
        "/a" + java.io.File.pathSeparator + " /b " + java.io.File.pathSeparator);
    assertThat(PluginSettings.resolve(null, env).directories())
        .containsExactly(Path.of("/a"), Path.of("/b"));
    assertThat(PluginSettings.resolve(tmp, env).directories()).containsExactly(tmp);
    assertThat(PluginSettings.resolve(null, Map.of()).directories()).isEmpty();
  }
}

package io.github.multiref.runtime;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.github.multiref.api.BoundCalculator;
import io.github.multiref.api.Divergence;
import io.github.multiref.api.PreferenceModel;
import io.github.multiref.api.ReferenceCombiner;
import io.github.multiref.api.Solver;
import io.github.multiref.api.Stability;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place where built-ins and discovered plugins are wired into name-keyed registries.
 *
 * <p>Programs create one injector with this module and inject {@link Registries} or a {@code
 * Registry<Divergence>} (and so on). Creating the module does nothing; discovery runs once, when
 * the registries are first provided, and fails with {@link PluginConfigurationException} on a
 * duplicate or malformed name.
 */
@Stability(Stability.Status.STABLE)
public final class MultirefModule extends AbstractModule {

  private final PluginSettings settings;
  private final ClassLoader classPath;

  /** Built-ins, the plugins on this program's class path, and the settings' directories. */
  public MultirefModule(PluginSettings settings) {
    this(settings, MultirefModule.class.getClassLoader());
  }

  /**
   * Built-ins, the plugins visible to {@code classPath} (on a Spark executor, the task's class
   * loader, which holds the jars given with {@code --jars}), and the settings' directories.
   */
  public MultirefModule(PluginSettings settings, ClassLoader classPath) {
    this.settings = settings;
    this.classPath = java.util.Objects.requireNonNull(classPath, "classPath");
  }

  @Override
  protected void configure() {
    bind(PluginSettings.class).toInstance(settings);
  }

  /** Built-ins first, then class-path plugins, then each plugin directory in order. */
  @Provides
  @Singleton
  List<PluginSource> pluginSources(PluginSettings settings) {
    List<PluginSource> sources = new ArrayList<>(BuiltinPlugins.all());
    sources.addAll(PluginDiscovery.fromClassLoader(classPath));
    for (Path dir : settings.directories()) {
      sources.addAll(PluginDiscovery.fromDirectory(dir, classPath));
    }
    return List.copyOf(sources);
  }

  @Provides
  @Singleton
  static Registries registries(List<PluginSource> sources) {
    return Registries.of(sources);
  }

  @Provides
  static Registry<Divergence> divergences(Registries registries) {
    return registries.divergences();
  }

  @Provides
  static Registry<ReferenceCombiner> referenceCombiners(Registries registries) {
    return registries.referenceCombiners();
  }

  @Provides
  static Registry<PreferenceModel> preferenceModels(Registries registries) {
    return registries.preferenceModels();
  }

  @Provides
  static Registry<Solver> solvers(Registries registries) {
    return registries.solvers();
  }

  @Provides
  static Registry<BoundCalculator> boundCalculators(Registries registries) {
    return registries.boundCalculators();
  }
}

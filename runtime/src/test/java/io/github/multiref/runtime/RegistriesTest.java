package io.github.multiref.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.ReferenceCombiner;
import io.github.multiref.api.spi.ComponentFactory;
import io.github.multiref.api.spi.MultirefPlugin;
import io.github.multiref.divergences.AlphaDivergence;
import io.github.multiref.divergences.ForwardKl;
import io.github.multiref.divergences.PowerMeanCombiner;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class RegistriesTest {

  private static final Registries BUILT_INS = Registries.of(BuiltinPlugins.all());

  private static PluginSource extension(MultirefPlugin plugin, String jar) {
    return new PluginSource(plugin, new Origin(plugin.getClass().getName(), jar, false));
  }

  private static MultirefPlugin divergencePlugin(String name) {
    return new MultirefPlugin() {
      @Override
      public List<ComponentFactory<Divergence>> divergences() {
        return List.of(ComponentFactory.of(name, "test", ForwardKl.INSTANCE));
      }
    };
  }

  @Test
  void registersEveryBuiltInByKindAndName() {
    assertThat(BUILT_INS.divergences().names()).containsExactly("alpha", "forward-kl",
        "jensen-shannon", "pearson-chi2", "reverse-kl", "squared-hellinger");
    assertThat(BUILT_INS.referenceCombiners().names())
        .containsExactly("escort", "harmonic", "mixture", "power-mean");
    assertThat(BUILT_INS.all()).allSatisfy(r -> {
      assertThat(r.origin().builtIn()).isTrue();
      assertThat(r.origin().location()).isEqualTo("built-in");
    });
  }

  @Test
  void createsParameterizedComponents() {
    Divergence alpha = BUILT_INS.divergences().create("alpha:a=0.25");
    assertThat(alpha).isInstanceOf(AlphaDivergence.class);
    assertThat(((AlphaDivergence) alpha).a()).isEqualTo(0.25);
    assertThat(((AlphaDivergence) BUILT_INS.divergences().create("alpha")).a()).isEqualTo(0.5);
    ReferenceCombiner p = BUILT_INS.referenceCombiners().create("power-mean:p=-1");
    assertThat(((PowerMeanCombiner) p).order()).isEqualTo(-1.0);
  }

  @Test
  void unknownNamesAndParametersAreClearErrors() {
    assertThatThrownBy(() -> BUILT_INS.divergences().create("kl"))
        .isInstanceOf(NoSuchElementException.class)
        .hasMessage("unknown divergence 'kl'; registered: alpha, forward-kl, jensen-shannon,"
            + " pearson-chi2, reverse-kl, squared-hellinger");
    assertThatThrownBy(() -> BUILT_INS.divergences().create("alpha:b=1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown parameter 'b' for divergence 'alpha'; it takes: a");
    assertThatThrownBy(() -> BUILT_INS.divergences().create("reverse-kl:a=1"))
        .hasMessage("unknown parameter 'a' for divergence 'reverse-kl'; it takes none");
    assertThatThrownBy(() -> BUILT_INS.divergences().create("alpha:a=x"))
        .hasMessage("parameter 'a' of 'alpha' must be a number, got 'x'");
    assertThatThrownBy(() -> BUILT_INS.divergences().create("alpha:a=Infinity"))
        .hasMessage("alpha-divergence parameter a must be finite, got Infinity");
  }

  @Test
  void aDuplicateOfABuiltInNamesBothSources() {
    List<PluginSource> sources = new ArrayList<>(BuiltinPlugins.all());
    sources.add(extension(divergencePlugin("reverse-kl"), "/plugins/dup.jar"));
    String builtIn = "io.github.multiref.divergences.BuiltinDivergencesPlugin (built-in)";
    assertThatThrownBy(() -> Registries.of(sources))
        .isInstanceOf(PluginConfigurationException.class)
        .hasMessageStartingWith("duplicate divergence name 'reverse-kl': declared by " + builtIn
            + " and by io.github.multiref.runtime.RegistriesTest$")
        .hasMessageEndingWith(" (/plugins/dup.jar)");
  }

  @Test
  void aDuplicateBetweenTwoPluginsNamesBothJars() {
    List<PluginSource> sources = List.of(
        extension(divergencePlugin("tv"), "/plugins/a.jar"),
        extension(divergencePlugin("tv"), "/plugins/b.jar"));
    assertThatThrownBy(() -> Registries.of(sources))
        .hasMessageContaining("duplicate divergence name 'tv'")
        .hasMessageContaining("(/plugins/a.jar) and by")
        .hasMessageEndingWith("(/plugins/b.jar)");
  }

  @Test
  void theSameNameInDifferentKindsIsAllowed() {
    MultirefPlugin combiner = new MultirefPlugin() {
      @Override
      public List<ComponentFactory<ReferenceCombiner>> referenceCombiners() {
        return List.of(ComponentFactory.of("alpha", "a combiner named like a divergence",
            PowerMeanCombiner.of(2)));
      }
    };
    List<PluginSource> sources = new ArrayList<>(BuiltinPlugins.all());
    sources.add(extension(combiner, "/plugins/c.jar"));
    Registries r = Registries.of(sources);
    assertThat(r.referenceCombiners().get("alpha").origin().location()).isEqualTo("/plugins/c.jar");
    assertThat(r.divergences().get("alpha").origin().builtIn()).isTrue();
  }

  @Test
  void malformedNamesAreRefusedNamingThePlugin() {
    for (String bad : new String[] {"Reverse-KL", "two words", "-lead", "trail-", "a--b", ""}) {
      assertThatThrownBy(() -> Registries.of(
          List.of(extension(divergencePlugin(bad), "/plugins/bad.jar"))))
          .isInstanceOf(PluginConfigurationException.class)
          .hasMessageStartingWith("malformed divergence name '" + bad + "' from plugin ")
          .hasMessageEndingWith("(/plugins/bad.jar): names must match [a-z][a-z0-9]*(-[a-z0-9]+)*");
    }
    assertThatThrownBy(() -> Registries.of(List.of(extension(divergencePlugin(null), "/x.jar"))))
        .hasMessageStartingWith("malformed divergence name 'null' from plugin ");
  }

  @Test
  void aPluginThatFailsOrReturnsNullIsNamed() {
    MultirefPlugin nullList = new MultirefPlugin() {
      @Override
      public List<ComponentFactory<Divergence>> divergences() {
        return null;
      }
    };
    assertThatThrownBy(() -> Registries.of(List.of(extension(nullList, "/n.jar"))))
        .hasMessageEndingWith("(/n.jar) returned null instead of a list of divergence factories");
    MultirefPlugin throwing = new MultirefPlugin() {
      @Override
      public List<ComponentFactory<Divergence>> divergences() {
        throw new IllegalStateException("boom");
      }
    };
    assertThatThrownBy(() -> Registries.of(List.of(extension(throwing, "/t.jar"))))
        .hasMessageEndingWith(
            "(/t.jar) failed to list its divergence factories: java.lang.IllegalStateException:"
                + " boom");
  }

  @Test
  void aFactoryReturningNullIsReportedOnUse() {
    MultirefPlugin nullComponent = new MultirefPlugin() {
      @Override
      public List<ComponentFactory<Divergence>> divergences() {
        return List.of(ComponentFactory.of("nothing", "returns null", List.of(), c -> null));
      }
    };
    Registries r = Registries.of(List.of(extension(nullComponent, "/z.jar")));
    assertThatThrownBy(() -> r.divergences().create("nothing"))
        .hasMessageEndingWith("(/z.jar) returned null");
  }
}

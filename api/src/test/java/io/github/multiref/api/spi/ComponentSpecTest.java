package io.github.multiref.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComponentSpecTest {

  @Test
  void parsesANameAlone() {
    ComponentSpec spec = ComponentSpec.parse(" reverse-kl ");
    assertThat(spec.name()).isEqualTo("reverse-kl");
    assertThat(spec.config().keys()).isEmpty();
  }

  @Test
  void parsesParameters() {
    ComponentSpec spec = ComponentSpec.parse("alpha:a=0.5,b = 2");
    assertThat(spec.name()).isEqualTo("alpha");
    assertThat(spec.config().asMap()).containsExactly(Map.entry("a", "0.5"), Map.entry("b", "2"));
    assertThat(spec.config().getDouble("a", 0)).isEqualTo(0.5);
    assertThat(spec.config().getInt("b", 0)).isEqualTo(2);
    assertThat(spec.config().getDouble("missing", 7.0)).isEqualTo(7.0);
  }

  @Test
  void rejectsMalformedSpecs() {
    assertThatThrownBy(() -> ComponentSpec.parse(""))
        .hasMessage("component name must not be empty");
    assertThatThrownBy(() -> ComponentSpec.parse("alpha:a"))
        .hasMessage("malformed parameter 'a' in 'alpha:a': expected key=value");
    assertThatThrownBy(() -> ComponentSpec.parse("alpha:a=1,a=2"))
        .hasMessage("parameter 'a' given twice in 'alpha:a=1,a=2'");
  }

  @Test
  void typedGettersNameTheComponentAndParameter() {
    ComponentConfig config = ComponentSpec.parse("alpha:a=half,n=1.5,x=NaN").config();
    assertThatThrownBy(() -> config.getDouble("a", 0))
        .hasMessage("parameter 'a' of 'alpha' must be a number, got 'half'");
    assertThatThrownBy(() -> config.getInt("n", 0))
        .hasMessage("parameter 'n' of 'alpha' must be an integer, got '1.5'");
    assertThatThrownBy(() -> config.getDouble("x", 0))
        .hasMessage("parameter 'x' of 'alpha' must be a number, got NaN");
  }

  @Test
  void factoriesFromPartsExposeThem() {
    ComponentFactory<String> f = ComponentFactory.of("echo", "returns its parameter",
        List.of(new ParameterSpec("text", "what to return", "hi")),
        c -> c.asMap().getOrDefault("text", "hi"));
    assertThat(f.name()).isEqualTo("echo");
    assertThat(f.parameters()).extracting(ParameterSpec::name).containsExactly("text");
    assertThat(f.create(ComponentSpec.parse("echo:text=yo").config())).isEqualTo("yo");
    assertThat(ComponentFactory.of("c", "constant", 5).create(ComponentConfig.empty()))
        .isEqualTo(5);
  }

  @Test
  void parameterNamesAreValidated() {
    assertThatThrownBy(() -> new ParameterSpec("Bad Name", "d", "1"))
        .hasMessage("parameter name must match [a-z][a-z0-9]*(-[a-z0-9]+)*, got 'Bad Name'");
  }

  @Test
  void pluginDefaultsAreEmpty() {
    MultirefPlugin nothing = new MultirefPlugin() {};
    assertThat(nothing.divergences()).isEmpty();
    assertThat(nothing.referenceCombiners()).isEmpty();
    assertThat(nothing.preferenceModels()).isEmpty();
    assertThat(nothing.solvers()).isEmpty();
    assertThat(nothing.boundCalculators()).isEmpty();
  }
}

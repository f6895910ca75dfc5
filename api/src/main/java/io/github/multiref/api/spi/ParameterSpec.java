package io.github.multiref.api.spi;

import io.github.multiref.api.Stability;

/**
 * A parameter a {@link ComponentFactory} understands, for help texts and provenance.
 *
 * @param name the key in a {@link ComponentConfig}
 * @param description what it means, its domain
 * @param defaultValue the value used when it is absent, as text
 */
@Stability(Stability.Status.STABLE)
public record ParameterSpec(String name, String description, String defaultValue) {

  /** Validates that every part is given. */
  public ParameterSpec {
    if (name == null || !name.matches(MultirefPlugin.NAME_PATTERN)) {
      throw new IllegalArgumentException(
          "parameter name must match " + MultirefPlugin.NAME_PATTERN + ", got '" + name + "'");
    }
    if (description == null || defaultValue == null) {
      throw new IllegalArgumentException("parameter '" + name + "' needs a description and default");
    }
  }
}

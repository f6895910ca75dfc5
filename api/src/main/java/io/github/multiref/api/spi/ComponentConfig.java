package io.github.multiref.api.spi;

import io.github.multiref.api.Stability;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The textual parameters a component is created with, e.g. {@code a=0.5} for the alpha-divergence.
 *
 * <p>Immutable. Typed getters name the component and the parameter when a value does not parse.
 */
@Stability(Stability.Status.STABLE)
public final class ComponentConfig {

  private static final ComponentConfig EMPTY = new ComponentConfig("", Map.of());

  private final String component;
  private final Map<String, String> values;

  private ComponentConfig(String component, Map<String, String> values) {
    this.component = component;
    this.values = values;
  }

  /** No parameters. */
  public static ComponentConfig empty() {
    return EMPTY;
  }

  /**
   * Parameters for the named component.
   *
   * @param component the component's name, quoted in error messages
   */
  public static ComponentConfig of(String component, Map<String, String> values) {
    return new ComponentConfig(
        component, Collections.unmodifiableMap(new LinkedHashMap<>(values)));
  }

  /** The component's name this configuration was made for (may be empty). */
  public String component() {
    return component;
  }

  /** The keys present. */
  public Set<String> keys() {
    return values.keySet();
  }

  /** All values, unmodifiable. */
  public Map<String, String> asMap() {
    return values;
  }

  /**
   * A numeric parameter, or {@code defaultValue} when absent.
   *
   * @throws IllegalArgumentException if present but not a number (NaN is refused too)
   */
  public double getDouble(String key, double defaultValue) {
    String text = values.get(key);
    if (text == null) {
      return defaultValue;
    }
    double v;
    try {
      v = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(where(key) + " must be a number, got '" + text + "'", e);
    }
    if (Double.isNaN(v)) {
      throw new IllegalArgumentException(where(key) + " must be a number, got NaN");
    }
    return v;
  }

  /**
   * An integer parameter, or {@code defaultValue} when absent.
   *
   * @throws IllegalArgumentException if present but not an integer
   */
  public int getInt(String key, int defaultValue) {
    String text = values.get(key);
    if (text == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(where(key) + " must be an integer, got '" + text + "'", e);
    }
  }

  private String where(String key) {
    return component.isEmpty()
        ? "parameter '" + key + "'"
        : "parameter '" + key + "' of '" + component + "'";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ComponentConfig && values.equals(((ComponentConfig) o).values)
        && component.equals(((ComponentConfig) o).component);
  }

  @Override
  public int hashCode() {
    return values.hashCode() * 31 + component.hashCode();
  }

  @Override
  public String toString() {
    return component + values;
  }
}

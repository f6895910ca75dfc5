package io.github.multiref.api.spi;

import io.github.multiref.api.Stability;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A component selected by text, as on the command line: {@code name} or {@code
 * name:key=value,key=value}, e.g. {@code alpha:a=0.5}.
 *
 * @param name the registered name
 * @param config the parameters
 */
@Stability(Stability.Status.STABLE)
public record ComponentSpec(String name, ComponentConfig config) {

  /**
   * Parses {@code name[:key=value[,key=value...]]}.
   *
   * @throws IllegalArgumentException naming the malformed part
   */
  public static ComponentSpec parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("component name must not be empty");
    }
    String trimmed = text.trim();
    int colon = trimmed.indexOf(':');
    String name = colon < 0 ? trimmed : trimmed.substring(0, colon);
    Map<String, String> values = new LinkedHashMap<>();
    if (colon >= 0) {
      for (String pair : trimmed.substring(colon + 1).split(",", -1)) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(
              "malformed parameter '" + pair + "' in '" + text + "': expected key=value");
        }
        String key = pair.substring(0, eq).trim();
        if (values.put(key, pair.substring(eq + 1).trim()) != null) {
          throw new IllegalArgumentException(
              "parameter '" + key + "' given twice in '" + text + "'");
        }
      }
    }
    return new ComponentSpec(name, ComponentConfig.of(name, values));
  }
}

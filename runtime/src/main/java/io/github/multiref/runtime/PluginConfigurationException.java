package io.github.multiref.runtime;

import io.github.multiref.api.Stability;

/** The set of plugins cannot be wired: a duplicate or malformed name, or a plugin that fails to load. */
@Stability(Stability.Status.STABLE)
public final class PluginConfigurationException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  public PluginConfigurationException(String message) {
    super(message);
  }

  public PluginConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}

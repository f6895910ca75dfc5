package io.github.multiref.runtime;

import io.github.multiref.api.Stability;
import io.github.multiref.api.spi.ComponentFactory;

/**
 * A factory in a registry, with its kind and origin.
 *
 * @param kind the kind
 * @param factory the factory
 * @param origin where it came from
 * @param <T> the component type
 */
@Stability(Stability.Status.EXPERIMENTAL)
public record Registered<T>(ComponentKind<T> kind, ComponentFactory<T> factory, Origin origin) {

  /** The registered name. */
  public String name() {
    return factory.name();
  }
}

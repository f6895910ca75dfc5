package io.github.multiref.runtime;

import io.github.multiref.api.Stability;
import io.github.multiref.api.spi.ComponentConfig;
import io.github.multiref.api.spi.ComponentSpec;
import io.github.multiref.api.spi.ParameterSpec;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The factories of one kind, by name. Immutable.
 *
 * @param <T> the component type
 */
@Stability(Stability.Status.STABLE)
public final class Registry<T> {

  private final ComponentKind<T> kind;
  private final Map<String, Registered<T>> byName;

  Registry(ComponentKind<T> kind, Map<String, Registered<T>> byName) {
    this.kind = kind;
    this.byName = Collections.unmodifiableMap(new TreeMap<>(byName));
  }

  /** The kind held. */
  public ComponentKind<T> kind() {
    return kind;
  }

  /** The registered names, sorted. */
  public Collection<String> names() {
    return byName.keySet();
  }

  /** Every entry, sorted by name. */
  public Collection<Registered<T>> entries() {
    return byName.values();
  }

  /** Whether {@code name} is registered. */
  public boolean contains(String name) {
    return byName.containsKey(name);
  }

  /**
   * The entry registered under {@code name}.
   *
   * @throws NoSuchElementException naming the kind, the name and the registered names
   */
  public Registered<T> get(String name) {
    Registered<T> r = byName.get(name);
    if (r == null) {
      throw new NoSuchElementException(
          "unknown " + kind.label() + " '" + name + "'; registered: "
              + String.join(", ", byName.keySet()));
    }
    return r;
  }

  /**
   * A component from text such as {@code alpha:a=0.5} (see {@link ComponentSpec#parse(String)}).
   *
   * @throws NoSuchElementException for an unknown name
   * @throws IllegalArgumentException for a malformed spec, an unknown parameter or a bad value
   */
  public T create(String spec) {
    return create(ComponentSpec.parse(spec));
  }

  /**
   * A component from a parsed spec; parameters the factory does not declare are refused.
   *
   * @throws NoSuchElementException for an unknown name
   * @throws IllegalArgumentException for an unknown parameter or a bad value
   */
  public T create(ComponentSpec spec) {
    Registered<T> r = get(spec.name());
    ComponentConfig config = spec.config();
    var known = r.factory().parameters().stream().map(ParameterSpec::name)
        .collect(Collectors.toList());
    for (String key : config.keys()) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException(
            "unknown parameter '" + key + "' for " + kind.label() + " '" + spec.name() + "'; "
                + (known.isEmpty() ? "it takes none" : "it takes: " + String.join(", ", known)));
      }
    }
    T component = r.factory().create(config);
    if (component == null) {
      throw new IllegalStateException(
          kind.label() + " factory '" + spec.name() + "' from " + r.origin().describe()
              + " returned null");
    }
    return component;
  }
}

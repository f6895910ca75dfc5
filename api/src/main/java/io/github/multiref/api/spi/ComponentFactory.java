package io.github.multiref.api.spi;

import io.github.multiref.api.Stability;
import java.util.List;
import java.util.function.Function;

/**
 * A named factory of components of one kind, as a plugin hands them out.
 *
 * <p>Contract: {@link #name()} is constant, matches {@link MultirefPlugin#NAME_PATTERN} and is
 * unique within its kind; {@link #create(ComponentConfig)} validates the configuration (the
 * registry has already rejected parameters that {@link #parameters()} does not declare) and
 * returns an immutable, thread-safe component.
 *
 * @param <T> the kind of component
 */
@Stability(Stability.Status.STABLE)
public interface ComponentFactory<T> {

  /** The name users select the component by, e.g. {@code reverse-kl}. */
  String name();

  /** One line saying what the component is, with its conventions (direction, parameterization). */
  String description();

  /** The parameters {@link #create(ComponentConfig)} understands. */
  default List<ParameterSpec> parameters() {
    return List.of();
  }

  /**
   * A component configured by {@code config}.
   *
   * @throws IllegalArgumentException naming the parameter and value when the configuration is
   *     invalid
   */
  T create(ComponentConfig config);

  /** A factory from its parts; {@code create} receives the configuration. */
  static <T> ComponentFactory<T> of(
      String name,
      String description,
      List<ParameterSpec> parameters,
      Function<ComponentConfig, T> create) {
    List<ParameterSpec> params = List.copyOf(parameters);
    return new ComponentFactory<>() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String description() {
        return description;
      }

      @Override
      public List<ParameterSpec> parameters() {
        return params;
      }

      @Override
      public T create(ComponentConfig config) {
        return create.apply(config);
      }

      @Override
      public String toString() {
        return "ComponentFactory[" + name + "]";
      }
    };
  }

  /** A factory of one parameterless component. */
  static <T> ComponentFactory<T> of(String name, String description, T component) {
    return of(name, description, List.of(), config -> component);
  }
}

package io.github.multiref.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How far a public type can be relied on, on every public type of the project (as JUnit 5 marks
 * its own with {@code @API}). A test of the build checks that no public type goes without it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Stability(Stability.Status.STABLE)
public @interface Stability {

  /** The type's status. */
  Status value();

  /** What a status promises. */
  @Stability(Stability.Status.STABLE)
  enum Status {
    /** Kept compatible within a major version: plugins and embedders may build on it. */
    STABLE,
    /** Usable, but its shape may still change in a minor version. */
    EXPERIMENTAL,
    /** Public for the project's own modules only (not exported to users): no promise at all. */
    INTERNAL
  }
}

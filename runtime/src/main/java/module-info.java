/**
 * Plugin discovery and the Guice wiring of built-ins and plugins into name-keyed registries.
 */
module io.github.multiref.runtime {
  requires transitive io.github.multiref.api;
  requires io.github.multiref.divergences;
  requires io.github.multiref.rewards;
  requires io.github.multiref.solvers;
  requires io.github.multiref.bounds;
  requires transitive com.google.guice;
  requires org.slf4j;

  exports io.github.multiref.runtime;
  // Guice calls the module's provider methods reflectively
  opens io.github.multiref.runtime to com.google.guice;

  uses io.github.multiref.api.spi.MultirefPlugin;
}

/**
 * The value types and the service-provider interface of multiref: what a plugin author or an
 * embedder programs against. Depends on the JDK alone.
 *
 * <p>Exported: {@code io.github.multiref.api} (distributions, reference sets, problems, solutions,
 * the divergence, combiner, preference-model, solver and bound interfaces, {@code LogMath}) and
 * {@code io.github.multiref.api.spi} (the plugin entry point and its factories). The array
 * kernels of the project's hot loops ({@code io.github.multiref.api.internal}) are exported to the
 * project's own modules only. The Vector API is optional: the kernels use it when the JVM runs
 * with {@code --add-modules jdk.incubator.vector} and are scalar otherwise.
 */
module io.github.multiref.api {
  requires static jdk.incubator.vector;

  exports io.github.multiref.api;
  exports io.github.multiref.api.spi;
  exports io.github.multiref.api.internal to
      io.github.multiref.divergences,
      io.github.multiref.rewards,
      io.github.multiref.solvers,
      io.github.multiref.experiments;
}

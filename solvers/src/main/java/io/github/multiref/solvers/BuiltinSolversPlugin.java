package io.github.multiref.solvers;

import io.github.multiref.api.Solver;
import io.github.multiref.api.Stability;
import io.github.multiref.api.spi.ComponentConfig;
import io.github.multiref.api.spi.ComponentFactory;
import io.github.multiref.api.spi.MultirefPlugin;
import io.github.multiref.api.spi.ParameterSpec;
import java.util.List;

/** The built-in solvers, wired by the runtime as built-ins. */
@Stability(Stability.Status.INTERNAL)
public final class BuiltinSolversPlugin implements MultirefPlugin {

  /** The plugin; the runtime creates one per program. */
  public BuiltinSolversPlugin() {}

  // the defaults are the solvers' own constants, shown as text
  private static final List<ParameterSpec> FORWARD = List.of(
      new ParameterSpec("tolerance", "relative Newton step at which lambda is final",
          text(ForwardKlSolver.DEFAULT_TOLERANCE)),
      new ParameterSpec("max-iterations", "Newton steps before failing",
          Integer.toString(ForwardKlSolver.DEFAULT_MAX_ITERATIONS)));
  private static final List<ParameterSpec> GENERAL = List.of(
      new ParameterSpec("tolerance", "absolute tolerance on lambda and log pi beyond a few ulps",
          text(GeneralFSolver.DEFAULT_TOLERANCE)),
      new ParameterSpec("max-iterations", "outer evaluations before failing (inner: half)",
          Integer.toString(GeneralFSolver.DEFAULT_MAX_OUTER_EVALUATIONS)));

  @Override
  public List<ComponentFactory<Solver>> solvers() {
    return List.of(
        ComponentFactory.of("auto",
            "exact reverse KL, implicit forward KL, or the general solver, by divergence",
            List.of(), c -> AutoSolver.withDefaults()),
        ComponentFactory.of("reverse-kl-exact",
            "escort reference tilted by exp(r/beta) (Theorem 5.2); closed form",
            ReverseKlSolver.INSTANCE),
        ComponentFactory.of("forward-kl-implicit",
            "beta * mixture / (lambda - r), lambda by monotone Newton (Theorem 6.2)",
            FORWARD, BuiltinSolversPlugin::forward),
        ComponentFactory.of("general-f",
            "any strictly convex f-divergence, any K, by nested monotone root finding",
            GENERAL, BuiltinSolversPlugin::general),
        ComponentFactory.of("mrpo",
            "MRPO surrogate: harmonic-mean reference tilted by exp(r/beta), reported with its"
                + " true reverse-KL objective",
            MrpoSolver.INSTANCE));
  }

  private static ForwardKlSolver forward(ComponentConfig c) {
    return ForwardKlSolver.of(c.getDouble("tolerance", ForwardKlSolver.DEFAULT_TOLERANCE),
        c.getInt("max-iterations", ForwardKlSolver.DEFAULT_MAX_ITERATIONS));
  }

  private static GeneralFSolver general(ComponentConfig c) {
    return GeneralFSolver.withBudget(c.getDouble("tolerance", GeneralFSolver.DEFAULT_TOLERANCE),
        c.getInt("max-iterations", GeneralFSolver.DEFAULT_MAX_OUTER_EVALUATIONS));
  }

  /** The shortest decimal text of a double: 1e-15, 0. */
  private static String text(double value) {
    return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toString().toLowerCase(
        java.util.Locale.ROOT);
  }
}

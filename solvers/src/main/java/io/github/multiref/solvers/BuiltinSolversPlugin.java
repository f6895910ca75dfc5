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

  private static final List<ParameterSpec> FORWARD = List.of(
      new ParameterSpec("tolerance", "relative Newton step at which lambda is final", "1e-15"),
      new ParameterSpec("max-iterations", "Newton steps before failing", "100"));
  private static final List<ParameterSpec> GENERAL = List.of(
      new ParameterSpec("tolerance", "absolute tolerance on lambda and log pi beyond a few ulps",
          "0"),
      new ParameterSpec("max-iterations", "outer evaluations before failing (inner: half)",
          "400"));

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
    return ForwardKlSolver.of(c.getDouble("tolerance", 1e-15), c.getInt("max-iterations", 100));
  }

  private static GeneralFSolver general(ComponentConfig c) {
    int budget = c.getInt("max-iterations", 400);
    return GeneralFSolver.of(c.getDouble("tolerance", 0.0), budget, Math.max(3, budget / 2));
  }
}

package io.github.multiref.testkit;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.Solver;
import io.github.multiref.divergences.AlphaDivergence;
import io.github.multiref.divergences.ForwardKl;
import io.github.multiref.divergences.JensenShannon;
import io.github.multiref.divergences.PearsonChiSquared;
import io.github.multiref.divergences.ReverseKl;
import io.github.multiref.divergences.SquaredHellinger;
import io.github.multiref.solvers.AutoSolver;
import io.github.multiref.solvers.ForwardKlSolver;
import io.github.multiref.solvers.GeneralFSolver;
import io.github.multiref.solvers.MrpoSolver;
import io.github.multiref.solvers.ReverseKlSolver;
import java.util.List;
import org.junit.jupiter.api.Nested;

/** Every built-in solver runs the kit's suite, as a plugin's would. */
class BuiltinSolversContractTest {

  private static final List<Divergence> ALL = List.of(ReverseKl.INSTANCE, ForwardKl.INSTANCE,
      PearsonChiSquared.INSTANCE, SquaredHellinger.INSTANCE, JensenShannon.INSTANCE,
      AlphaDivergence.of(0.5));

  @Nested
  class ReverseKlSolverContract extends SolverContract {
    @Override
    protected Solver solver() {
      return ReverseKlSolver.INSTANCE;
    }

    @Override
    protected List<Divergence> divergences() {
      return List.of(ReverseKl.INSTANCE);
    }
  }

  @Nested
  class ForwardKlSolverContract extends SolverContract {
    @Override
    protected Solver solver() {
      return ForwardKlSolver.DEFAULT;
    }

    @Override
    protected List<Divergence> divergences() {
      return List.of(ForwardKl.INSTANCE);
    }
  }

  @Nested
  class GeneralFSolverContract extends SolverContract {
    @Override
    protected Solver solver() {
      return GeneralFSolver.DEFAULT;
    }

    @Override
    protected List<Divergence> divergences() {
      return ALL;
    }
  }

  @Nested
  class MrpoSolverContract extends SolverContract {
    @Override
    protected Solver solver() {
      return MrpoSolver.INSTANCE;
    }

    @Override
    protected List<Divergence> divergences() {
      return List.of(ReverseKl.INSTANCE);
    }

    @Override
    protected boolean exact() {
      return false;
    }
  }

  @Nested
  class AutoSolverContract extends SolverContract {
    @Override
    protected Solver solver() {
      return AutoSolver.withDefaults();
    }

    @Override
    protected List<Divergence> divergences() {
      return ALL;
    }
  }
}

package io.github.multiref.testkit;

import io.github.multiref.api.Divergence;
import io.github.multiref.divergences.AlphaDivergence;
import io.github.multiref.divergences.ForwardKl;
import io.github.multiref.divergences.JensenShannon;
import io.github.multiref.divergences.PearsonChiSquared;
import io.github.multiref.divergences.ReverseKl;
import io.github.multiref.divergences.SquaredHellinger;
import org.junit.jupiter.api.Nested;

/**
 * Every built-in divergence runs the kit's suite, as a plugin's would; the alpha family also at
 * and next to its limits 0 (forward KL) and 1 (reverse KL). Those that {@code
 * general-f/generate.py} solves in mpmath are checked against its optima as well.
 */
class BuiltinDivergencesContractTest {

  /** A built-in with high-precision values of its derivative. */
  abstract static class WithDerivatives extends DivergenceContract {
    @Override
    protected String derivativeReferenceValues() {
      return "/general-f/derivatives.csv";
    }
  }

  /** ... and cases in the kit's file of high-precision optima. */
  abstract static class WithOptima extends WithDerivatives {
    @Override
    protected String referenceOptima() {
      return "/general-f/optima.txt";
    }
  }

  @Nested
  class ReverseKlContract extends WithOptima {
    @Override
    protected Divergence divergence() {
      return ReverseKl.INSTANCE;
    }
  }

  @Nested
  class ForwardKlContract extends WithOptima {
    @Override
    protected Divergence divergence() {
      return ForwardKl.INSTANCE;
    }
  }

  @Nested
  class PearsonChiSquaredContract extends WithOptima {
    @Override
    protected Divergence divergence() {
      return PearsonChiSquared.INSTANCE;
    }
  }

  @Nested
  class SquaredHellingerContract extends WithOptima {
    @Override
    protected Divergence divergence() {
      return SquaredHellinger.INSTANCE;
    }
  }

  @Nested
  class JensenShannonContract extends WithOptima {
    @Override
    protected Divergence divergence() {
      return JensenShannon.INSTANCE;
    }
  }

  @Nested
  class AlphaMinusOneContract extends WithOptima {
    @Override
    protected Divergence divergence() {
      return AlphaDivergence.of(-1.0);
    }
  }

  @Nested
  class AlphaOneHalfContract extends WithOptima {
    @Override
    protected Divergence divergence() {
      return AlphaDivergence.of(0.5);
    }
  }

  @Nested
  class AlphaThreeContract extends WithOptima {
    @Override
    protected Divergence divergence() {
      return AlphaDivergence.of(3.0);
    }
  }

  @Nested
  class AlphaZeroContract extends WithDerivatives {
    @Override
    protected Divergence divergence() {
      return AlphaDivergence.of(0.0);
    }
  }

  @Nested
  class AlphaNearZeroContract extends WithDerivatives {
    @Override
    protected Divergence divergence() {
      return AlphaDivergence.of(1e-6);
    }
  }

  @Nested
  class AlphaNearOneContract extends WithDerivatives {
    @Override
    protected Divergence divergence() {
      return AlphaDivergence.of(1 - 1e-6);
    }
  }

  @Nested
  class AlphaOneContract extends DivergenceContract {
    @Override
    protected Divergence divergence() {
      return AlphaDivergence.of(1.0);
    }
  }

  @Nested
  class AlphaMinusOneHalfContract extends WithOptima {
    @Override
    protected Divergence divergence() {
      return AlphaDivergence.of(-0.5);
    }
  }

  @Nested
  class AlphaOneQuarterContract extends WithOptima {
    @Override
    protected Divergence divergence() {
      return AlphaDivergence.of(0.25);
    }
  }

  @Nested
  class AlphaThreeQuartersContract extends WithOptima {
    @Override
    protected Divergence divergence() {
      return AlphaDivergence.of(0.75);
    }
  }

  @Nested
  class AlphaTwoContract extends WithOptima {
    @Override
    protected Divergence divergence() {
      return AlphaDivergence.of(2.0);
    }
  }
}

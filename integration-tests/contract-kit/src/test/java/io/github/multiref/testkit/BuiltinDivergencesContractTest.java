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
 * and next to its limits 0 (forward KL) and 1 (reverse KL).
 */
class BuiltinDivergencesContractTest {

  @Nested
  class ReverseKlContract extends DivergenceContract {
    @Override
    protected Divergence divergence() {
      return ReverseKl.INSTANCE;
    }
  }

  @Nested
  class ForwardKlContract extends DivergenceContract {
    @Override
    protected Divergence divergence() {
      return ForwardKl.INSTANCE;
    }
  }

  @Nested
  class PearsonChiSquaredContract extends DivergenceContract {
    @Override
    protected Divergence divergence() {
      return PearsonChiSquared.INSTANCE;
    }
  }

  @Nested
  class SquaredHellingerContract extends DivergenceContract {
    @Override
    protected Divergence divergence() {
      return SquaredHellinger.INSTANCE;
    }
  }

  @Nested
  class JensenShannonContract extends DivergenceContract {
    @Override
    protected Divergence divergence() {
      return JensenShannon.INSTANCE;
    }
  }

  @Nested
  class AlphaMinusOneContract extends DivergenceContract {
    @Override
    protected Divergence divergence() {
      return AlphaDivergence.of(-1.0);
    }
  }

  @Nested
  class AlphaOneHalfContract extends DivergenceContract {
    @Override
    protected Divergence divergence() {
      return AlphaDivergence.of(0.5);
    }
  }

  @Nested
  class AlphaThreeContract extends DivergenceContract {
    @Override
    protected Divergence divergence() {
      return AlphaDivergence.of(3.0);
    }
  }

  @Nested
  class AlphaZeroContract extends DivergenceContract {
    @Override
    protected Divergence divergence() {
      return AlphaDivergence.of(0.0);
    }
  }

  @Nested
  class AlphaNearZeroContract extends DivergenceContract {
    @Override
    protected Divergence divergence() {
      return AlphaDivergence.of(1e-6);
    }
  }

  @Nested
  class AlphaNearOneContract extends DivergenceContract {
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
}

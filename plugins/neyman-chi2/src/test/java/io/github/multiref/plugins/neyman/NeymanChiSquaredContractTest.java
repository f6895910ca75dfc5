package io.github.multiref.plugins.neyman;

import io.github.multiref.api.Divergence;
import io.github.multiref.testkit.DivergenceContract;

/** The plugin runs the contract kit's divergence suite, as any third-party divergence should. */
class NeymanChiSquaredContractTest extends DivergenceContract {

  @Override
  protected Divergence divergence() {
    return NeymanChiSquared.INSTANCE;
  }
}

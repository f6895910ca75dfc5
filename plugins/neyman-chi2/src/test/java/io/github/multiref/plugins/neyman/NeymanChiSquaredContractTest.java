package io.github.multiref.plugins.neyman;

import io.github.multiref.api.Divergence;
import io.github.multiref.testkit.DivergenceContract;

/**
 * The plugin runs the contract kit's divergence suite, as any third-party divergence should, with
 * the high-precision optima and derivative values the kit's {@code generate.py} wrote for it.
 */
class NeymanChiSquaredContractTest extends DivergenceContract {

  @Override
  protected Divergence divergence() {
    return NeymanChiSquared.INSTANCE;
  }

  @Override
  protected String referenceOptima() {
    return "/general-f/neyman-optima.txt";
  }

  @Override
  protected String derivativeReferenceValues() {
    return "/general-f/neyman-derivatives.csv";
  }
}

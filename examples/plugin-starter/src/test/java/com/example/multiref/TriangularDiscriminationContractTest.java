package com.example.multiref;

import io.github.multiref.api.Divergence;
import io.github.multiref.testkit.DivergenceContract;

/** The whole divergence suite of the contract kit, as for every built-in. */
class TriangularDiscriminationContractTest extends DivergenceContract {

  @Override
  protected Divergence divergence() {
    return new TriangularDiscrimination();
  }
}

package io.github.multiref.plugins.plackettluce;

import io.github.multiref.api.PreferenceModel;
import io.github.multiref.testkit.PreferenceModelContract;

/** The plugin runs the contract kit's preference-model suite, rankings of three included. */
class PlackettLuceContractTest extends PreferenceModelContract {

  @Override
  protected PreferenceModel model() {
    return PlackettLuce.INSTANCE;
  }
}

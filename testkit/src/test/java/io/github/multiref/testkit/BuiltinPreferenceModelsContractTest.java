package io.github.multiref.testkit;

import io.github.multiref.api.PreferenceModel;
import io.github.multiref.rewards.BradleyTerry;
import io.github.multiref.rewards.Thurstone;
import org.junit.jupiter.api.Nested;

/** Every built-in preference model runs the kit's suite, as a plugin's would. */
class BuiltinPreferenceModelsContractTest {

  @Nested
  class BradleyTerryContract extends PreferenceModelContract {
    @Override
    protected PreferenceModel model() {
      return BradleyTerry.INSTANCE;
    }
  }

  @Nested
  class ThurstoneContract extends PreferenceModelContract {
    @Override
    protected PreferenceModel model() {
      return Thurstone.of(1.0);
    }
  }

  @Nested
  class NarrowThurstoneContract extends PreferenceModelContract {
    @Override
    protected PreferenceModel model() {
      return Thurstone.of(0.5);
    }
  }
}

package io.github.multiref.rewards;

import io.github.multiref.api.PreferenceModel;
import io.github.multiref.api.Stability;
import io.github.multiref.api.spi.ComponentFactory;
import io.github.multiref.api.spi.MultirefPlugin;
import io.github.multiref.api.spi.ParameterSpec;
import java.util.List;

/** The built-in preference models, wired by the runtime as built-ins. */
@Stability(Stability.Status.INTERNAL)
public final class BuiltinRewardsPlugin implements MultirefPlugin {

  /** The plugin; the runtime creates one per program. */
  public BuiltinRewardsPlugin() {}

  @Override
  public List<ComponentFactory<PreferenceModel>> preferenceModels() {
    return List.of(
        ComponentFactory.of("bt", "Bradley-Terry: P(y1 > y2) = sigmoid(r1 - r2)",
            BradleyTerry.INSTANCE),
        ComponentFactory.of("thurstone", "Thurstone: P(y1 > y2) = Phi((r1 - r2) / s)",
            List.of(new ParameterSpec("s", "the scale, > 0", "1")),
            config -> Thurstone.of(config.getDouble("s", 1.0))));
  }
}

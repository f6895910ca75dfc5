package io.github.multiref.plugins.plackettluce;

import io.github.multiref.api.PreferenceModel;
import io.github.multiref.api.Stability;
import io.github.multiref.api.spi.ComponentFactory;
import io.github.multiref.api.spi.MultirefPlugin;
import java.util.List;

/** Contributes the {@code plackett-luce} preference model (rankings of any length). */
@Stability(Stability.Status.EXPERIMENTAL)
public final class PlackettLucePlugin implements MultirefPlugin {

  /** Made by ServiceLoader. */
  public PlackettLucePlugin() {}

  @Override
  public List<ComponentFactory<PreferenceModel>> preferenceModels() {
    return List.of(ComponentFactory.of("plackett-luce",
        "Plackett-Luce rankings: pick the best by softmax(r), then the next; Bradley-Terry for"
            + " pairs (plugin example)", PlackettLuce.INSTANCE));
  }
}

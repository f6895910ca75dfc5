package io.github.multiref.plugins.neyman;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.Stability;
import io.github.multiref.api.spi.ComponentFactory;
import io.github.multiref.api.spi.MultirefPlugin;
import java.util.List;

/**
 * Contributes the {@code neyman-chi2} divergence. Listed in {@code
 * META-INF/services/io.github.multiref.api.spi.MultirefPlugin}, which is all it takes for multiref
 * to find it on the class path or in a plugin directory.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class NeymanPlugin implements MultirefPlugin {

  /** Made by ServiceLoader. */
  public NeymanPlugin() {}

  @Override
  public List<ComponentFactory<Divergence>> divergences() {
    return List.of(ComponentFactory.of(
        "neyman-chi2",
        "Neyman chi^2, f(t) = (t-1)^2/t = sum (pi-ref)^2/pi (plugin example)",
        NeymanChiSquared.INSTANCE));
  }
}

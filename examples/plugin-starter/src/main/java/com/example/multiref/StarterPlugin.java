package com.example.multiref;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.spi.ComponentFactory;
import io.github.multiref.api.spi.MultirefPlugin;
import java.util.List;

/** The plugin's one entry point, listed in META-INF/services: one divergence, by name. */
public final class StarterPlugin implements MultirefPlugin {

  @Override
  public List<ComponentFactory<Divergence>> divergences() {
    return List.of(ComponentFactory.of("triangular", "triangular discrimination, sum (p-q)^2/(p+q)",
        new TriangularDiscrimination()));
  }
}

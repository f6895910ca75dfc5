package io.github.multiref.runtime;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.spi.ComponentFactory;
import io.github.multiref.api.spi.MultirefPlugin;
import io.github.multiref.divergences.ReverseKl;
import java.util.List;

/** Listed in this module's test resources, so ServiceLoader finds it on the test class path. */
public final class ClasspathTestPlugin implements MultirefPlugin {

  /** Made by ServiceLoader. */
  public ClasspathTestPlugin() {}

  @Override
  public List<ComponentFactory<Divergence>> divergences() {
    return List.of(ComponentFactory.of("classpath-test", "found on the class path",
        ReverseKl.INSTANCE));
  }
}

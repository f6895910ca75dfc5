package io.github.multiref.testkit;

import io.github.multiref.api.ReferenceCombiner;
import io.github.multiref.divergences.EscortCombiner;
import io.github.multiref.divergences.HarmonicCombiner;
import io.github.multiref.divergences.MixtureCombiner;
import io.github.multiref.divergences.PowerMeanCombiner;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Nested;

/** Every built-in combiner runs the kit's suite, with its power-mean order where it has one. */
class BuiltinCombinersContractTest {

  @Nested
  class EscortContract extends ReferenceCombinerContract {
    @Override
    protected ReferenceCombiner combiner() {
      return EscortCombiner.INSTANCE;
    }

    @Override
    protected OptionalDouble powerMeanOrder() {
      return OptionalDouble.of(0.0);
    }
  }

  @Nested
  class MixtureContract extends ReferenceCombinerContract {
    @Override
    protected ReferenceCombiner combiner() {
      return MixtureCombiner.INSTANCE;
    }

    @Override
    protected OptionalDouble powerMeanOrder() {
      return OptionalDouble.of(1.0);
    }
  }

  @Nested
  class HarmonicContract extends ReferenceCombinerContract {
    @Override
    protected ReferenceCombiner combiner() {
      return HarmonicCombiner.INSTANCE;
    }

    @Override
    protected OptionalDouble powerMeanOrder() {
      return OptionalDouble.of(-1.0);
    }
  }

  @Nested
  class PowerMeanOneHalfContract extends ReferenceCombinerContract {
    @Override
    protected ReferenceCombiner combiner() {
      return PowerMeanCombiner.of(0.5);
    }

    @Override
    protected OptionalDouble powerMeanOrder() {
      return OptionalDouble.of(0.5);
    }
  }

  @Nested
  class PowerMeanMinusThreeContract extends ReferenceCombinerContract {
    @Override
    protected ReferenceCombiner combiner() {
      return PowerMeanCombiner.of(-3.0);
    }

    @Override
    protected OptionalDouble powerMeanOrder() {
      return OptionalDouble.of(-3.0);
    }
  }
}

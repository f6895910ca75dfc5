package io.github.multiref.divergences;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.ReferenceCombiner;
import io.github.multiref.api.Stability;
import io.github.multiref.api.spi.ComponentFactory;
import io.github.multiref.api.spi.MultirefPlugin;
import io.github.multiref.api.spi.ParameterSpec;
import java.util.List;

/**
 * The built-in divergences and reference combiners, handed to the registry as a plugin would be.
 * It is wired explicitly by the runtime (not listed for {@link java.util.ServiceLoader}), so that
 * the registry can label its components as built-in.
 */
@Stability(Stability.Status.INTERNAL)
public final class BuiltinDivergencesPlugin implements MultirefPlugin {

  /** The plugin; the runtime creates one per program. */
  public BuiltinDivergencesPlugin() {}

  @Override
  public List<ComponentFactory<Divergence>> divergences() {
    return List.of(
        ComponentFactory.of("reverse-kl",
            "KL(pi||ref), f(t) = t log t; exact solution: escort reference tilted by exp(r/beta)",
            ReverseKl.INSTANCE),
        ComponentFactory.of("forward-kl",
            "KL(ref||pi), f(t) = -log t; solution beta * mixture / (lambda - r)",
            ForwardKl.INSTANCE),
        ComponentFactory.of("pearson-chi2",
            "Pearson chi^2, f(t) = (t-1)^2 = sum (pi-ref)^2/ref", PearsonChiSquared.INSTANCE),
        ComponentFactory.of("squared-hellinger",
            "f(t) = (sqrt t - 1)^2 = sum (sqrt pi - sqrt ref)^2", SquaredHellinger.INSTANCE),
        ComponentFactory.of("jensen-shannon",
            "f(t) = t log t - (1+t) log((1+t)/2) = KL(pi||m) + KL(ref||m), m the midpoint",
            JensenShannon.INSTANCE),
        ComponentFactory.of("alpha",
            "Amari alpha-divergence f(t) = (t^a - a t - (1-a))/(a(a-1)); a->1 reverse KL, a->0"
                + " forward KL",
            List.of(new ParameterSpec("a", "the order, any finite real", "0.5")),
            config -> AlphaDivergence.of(config.getDouble("a", 0.5))));
  }

  @Override
  public List<ComponentFactory<ReferenceCombiner>> referenceCombiners() {
    return List.of(
        ComponentFactory.of("escort",
            "generalized escort prod_i pi_i^alpha_i / F_alpha (geometric mean; reverse KL)",
            EscortCombiner.INSTANCE),
        ComponentFactory.of("mixture",
            "arithmetic mixture sum_i alpha_i pi_i (forward KL)", MixtureCombiner.INSTANCE),
        ComponentFactory.of("harmonic",
            "weighted harmonic mean 1/sum_i(alpha_i/pi_i), normalized (MRPO surrogate)",
            HarmonicCombiner.INSTANCE),
        ComponentFactory.of("power-mean",
            "weighted power mean (sum_i alpha_i pi_i^p)^(1/p), normalized; p = -1, 0, 1 give"
                + " harmonic, escort, mixture",
            List.of(new ParameterSpec("p", "the order, any finite real", "0")),
            config -> PowerMeanCombiner.of(config.getDouble("p", 0.0))));
  }
}

package io.github.multiref.solvers;

import io.github.multiref.api.Divergence;
import io.github.multiref.api.Divergence.PowerForm;
import io.github.multiref.api.ReferenceCombiner;
import io.github.multiref.divergences.EscortCombiner;
import io.github.multiref.divergences.MixtureCombiner;
import java.util.Optional;

/**
 * Which divergences the closed-form solvers take, by their declared {@link PowerForm}, never by
 * class (docs/math.md#kl-multiples). A power form {@code f'(t) = shift + scale log t} (exponent 0)
 * makes {@code D_f} exactly {@code scale KL(pi||pi_i)} on distributions, so the reverse-KL solution
 * with {@code beta scale} in place of beta is its optimum; exponent -1, {@code f'(t) = shift +
 * scale (1 - 1/t)}, makes it {@code scale KL(pi_i||pi)}. The shift changes no optimum, only the
 * multiplier lambda of the KKT conditions, by {@code beta (shift + scale)} for forward KL.
 */
final class KlFamily {

  private KlFamily() {}

  /** The power form when it is a positive multiple of reverse KL. */
  static Optional<PowerForm> reverseKl(Divergence d) {
    return d.powerForm().filter(p -> p.exponent() == 0.0);
  }

  /** The power form when it is a positive multiple of forward KL. */
  static Optional<PowerForm> forwardKl(Divergence d) {
    return d.powerForm().filter(p -> p.exponent() == -1.0);
  }

  /**
   * The combined reference whose tilt is the optimum, for the divergences of this family: the
   * escort for reverse KL, the mixture for forward KL; empty for the rest.
   */
  static Optional<ReferenceCombiner> tiltedReference(Divergence d) {
    if (reverseKl(d).isPresent()) {
      return Optional.of(EscortCombiner.INSTANCE);
    }
    if (forwardKl(d).isPresent()) {
      return Optional.of(MixtureCombiner.INSTANCE);
    }
    return Optional.empty();
  }
}

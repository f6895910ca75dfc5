package io.github.multiref.rewards;

import io.github.multiref.api.PreferenceModel;
import io.github.multiref.api.Stability;
import org.apache.commons.numbers.gamma.Erfc;
import org.apache.commons.numbers.gamma.Erfcx;

/**
 * Thurstone (case V): {@code link(t) = Phi(t / s)}, the standard normal cdf of the gap in units of
 * the scale s.
 *
 * <p>{@code Phi(u) = erfc(-u / sqrt 2) / 2}. Far in the left tail {@code log Phi(u) = log(erfcx(-u
 * / sqrt 2) / 2) - u^2 / 2} with the scaled complementary error function, so the log-likelihood is
 * finite for any gap; the ratio {@code phi(u) / Phi(u) = sqrt(2/pi) / erfcx(-u / sqrt 2)} likewise.
 * {@code kappa(R) = s sqrt(2 pi) exp(R^2 / (2 s^2))}.
 */
@Stability(Stability.Status.STABLE)
public final class Thurstone implements PreferenceModel {

  private static final double SQRT2 = Math.sqrt(2.0);
  private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
  private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

  private final double s;

  private Thurstone(double s) {
    this.s = s;
  }

  /**
   * Thurstone with scale s.
   *
   * @throws IllegalArgumentException unless s is finite and positive
   */
  public static Thurstone of(double s) {
    if (!(s > 0 && s < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("Thurstone scale s must be finite and > 0, got " + s);
    }
    return new Thurstone(s);
  }

  /** The scale s. */
  public double scale() {
    return s;
  }

  @Override
  public double link(double t) {
    return 0.5 * Erfc.value(-t / (s * SQRT2));
  }

  @Override
  public double logLink(double t) {
    double u = t / s;
    if (u < -1.0) {
      return Math.log(0.5 * Erfcx.value(-u / SQRT2)) - 0.5 * u * u;
    }
    return Math.log1p(-0.5 * Erfc.value(u / SQRT2));
  }

  /** {@code phi(t/s) / s}. */
  @Override
  public double linkDerivative(double t) {
    double u = t / s;
    return INV_SQRT_2PI * Math.exp(-0.5 * u * u) / s;
  }

  /** {@code phi(u) / (s Phi(u))}, u = t/s, through erfcx in the left tail. */
  @Override
  public double logLinkDerivative(double t) {
    double u = t / s;
    if (u < -1.0) {
      return SQRT_2_OVER_PI / Erfcx.value(-u / SQRT2) / s;
    }
    return linkDerivative(t) / link(t);
  }

  /** {@code s sqrt(2 pi) exp(R^2 / (2 s^2))}, in closed form. */
  @Override
  public double kappa(double rMax) {
    if (!(rMax >= 0.0 && rMax < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("rMax must be finite and >= 0, got " + rMax);
    }
    double u = rMax / s;
    return s * Math.sqrt(2.0 * Math.PI) * Math.exp(0.5 * u * u);
  }

  @Override
  public String toString() {
    return "thurstone:s=" + s;
  }
}

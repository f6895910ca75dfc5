package io.github.multiref.rewards.io;

import io.github.multiref.api.Stability;

/**
 * One preference pair in the field names people already use: {@code prompt}, {@code chosen},
 * {@code rejected}, and optionally the policy's sequence log-probabilities {@code chosen_logps},
 * {@code rejected_logps} and each reference's {@code ref_chosen_logps}, {@code
 * ref_rejected_logps}.
 *
 * @param chosenLogps null when absent
 * @param rejectedLogps null when absent
 * @param refChosenLogps null when absent
 * @param refRejectedLogps null when absent (present exactly when refChosenLogps is)
 */
@Stability(Stability.Status.EXPERIMENTAL)
public record PreferencePair(String prompt, String chosen, String rejected, Double chosenLogps,
    Double rejectedLogps, double[] refChosenLogps, double[] refRejectedLogps) {

  /** A pair without log-probabilities. */
  public static PreferencePair of(String prompt, String chosen, String rejected) {
    return new PreferencePair(prompt, chosen, rejected, null, null, null, null);
  }
}

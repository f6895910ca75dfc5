package io.github.multiref.solvers.dpo;

import io.github.multiref.api.Stability;

/**
 * The multi-reference DPO quantities of one preference pair.
 *
 * @param loss the loss at the logit
 * @param logit {@code z = chosenReward - rejectedReward}
 * @param gradChosen {@code dLoss / d log pi(y_w)}
 * @param gradRejected {@code dLoss / d log pi(y_l)}
 * @param chosenReward the implicit reward of the chosen response, {@code beta sum_i alpha_i
 *     (f'(pi(y_w)/pi_i(y_w)) - f'(1))}: 0 when the policy equals every reference there
 * @param rejectedReward the same for the rejected response
 */
@Stability(Stability.Status.EXPERIMENTAL)
public record PairScore(double loss, double logit, double gradChosen, double gradRejected,
    double chosenReward, double rejectedReward) {}

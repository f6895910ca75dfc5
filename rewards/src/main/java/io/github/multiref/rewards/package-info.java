/**
 * Preference models (Bradley-Terry, Thurstone), synthetic preference data, and maximum-likelihood
 * reward learning. Filled by the reward-learning issue; the SPI it implements is {@link
 * io.github.multiref.api.PreferenceModel}.
 */
package io.github.multiref.rewards;

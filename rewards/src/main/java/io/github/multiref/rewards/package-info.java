/**
 * Preference models (Bradley-Terry, Thurstone; Plackett-Luce comes as a plugin). Preference data
 * and reward learning follow in this module.
 */
package io.github.multiref.rewards;

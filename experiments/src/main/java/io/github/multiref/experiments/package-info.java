/**
 * The paper's experiment: a synthetic bandit, trials that learn a reward from sampled preferences
 * and measure the exact gaps of each method next to its bounds, and the reports and plots of a
 * run ({@code multiref demo}, {@code multiref simulate}).
 */
package io.github.multiref.experiments;

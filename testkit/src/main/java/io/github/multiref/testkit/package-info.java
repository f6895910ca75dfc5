/**
 * The plugin author's contract kit: abstract JUnit 5 suites to subclass in a plugin's tests.
 *
 * <p>{@link io.github.multiref.testkit.DivergenceContract}, {@link
 * io.github.multiref.testkit.PreferenceModelContract}, {@link
 * io.github.multiref.testkit.ReferenceCombinerContract} and {@link
 * io.github.multiref.testkit.SolverContract} each check a component against the math contract in
 * its SPI javadoc and against the core that will use it (the general-f solver and DPO for a
 * divergence, reward learning for a preference model, the dataset solver for a solver). Every check is against something
 * independent of the component: finite differences, definitions evaluated directly, a Lagrangian
 * duality certificate, exact enumeration, or counts from a seeded sampler. Seeds are fixed, so a
 * failure reproduces.
 */
package io.github.multiref.testkit;

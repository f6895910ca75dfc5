/**
 * Multi-reference solvers and the objective they maximize,
 * {@code J(pi) = E_{y~pi} r(y) - beta * sum_i alpha_i D_f(pi || pi_i)} for one prompt:
 *
 * <ul>
 *   <li>{@link io.github.multiref.solvers.ReverseKlSolver}: exact (docs/math.md#reverse-kl),
 *   <li>{@link io.github.multiref.solvers.ForwardKlSolver}: one scalar root (section 4),
 *   <li>{@link io.github.multiref.solvers.GeneralFSolver}: any strictly convex f, nested monotone
 *       roots (section 5),
 *   <li>{@link io.github.multiref.solvers.MrpoSolver}: the harmonic-reference surrogate (section 6),
 *   <li>{@link io.github.multiref.solvers.Objectives}: {@code J} of any policy, term by term,
 *   <li>{@link io.github.multiref.solvers.DatasetSolver}: many prompts in parallel, results
 *       independent of the thread count.
 * </ul>
 */
package io.github.multiref.solvers;

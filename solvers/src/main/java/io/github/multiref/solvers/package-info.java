/**
 * Multi-reference solvers (exact reverse KL, implicit forward KL, any f-divergence, the MRPO
 * surrogate), the objective evaluator and DPO losses. Filled by the solver and DPO issues; the SPI
 * it implements is {@link io.github.multiref.api.Solver}.
 */
package io.github.multiref.solvers;

/**
 * The exact and general multi-reference solvers, the objectives, the dataset runner and the
 * multi-reference DPO losses.
 */
module io.github.multiref.solvers {
  requires transitive io.github.multiref.api;
  requires io.github.multiref.divergences;

  exports io.github.multiref.solvers;
  exports io.github.multiref.solvers.dpo;
  exports io.github.multiref.solvers.sampled;
}

/**
 * The sample-complexity bounds of the paper, the coverage constants, and the exact sub-optimality
 * and optimality gaps of a learned reward.
 */
module io.github.multiref.bounds {
  requires transitive io.github.multiref.api;
  requires io.github.multiref.divergences;
  requires io.github.multiref.solvers;

  exports io.github.multiref.bounds;
}

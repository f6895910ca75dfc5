/**
 * Autoregressive references over token trees: the exact reverse-KL optimum per token by backward
 * recursion, the forward-KL optimum's conditionals, the geometric and arithmetic per-token
 * ensembles and MRPO, and each one's exact multi-reference objective and gap.
 */
module io.github.multiref.sequences {
  requires transitive io.github.multiref.api;
  requires io.github.multiref.divergences;
  requires io.github.multiref.solvers;

  exports io.github.multiref.sequences;
}

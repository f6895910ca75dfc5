/** Policies trained by multi-reference DPO over each prompt's candidate responses. */
module io.github.multiref.training {
  requires transitive io.github.multiref.api;
  requires transitive io.github.multiref.solvers;
  requires transitive io.github.multiref.rewards;
  requires io.github.multiref.bounds;

  exports io.github.multiref.training;
}

/** The paper's experiment: synthetic bandits, trials against the bounds, reports and plots. */
module io.github.multiref.experiments {
  requires transitive io.github.multiref.api;
  requires io.github.multiref.divergences;
  requires transitive io.github.multiref.rewards;
  requires io.github.multiref.solvers;
  requires io.github.multiref.bounds;
  requires io.github.multiref.sequences;
  requires io.github.multiref.training;
  requires com.fasterxml.jackson.databind;
  requires org.jfree.jfreechart;
  requires java.desktop;
  requires org.slf4j;

  exports io.github.multiref.experiments;
}

/**
 * Preference models (Bradley-Terry, Thurstone), preference data and its readers, reward learning,
 * and the synthetic and real-magnitude problem generators.
 */
module io.github.multiref.rewards {
  requires transitive io.github.multiref.api;
  requires io.github.multiref.divergences;
  requires transitive com.fasterxml.jackson.databind;
  requires org.apache.commons.numbers.gamma;

  exports io.github.multiref.rewards;
  exports io.github.multiref.rewards.io;
}

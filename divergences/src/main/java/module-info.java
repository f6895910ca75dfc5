/** The built-in f-divergences and reference combiners. */
module io.github.multiref.divergences {
  requires transitive io.github.multiref.api;

  exports io.github.multiref.divergences;
}

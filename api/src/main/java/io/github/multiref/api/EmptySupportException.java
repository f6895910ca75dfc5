package io.github.multiref.api;

/**
 * A combination of references that leaves no response with positive mass, e.g. a generalized
 * escort whose references with positive weight have disjoint supports. The multi-reference
 * reverse-KL problem has no solution then.
 */
@Stability(Stability.Status.STABLE)
public final class EmptySupportException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String combination;
  private final String prompt;

  /**
   * @param combination the combiner's name (e.g. {@code escort})
   * @param prompt the prompt's label
   */
  public EmptySupportException(String combination, String prompt) {
    super("prompt '" + prompt + "': the " + combination
        + " combination of the references has empty support: no response has positive"
        + " probability under every reference with positive weight");
    this.combination = combination;
    this.prompt = prompt;
  }

  /** The combiner's name. */
  public String combination() {
    return combination;
  }

  /** The prompt's label. */
  public String prompt() {
    return prompt;
  }
}

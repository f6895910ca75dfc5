package io.github.multiref.api;

/**
 * A prompt of a {@link PromptBatch} that could not be solved: which prompt, which field of it when
 * the input is at fault ({@code reward} or {@code ref_logprobs[k]}, the names of the prompts
 * table), and the solver's own exception as the cause: an {@link IllegalArgumentException} for
 * input without a solution, an {@link ArithmeticException} for a budget run out.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class PromptFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int prompt;
  private final String field;

  /**
   * @param prompt the prompt's index in its batch
   * @param field the offending field, or null when the problem as a whole has no solution
   * @param cause the exception that solving it (or checking it) threw; its message is this one's
   */
  public PromptFailure(int prompt, String field, RuntimeException cause) {
    super(cause.getMessage(), cause);
    this.prompt = prompt;
    this.field = field;
  }

  /** The prompt's index in its batch. */
  public int prompt() {
    return prompt;
  }

  /** The offending field, or null. */
  public String field() {
    return field;
  }

  /** Whether the solver ran out of its budget ({@link ArithmeticException}) rather than input. */
  public boolean budgetExceeded() {
    return getCause() instanceof ArithmeticException;
  }
}

package io.github.multiref.cli;

/**
 * One validated prompt of a {@code solve} input file.
 *
 * @param position the 1-based line (JSONL) or row (Parquet) number
 * @param unit "line" or "row"
 * @param prompt the prompt
 * @param responses the candidate responses, or null when the table has none (Parquet only)
 * @param reward one reward per response
 * @param refLogprobs K arrays of sequence log-probabilities, one per reference
 */
record PromptRecord(long position, String unit, String prompt, String[] responses,
    double[] reward, double[][] refLogprobs) {

  /** "line 3" or "row 3". */
  String where() {
    return unit + " " + position;
  }

  /** {@code line N: field 'F' REST} or {@code row N, column 'F': REST}. */
  InputException error(String field, String rest) {
    return error(position, unit, field, rest);
  }

  /** As {@link #error(String, String)} for the line or row at {@code position}. */
  static InputException error(long position, String unit, String field, String rest) {
    return unit.equals("line") ? InputException.at(position, "field '" + field + "' " + rest)
        : InputException.at(position, field, rest);
  }

  /** The number of candidate responses. */
  int size() {
    return reward.length;
  }
}

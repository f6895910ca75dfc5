package io.github.multiref.cli;

/**
 * One validated line of a {@code solve} input file.
 *
 * @param line the 1-based line number
 * @param prompt the prompt
 * @param responses the candidate responses
 * @param reward one reward per response
 * @param refLogprobs K arrays of sequence log-probabilities, one per reference
 */
record PromptRecord(long line, String prompt, String[] responses, double[] reward,
    double[][] refLogprobs) {}

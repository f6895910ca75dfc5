package io.github.multiref.api;

/**
 * Combines K reference distributions with weights alpha into one reference: an alpha-weighted mean
 * {@code M(y)} of {@code pi_1(y), ..., pi_K(y)}, normalized over the responses.
 *
 * <p>Contract: for K = 1 (or all weight on one reference) the result is that reference; the result
 * does not depend on the order of the references (weights permuted with them); references with
 * zero weight do not influence the result, even where they have no mass. Implementations are final,
 * immutable and thread-safe, and work in log space.
 */
@Stability(Stability.Status.STABLE)
public interface ReferenceCombiner {

  /**
   * {@code log M(y)} per response, unnormalized.
   *
   * @return a fresh array, entries {@code -inf} where M has no mass
   */
  double[] logUnnormalized(ReferenceSet references);

  /**
   * The normalized combination and its log-normalizer.
   *
   * @throws EmptySupportException if M has no mass on any response
   */
  CombinedReference combine(ReferenceSet references);
}

/**
 * Sample-complexity bounds, exact gaps and the experiments that reproduce the paper. Filled by the
 * bounds issue; the SPI it implements is {@link io.github.multiref.api.BoundCalculator}.
 */
package io.github.multiref.bounds;

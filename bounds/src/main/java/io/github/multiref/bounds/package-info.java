/**
 * Sample-complexity bounds (docs/math.md#sample-complexity-bounds, derived in docs/bounds.md),
 * coverage constants, and the exact sub-optimality and optimality gaps of a learned reward
 * (docs/math.md#gaps).
 */
package io.github.multiref.bounds;

/**
 * Sample-complexity bounds (MATH.md section 10, derived in docs/bounds.md), coverage constants, and
 * the exact sub-optimality and optimality gaps of a learned reward (section 9).
 */
package io.github.multiref.bounds;

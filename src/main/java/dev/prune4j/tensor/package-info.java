/**
 * Tensors: dtypes, shapes, heap and memory-mapped storage, views without copies, dtype
 * conversion and the one seeded random-number utility used everywhere.
 *
 * <p>Depends on nothing else in prune4j (only the JDK).
 */
package dev.prune4j.tensor;

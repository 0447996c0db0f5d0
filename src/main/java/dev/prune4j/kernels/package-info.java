/**
 * Compute kernels: one {@link dev.prune4j.kernels.Kernels} interface, a readable scalar
 * specification ({@link dev.prune4j.kernels.ScalarKernels}) and a Vector API implementation
 * ({@link dev.prune4j.kernels.VectorKernels}) that must agree with it, selected in one place
 * ({@link dev.prune4j.kernels.Kernels#get()}). Also the thread pool ({@link dev.prune4j.kernels.Parallel})
 * and float64 linear algebra for second-order pruning ({@link dev.prune4j.kernels.LinAlg}).
 *
 * <p>Kernels work on float arrays with explicit offsets and leading dimensions (row-major), so
 * callers can address views without copies. May use {@code dev.prune4j.tensor} only.
 */
package dev.prune4j.kernels;

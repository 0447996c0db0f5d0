/**
 * Packed sparse weight matrices and their kernels: the part of prune4j that turns zeros into
 * speed. Formats ({@link dev.prune4j.sparse.SparseFormat}): CSR, bitmask, N:M and 1×8 blocks,
 * plus a dense fallback, with values stored as F32, BF16, F16 or INT8 with per-row scales
 * ({@link dev.prune4j.sparse.ValueType}). Every product has a readable scalar twin in
 * {@link dev.prune4j.sparse.SparseReference}; the fast paths follow "load as sparse, compute as
 * dense" (Flash-LLM, Xia et al., VLDB 2024): packed values are expanded into registers and
 * multiplied with dense vector FMAs. {@link dev.prune4j.sparse.SparseSelector} picks a format per
 * layer from a short, cached calibration benchmark.
 *
 * <p>Matrices are row-major {@code W: [rows, cols]} (the weight layout [out, in]). May use
 * {@code dev.prune4j.core}, {@code dev.prune4j.tensor} and {@code dev.prune4j.kernels}.
 */
package dev.prune4j.sparse;

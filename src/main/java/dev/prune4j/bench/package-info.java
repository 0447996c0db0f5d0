/**
 * Benchmarks of prune4j's kernels against baselines measured in the same run: OpenBLAS SGEMM,
 * a streaming copy (the memory bandwidth), LAPACK dpotrf/dpotri. This is the only package that
 * loads OpenBLAS (org.bytedeco); product code never does. May use {@code dev.prune4j.kernels},
 * {@code dev.prune4j.tensor} and {@code dev.prune4j.core}.
 */
package dev.prune4j.bench;

/**
 * Benchmarks behind {@code prune4j bench}: our code against a baseline measured in the same run
 * (OpenBLAS, LAPACK, ONNX Runtime, the machine's measured bandwidth, our own dense path). The
 * only package that loads OpenBLAS. May use every package except {@code cli}.
 */
package dev.prune4j.bench;

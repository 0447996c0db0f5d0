/**
 * Reverse-mode automatic differentiation and training: {@link dev.prune4j.nn.Variable} (a value
 * and its gradient), {@link dev.prune4j.nn.Op} (one forward and one backward rule per operation,
 * the functions in {@link dev.prune4j.nn.F}), layers ({@link dev.prune4j.nn.Module}), losses,
 * optimizers that keep pruning masks, learning-rate schedules, checkpoints and the training loop.
 *
 * <p>Ops run on the kernels of {@code dev.prune4j.kernels} (GEMM for products, row kernels for
 * norms and softmax). Two training-only kernels live here, on the Vector API and only when the
 * kernel switch selects the vector kernels: the direct convolution ({@code DirectConv}, with
 * im2col on the GEMM as its readable twin) and the ReLU backward mask ({@code Lanes}). May use
 * {@code core}, {@code tensor}, {@code kernels}, {@code data} and {@code jdk.incubator.vector}.
 */
package dev.prune4j.nn;

/**
 * Reverse-mode automatic differentiation and training: {@link dev.prune4j.nn.Variable} (a value
 * and its gradient), {@link dev.prune4j.nn.Op} (one forward and one backward rule per operation,
 * the functions in {@link dev.prune4j.nn.F}), layers ({@link dev.prune4j.nn.Module}), losses,
 * optimizers that keep pruning masks, learning-rate schedules, checkpoints and the training loop.
 *
 * <p>Ops run on the kernels of {@code dev.prune4j.kernels} (GEMM for products, row kernels for
 * norms and softmax). May use {@code core}, {@code tensor}, {@code kernels} and {@code data}.
 */
package dev.prune4j.nn;

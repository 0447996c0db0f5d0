/**
 * Pruning while training: the scores ({@link dev.prune4j.prune.train.Criterion}), mask selection
 * ({@link dev.prune4j.prune.train.Masks} with an {@link dev.prune4j.prune.train.Allocation}),
 * sparsity schedules, layer budgets (ERK, sensitivity) and the methods — one-shot, iterative
 * magnitude pruning with rewinding (lottery tickets), gradual pruning, static sparse, SET, RigL,
 * group lasso with physical removal, distillation — each a small class running on the one
 * training/pruning driver {@link dev.prune4j.prune.train.Session}.
 *
 * <p>May use {@code core}, {@code tensor}, {@code kernels}, {@code data} and {@code nn}.
 */
package dev.prune4j.prune.train;

/**
 * Pruning, kept in separate concepts (see DESIGN.md): calibration statistics ({@link
 * dev.prune4j.prune.LayerStats}), scores ({@link dev.prune4j.prune.Criterion}), which scores
 * compete ({@link dev.prune4j.prune.Granularity}) and how many go ({@link
 * dev.prune4j.prune.Sparsity}), the resulting {@link dev.prune4j.prune.Mask}, and weight updates
 * such as {@link dev.prune4j.prune.SparseGpt}. A {@link dev.prune4j.prune.LayerPruner} combines
 * them for one linear layer; a new method is usually one small class.
 *
 * <p>May use {@code tensor}, {@code kernels}, {@code io} and {@code model} (block adapters and the
 * streaming pruner read and write checkpoints).
 */
package dev.prune4j.prune;

/**
 * Models: an {@link dev.prune4j.model.Architecture} per family (LLaMA-like decoders here; BERT-like
 * encoders beside them) with its named parameters ({@link dev.prune4j.model.Model}), loading from
 * checkpoint files, the decoder forward pass with its KV cache, and generation with seeded
 * sampling. {@link dev.prune4j.model.LinearRuntime} and {@link dev.prune4j.model.LinearPlanner}
 * decide how linear layers run (dense in the stored precision or a per-layer sparse packing).
 *
 * <p>May use {@code core}, {@code tensor}, {@code kernels}, {@code sparse}, {@code io} and {@code text}.
 */
package dev.prune4j.model;

/**
 * Models: an {@link dev.prune4j.model.Architecture} per family (LLaMA-like decoders here; BERT-like
 * encoders beside them) with its named parameters ({@link dev.prune4j.model.Model}), loading from
 * checkpoint files, the decoder forward pass with its KV cache, and generation with seeded
 * sampling.
 *
 * <p>May use {@code core}, {@code tensor}, {@code kernels}, {@code io} and {@code text}.
 */
package dev.prune4j.model;

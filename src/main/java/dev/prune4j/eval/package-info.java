/**
 * Evaluation of models: perplexity of decoders on token windows, and embedding fidelity of
 * encoders (cosine to a reference model's embeddings), with the protocol recorded next to every
 * number.
 *
 * <p>May use {@code core}, {@code tensor}, {@code kernels}, {@code text} and {@code model}.
 */
package dev.prune4j.eval;

package dev.prune4j.model;

import dev.prune4j.tensor.Shape;

import java.util.Map;

/**
 * What a family of networks needs to know about one model: its {@code model_type} and the
 * parameters it must have, by name and shape. Implemented by a validating config record per
 * family ({@link LlamaConfig} for LLaMA-like decoders); deliberately not sealed, so that new
 * families plug in beside the existing ones.
 */
public interface Architecture {
    /** The Hugging Face {@code model_type} (e.g. "llama", "qwen2", "bert"). */
    String modelType();

    /** Every parameter the forward pass reads, by name, with its shape (in a stable order). */
    Map<String, Shape> parameterShapes();

    /** A one-line human description (sizes) for logs and reports. */
    String describe();
}

package dev.prune4j.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The LLaMA-like decoder families prune4j runs, by Hugging Face {@code model_type}. */
public enum DecoderType {
    /** Llama 2/3, TinyLlama, SmolLM (and llama2.c checkpoints). */
    LLAMA("llama"),
    /** Mistral: Llama with an optional sliding attention window. */
    MISTRAL("mistral"),
    /** Qwen2 / Qwen2.5: biases on q, k and v projections. */
    QWEN2("qwen2"),
    /** Qwen3: RMSNorm over each head of q and k before RoPE; explicit head_dim. */
    QWEN3("qwen3");

    private final String modelType;

    DecoderType(String modelType) {
        this.modelType = modelType;
    }

    public String modelType() {
        return modelType;
    }

    /** The type for a {@code model_type} string, or null. */
    public static DecoderType fromModelType(String s) {
        for (DecoderType t : values()) {
            if (t.modelType.equals(s)) {
                return t;
            }
        }
        return null;
    }

    /** "llama, mistral, qwen2, qwen3". */
    public static String supported() {
        return Arrays.stream(values()).map(DecoderType::modelType).collect(Collectors.joining(", "));
    }
}

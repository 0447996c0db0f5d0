package dev.prune4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prune4j.core.BadInputException;
import dev.prune4j.kernels.Kernels.RopeLayout;
import dev.prune4j.tensor.Shape;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The architecture of a LLaMA-like decoder (Touvron et al. 2023, arXiv:2302.13971; GQA: Ainslie
 * et al. 2023, arXiv:2305.13245): pre-RMSNorm blocks of grouped-query attention with RoPE and a
 * SwiGLU MLP, optional q/k/v(/o) biases (Qwen2), optional per-head q/k RMSNorm (Qwen3), optional
 * sliding window (Mistral) and RoPE scaling (Llama 3.1). Validated on construction.
 *
 * @param ropeLayout    which RoPE pair layout the q/k weights expect: {@link RopeLayout#HALF} for
 *                      Hugging Face checkpoints, {@link RopeLayout#INTERLEAVED} for llama2.c
 * @param slidingWindow attention sees at most this many positions (0 = unlimited)
 */
public record LlamaConfig(DecoderType type, int hiddenSize, int intermediateSize, int layers, int heads, int kvHeads,
                          int headDim, int vocabSize, int maxPositions, double rmsNormEps, double ropeTheta,
                          RopeScaling ropeScaling, RopeLayout ropeLayout, boolean tiedEmbeddings, boolean qkvBias,
                          boolean outputBias, boolean qkNorm, int slidingWindow, int bosTokenId,
                          List<Integer> eosTokenIds) implements Architecture {

    public LlamaConfig {
        positive("hidden_size", hiddenSize);
        positive("intermediate_size", intermediateSize);
        positive("num_hidden_layers", layers);
        positive("num_attention_heads", heads);
        positive("num_key_value_heads", kvHeads);
        positive("head_dim", headDim);
        positive("vocab_size", vocabSize);
        positive("max_position_embeddings", maxPositions);
        if (heads % kvHeads != 0) {
            throw new BadInputException("num_attention_heads (" + heads + ") must be a multiple of num_key_value_heads ("
                    + kvHeads + ")");
        }
        if (headDim % 2 != 0) {
            throw new BadInputException("head_dim must be even for RoPE, found " + headDim);
        }
        if (!(rmsNormEps > 0) || !(ropeTheta > 0)) {
            throw new BadInputException("rms_norm_eps and rope_theta must be positive, found " + rmsNormEps + " and "
                    + ropeTheta);
        }
        if (slidingWindow < 0) {
            throw new BadInputException("sliding_window must be positive or null, found " + slidingWindow);
        }
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    private static void positive(String field, int v) {
        if (v <= 0) {
            throw new BadInputException(field + " must be a positive integer, found " + v);
        }
    }

    @Override
    public String modelType() {
        return type.modelType();
    }

    /** Width of the query projection output: heads × head_dim. */
    public int qDim() {
        return heads * headDim;
    }

    /** Width of the key/value projection outputs: kv_heads × head_dim. */
    public int kvDim() {
        return kvHeads * headDim;
    }

    /** Inverse RoPE frequencies, scaled if configured: one per rotated pair. */
    public float[] inverseFrequencies() {
        return RopeScaling.inverseFrequencies(headDim, ropeTheta, ropeScaling);
    }

    /** Parameter name of layer {@code l}'s {@code suffix}. */
    public static String layer(int l, String suffix) {
        return "model.layers." + l + "." + suffix;
    }

    @Override
    public Map<String, Shape> parameterShapes() {
        Map<String, Shape> m = new LinkedHashMap<>();
        m.put("model.embed_tokens.weight", Shape.of(vocabSize, hiddenSize));
        for (int l = 0; l < layers; l++) {
            m.put(layer(l, "input_layernorm.weight"), Shape.of(hiddenSize));
            m.put(layer(l, "self_attn.q_proj.weight"), Shape.of(qDim(), hiddenSize));
            m.put(layer(l, "self_attn.k_proj.weight"), Shape.of(kvDim(), hiddenSize));
            m.put(layer(l, "self_attn.v_proj.weight"), Shape.of(kvDim(), hiddenSize));
            if (qkvBias) {
                m.put(layer(l, "self_attn.q_proj.bias"), Shape.of(qDim()));
                m.put(layer(l, "self_attn.k_proj.bias"), Shape.of(kvDim()));
                m.put(layer(l, "self_attn.v_proj.bias"), Shape.of(kvDim()));
            }
            if (qkNorm) {
                m.put(layer(l, "self_attn.q_norm.weight"), Shape.of(headDim));
                m.put(layer(l, "self_attn.k_norm.weight"), Shape.of(headDim));
            }
            m.put(layer(l, "self_attn.o_proj.weight"), Shape.of(hiddenSize, qDim()));
            if (outputBias) {
                m.put(layer(l, "self_attn.o_proj.bias"), Shape.of(hiddenSize));
            }
            m.put(layer(l, "post_attention_layernorm.weight"), Shape.of(hiddenSize));
            m.put(layer(l, "mlp.gate_proj.weight"), Shape.of(intermediateSize, hiddenSize));
            m.put(layer(l, "mlp.up_proj.weight"), Shape.of(intermediateSize, hiddenSize));
            m.put(layer(l, "mlp.down_proj.weight"), Shape.of(hiddenSize, intermediateSize));
        }
        m.put("model.norm.weight", Shape.of(hiddenSize));
        if (!tiedEmbeddings) {
            m.put("lm_head.weight", Shape.of(vocabSize, hiddenSize));
        }
        return Collections.unmodifiableMap(m);
    }

    @Override
    public String describe() {
        return modelType() + " hidden_size=" + hiddenSize + ", intermediate_size=" + intermediateSize
                + ", num_hidden_layers=" + layers + ", num_attention_heads=" + heads + ", num_key_value_heads="
                + kvHeads + ", head_dim=" + headDim + ", vocab_size=" + vocabSize;
    }

    // ------------------------------------------------------------------ config.json

    /**
     * Parses a Hugging Face {@code config.json} of a LLaMA-like decoder. Options prune4j cannot
     * run (another activation, MLP biases, a RoPE scaling other than llama3/linear, partial
     * rotary, Qwen2's per-layer sliding window) are refused with a message naming the field.
     */
    public static LlamaConfig fromJson(Path file, JsonNode c) {
        Fields f = new Fields(file, c);
        String mt = f.string("model_type", null);
        DecoderType type = DecoderType.fromModelType(mt);
        if (type == null) {
            throw new BadInputException(file + ": unknown model_type '" + mt + "'; supported decoders: "
                    + DecoderType.supported());
        }
        String act = f.string("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw new BadInputException(file + ": hidden_act '" + act + "' is not supported for " + mt
                    + "; supported: silu (SwiGLU)");
        }
        if (f.bool("mlp_bias", false)) {
            throw new BadInputException(file + ": mlp_bias=true is not supported; supported: mlp_bias=false");
        }
        double partial = f.dbl("partial_rotary_factor", 1.0);
        if (partial != 1.0) {
            throw new BadInputException(file + ": partial_rotary_factor " + partial + " is not supported; supported: 1.0");
        }
        int hidden = f.integer("hidden_size", null);
        int heads = f.integer("num_attention_heads", null);
        int headDim = f.integer("head_dim", heads > 0 && hidden % Math.max(1, heads) == 0 ? hidden / heads : -1);
        boolean attentionBias = f.bool("attention_bias", false);
        boolean qkvBias = type == DecoderType.QWEN2 || attentionBias;
        boolean outputBias = type != DecoderType.QWEN2 && attentionBias;
        int window = 0;
        if (type == DecoderType.MISTRAL) {
            window = f.integer("sliding_window", 0);
        } else if (f.bool("use_sliding_window", false)) {
            throw new BadInputException(file + ": use_sliding_window=true is not supported for " + mt
                    + "; supported: use_sliding_window=false");
        }
        List<Integer> eos = new ArrayList<>();
        JsonNode e = c.get("eos_token_id");
        if (e != null && e.isArray()) {
            e.forEach(x -> eos.add(x.asInt()));
        } else if (e != null && e.isIntegralNumber()) {
            eos.add(e.asInt());
        }
        try {
            return new LlamaConfig(type, hidden, f.integer("intermediate_size", null),
                    f.integer("num_hidden_layers", null), heads, f.integer("num_key_value_heads", heads), headDim,
                    f.integer("vocab_size", null), f.integer("max_position_embeddings", 2048),
                    f.dbl("rms_norm_eps", 1e-6), f.dbl("rope_theta", 10000.0), ropeScaling(file, c.get("rope_scaling")),
                    RopeLayout.HALF, f.bool("tie_word_embeddings", false), qkvBias, outputBias,
                    type == DecoderType.QWEN3, window, f.integer("bos_token_id", 1), eos);
        } catch (BadInputException ex) {
            throw ex.getMessage().startsWith(file.toString()) ? ex : new BadInputException(file + ": " + ex.getMessage());
        }
    }

    private static RopeScaling ropeScaling(Path file, JsonNode r) {
        if (r == null || r.isNull()) {
            return null;
        }
        Fields f = new Fields(file, r);
        String kind = f.string("rope_type", null);
        if (kind == null) {
            kind = f.string("type", "default");
        }
        try {
            return switch (kind) {
                case "default" -> null;
                case "llama3" -> new RopeScaling(RopeScaling.Kind.LLAMA3, f.dbl("factor", null),
                        f.dbl("low_freq_factor", null), f.dbl("high_freq_factor", null),
                        f.integer("original_max_position_embeddings", null));
                case "linear" -> new RopeScaling(RopeScaling.Kind.LINEAR, f.dbl("factor", null), 0, 0, 0);
                default -> throw new BadInputException(file + ": rope_scaling type '" + kind
                        + "' is not supported; supported: llama3, linear (or none)");
            };
        } catch (BadInputException ex) {
            if (ex.getMessage().startsWith(file.toString())) {
                throw ex;
            }
            throw new BadInputException(file + ": " + ex.getMessage());
        }
    }

    /** Typed access to JSON fields with messages that name the file and field. */
    record Fields(Path file, JsonNode node) {
        int integer(String name, Integer dflt) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                if (dflt == null) {
                    throw new BadInputException(file + ": missing field '" + name + "' (an integer)");
                }
                return dflt;
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new BadInputException(file + ": field '" + name + "' must be an integer, found " + v);
            }
            return v.asInt();
        }

        double dbl(String name, Double dflt) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                if (dflt == null) {
                    throw new BadInputException(file + ": missing field '" + name + "' (a number)");
                }
                return dflt;
            }
            if (!v.isNumber()) {
                throw new BadInputException(file + ": field '" + name + "' must be a number, found " + v);
            }
            return v.asDouble();
        }

        boolean bool(String name, boolean dflt) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                return dflt;
            }
            if (!v.isBoolean()) {
                throw new BadInputException(file + ": field '" + name + "' must be true or false, found " + v);
            }
            return v.asBoolean();
        }

        String string(String name, String dflt) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                return dflt;
            }
            if (!v.isTextual()) {
                throw new BadInputException(file + ": field '" + name + "' must be a string, found " + v);
            }
            return v.asText();
        }
    }

    /**
     * The architecture of a llama2.c checkpoint (interleaved RoPE, eps 1e-5, theta 10000). Its
     * models separate stories with BOS, so generation stops at BOS (1) as run.c does, or EOS (2).
     */
    public static LlamaConfig ofLlama2c(int dim, int hidden, int layers, int heads, int kvHeads, int vocab, int seqLen,
                                       boolean shared) {
        return new LlamaConfig(DecoderType.LLAMA, dim, hidden, layers, heads, kvHeads, dim / heads, vocab, seqLen, 1e-5,
                10000.0, null, RopeLayout.INTERLEAVED, shared, false, false, false, 0, 1, List.of(1, 2));
    }
}

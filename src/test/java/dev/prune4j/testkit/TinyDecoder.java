package dev.prune4j.testkit;

import dev.prune4j.io.SafeTensors;
import dev.prune4j.tensor.DType;
import dev.prune4j.tensor.Rng;
import dev.prune4j.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Small random LLaMA-family checkpoints in Hugging Face layout (config.json + safetensors), and a
 * plain double-precision forward pass over the same numbers ({@link #referenceLogits}) written
 * from the Hugging Face modeling conventions, without prune4j's kernels, config parser or cache:
 * the independent reference for the Qwen2/Qwen3/Mistral/RoPE-scaling paths.
 */
public final class TinyDecoder {
    /** What to build. {@code ropeScaling} is a JSON object text or null. */
    public record Spec(String modelType, int hidden, int inter, int layers, int heads, int kvHeads, int headDim,
                       int vocab, double theta, double eps, boolean tied, boolean qkvBias, boolean oBias,
                       boolean qkNorm, int slidingWindow, double[] llama3Scaling) {
        /** Qwen2-style: q/k/v biases (no o bias), tied embeddings, theta 1e6, GQA 4:2. */
        public static Spec qwen2() {
            return new Spec("qwen2", 32, 48, 2, 4, 2, 8, 40, 1e6, 1e-6, true, true, false, false, 0, null);
        }

        /** Qwen3-style: per-head q/k RMSNorm, explicit head_dim (heads × head_dim ≠ hidden). */
        public static Spec qwen3() {
            return new Spec("qwen3", 32, 40, 2, 4, 2, 16, 40, 1e6, 1e-6, false, false, false, true, 0, null);
        }

        /** Mistral-style: a sliding window shorter than the test sequences. */
        public static Spec mistral() {
            return new Spec("mistral", 32, 48, 2, 4, 1, 8, 40, 1e4, 1e-5, false, false, false, false, 6, null);
        }

        /**
         * Llama 3.1-style RoPE scaling {factor, low_freq_factor, high_freq_factor,
         * original_max_position_embeddings} chosen so that low, medium and high frequencies all
         * occur at head_dim 16; with attention_bias (q/k/v/o biases).
         */
        public static Spec llama3Scaled() {
            return new Spec("llama", 32, 48, 2, 4, 2, 16, 40, 500000.0, 1e-5, false, true, true, false, 0,
                    new double[] {8.0, 1.0, 4.0, 64});
        }

        String configJson() {
            StringBuilder s = new StringBuilder("{\n");
            s.append("  \"architectures\": [\"X\"],\n");
            s.append("  \"model_type\": \"").append(modelType).append("\",\n");
            s.append("  \"hidden_size\": ").append(hidden).append(",\n");
            s.append("  \"intermediate_size\": ").append(inter).append(",\n");
            s.append("  \"num_hidden_layers\": ").append(layers).append(",\n");
            s.append("  \"num_attention_heads\": ").append(heads).append(",\n");
            s.append("  \"num_key_value_heads\": ").append(kvHeads).append(",\n");
            s.append("  \"head_dim\": ").append(headDim).append(",\n");
            s.append("  \"vocab_size\": ").append(vocab).append(",\n");
            s.append("  \"max_position_embeddings\": 128,\n");
            s.append("  \"rms_norm_eps\": ").append(eps).append(",\n");
            s.append("  \"rope_theta\": ").append(theta).append(",\n");
            s.append("  \"hidden_act\": \"silu\",\n");
            s.append("  \"tie_word_embeddings\": ").append(tied).append(",\n");
            if (!modelType.equals("qwen2")) {
                s.append("  \"attention_bias\": ").append(qkvBias).append(",\n");
            }
            if (modelType.equals("mistral")) {
                s.append("  \"sliding_window\": ").append(slidingWindow > 0 ? String.valueOf(slidingWindow) : "null").append(",\n");
            }
            if (modelType.equals("qwen2") || modelType.equals("qwen3")) {
                s.append("  \"use_sliding_window\": false,\n");
            }
            if (llama3Scaling != null) {
                s.append(String.format(Locale.ROOT, "  \"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": %s, "
                                + "\"low_freq_factor\": %s, \"high_freq_factor\": %s, \"original_max_position_embeddings\": %d},\n",
                        llama3Scaling[0], llama3Scaling[1], llama3Scaling[2], (int) llama3Scaling[3]));
            }
            s.append("  \"bos_token_id\": 1,\n  \"eos_token_id\": 2,\n  \"torch_dtype\": \"float32\"\n}\n");
            return s.toString();
        }
    }

    /** Parameters as written (after rounding to the stored dtype), by Hugging Face name. */
    public record Weights(Spec spec, Map<String, float[]> values) {
    }

    private TinyDecoder() {
    }

    /** Random weights for {@code spec} with {@code seed}, rounded to {@code dtype}. */
    public static Weights random(Spec s, long seed, DType dtype) {
        Rng rng = new Rng(seed);
        Map<String, float[]> m = new LinkedHashMap<>();
        int q = s.heads() * s.headDim();
        int kv = s.kvHeads() * s.headDim();
        m.put("model.embed_tokens.weight", gauss(rng, s.vocab() * s.hidden(), 0, 1.0f));
        for (int l = 0; l < s.layers(); l++) {
            String p = "model.layers." + l + ".";
            m.put(p + "input_layernorm.weight", gauss(rng, s.hidden(), 1, 0.2f));
            m.put(p + "self_attn.q_proj.weight", gauss(rng, q * s.hidden(), 0, 0.3f));
            m.put(p + "self_attn.k_proj.weight", gauss(rng, kv * s.hidden(), 0, 0.3f));
            m.put(p + "self_attn.v_proj.weight", gauss(rng, kv * s.hidden(), 0, 0.3f));
            if (s.qkvBias()) {
                m.put(p + "self_attn.q_proj.bias", gauss(rng, q, 0, 0.3f));
                m.put(p + "self_attn.k_proj.bias", gauss(rng, kv, 0, 0.3f));
                m.put(p + "self_attn.v_proj.bias", gauss(rng, kv, 0, 0.3f));
            }
            if (s.qkNorm()) {
                m.put(p + "self_attn.q_norm.weight", gauss(rng, s.headDim(), 1, 0.3f));
                m.put(p + "self_attn.k_norm.weight", gauss(rng, s.headDim(), 1, 0.3f));
            }
            m.put(p + "self_attn.o_proj.weight", gauss(rng, s.hidden() * q, 0, 0.2f));
            if (s.oBias()) {
                m.put(p + "self_attn.o_proj.bias", gauss(rng, s.hidden(), 0, 0.2f));
            }
            m.put(p + "post_attention_layernorm.weight", gauss(rng, s.hidden(), 1, 0.2f));
            m.put(p + "mlp.gate_proj.weight", gauss(rng, s.inter() * s.hidden(), 0, 0.2f));
            m.put(p + "mlp.up_proj.weight", gauss(rng, s.inter() * s.hidden(), 0, 0.2f));
            m.put(p + "mlp.down_proj.weight", gauss(rng, s.hidden() * s.inter(), 0, 0.2f));
        }
        m.put("model.norm.weight", gauss(rng, s.hidden(), 1, 0.2f));
        if (!s.tied()) {
            m.put("lm_head.weight", gauss(rng, s.vocab() * s.hidden(), 0, 0.3f));
        }
        for (float[] a : m.values()) {
            for (int i = 0; i < a.length; i++) {
                a[i] = round(a[i], dtype);
            }
        }
        return new Weights(s, m);
    }

    private static float round(float v, DType dtype) {
        return switch (dtype) {
            case F32 -> v;
            case BF16 -> Float.intBitsToFloat(((Float.floatToRawIntBits(v) + 0x7FFF
                    + ((Float.floatToRawIntBits(v) >>> 16) & 1)) >>> 16) << 16);
            case F16 -> Float.float16ToFloat(Float.floatToFloat16(v));
            default -> throw new IllegalArgumentException("weights are floating point, not " + dtype);
        };
    }

    private static float[] gauss(Rng rng, int n, float mean, float std) {
        float[] a = new float[n];
        rng.fillGaussian(a, mean, std);
        return a;
    }

    /** Shape of a parameter from its name, in Hugging Face conventions. */
    static int[] shapeOf(Spec s, String name, int n) {
        if (name.endsWith("_proj.weight") || name.endsWith("embed_tokens.weight") || name.equals("lm_head.weight")) {
            int in = name.contains("o_proj") ? s.heads() * s.headDim()
                    : name.contains("down_proj") ? s.inter() : s.hidden();
            return new int[] {n / in, in};
        }
        return new int[] {n};
    }

    /**
     * Writes config.json and the weights (as {@code dtype}) into {@code dir}: one
     * model.safetensors, or {@code shards} files with a model.safetensors.index.json.
     */
    public static void write(Path dir, Weights w, DType dtype, int shards) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.json"), w.spec().configJson());
            Map<String, Tensor> all = new LinkedHashMap<>();
            for (Map.Entry<String, float[]> e : w.values().entrySet()) {
                int[] shape = shapeOf(w.spec(), e.getKey(), e.getValue().length);
                Tensor f = Tensor.wrap(e.getValue().clone(), shape);
                all.put(e.getKey(), dtype == DType.F32 ? f : f.to(dtype));
            }
            if (shards <= 1) {
                SafeTensors.write(dir.resolve("model.safetensors"), all, Map.of("format", "pt"));
                return;
            }
            StringBuilder wm = new StringBuilder();
            int i = 0;
            Map<Integer, Map<String, Tensor>> parts = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : all.entrySet()) {
                int shard = i++ % shards;
                parts.computeIfAbsent(shard, k -> new LinkedHashMap<>()).put(e.getKey(), e.getValue());
                String file = String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", shard + 1, shards);
                wm.append(wm.isEmpty() ? "" : ",\n    ").append('"').append(e.getKey()).append("\": \"").append(file).append('"');
            }
            for (Map.Entry<Integer, Map<String, Tensor>> p : parts.entrySet()) {
                String file = String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", p.getKey() + 1, shards);
                SafeTensors.write(dir.resolve(file), p.getValue(), Map.of("format", "pt"));
            }
            Files.writeString(dir.resolve("model.safetensors.index.json"),
                    "{\n  \"metadata\": {\"total_size\": 0},\n  \"weight_map\": {\n    " + wm + "\n  }\n}\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ reference forward

    /** Logits [tokens.length][vocab] in double, every position recomputed from scratch. */
    public static double[][] referenceLogits(Weights w, int[] tokens) {
        Spec s = w.spec();
        Map<String, float[]> p = w.values();
        int n = tokens.length;
        int d = s.hidden();
        int hd = s.headDim();
        double[][] x = new double[n][d];
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < d; i++) {
                x[t][i] = p.get("model.embed_tokens.weight")[tokens[t] * d + i];
            }
        }
        double[] invFreq = inverseFrequencies(s);
        for (int l = 0; l < s.layers(); l++) {
            String pre = "model.layers." + l + ".";
            double[][] q = new double[n][];
            double[][] k = new double[n][];
            double[][] v = new double[n][];
            for (int t = 0; t < n; t++) {
                double[] h = rmsNorm(x[t], p.get(pre + "input_layernorm.weight"), s.eps());
                q[t] = linear(p.get(pre + "self_attn.q_proj.weight"), h, p.get(pre + "self_attn.q_proj.bias"));
                k[t] = linear(p.get(pre + "self_attn.k_proj.weight"), h, p.get(pre + "self_attn.k_proj.bias"));
                v[t] = linear(p.get(pre + "self_attn.v_proj.weight"), h, p.get(pre + "self_attn.v_proj.bias"));
                for (int head = 0; head < s.heads(); head++) {
                    if (s.qkNorm()) {
                        normHead(q[t], head * hd, hd, p.get(pre + "self_attn.q_norm.weight"), s.eps());
                    }
                    rotateHalf(q[t], head * hd, hd, t, invFreq);
                }
                for (int head = 0; head < s.kvHeads(); head++) {
                    if (s.qkNorm()) {
                        normHead(k[t], head * hd, hd, p.get(pre + "self_attn.k_norm.weight"), s.eps());
                    }
                    rotateHalf(k[t], head * hd, hd, t, invFreq);
                }
            }
            for (int t = 0; t < n; t++) {
                double[] att = new double[s.heads() * hd];
                for (int head = 0; head < s.heads(); head++) {
                    int kvHead = head / (s.heads() / s.kvHeads());
                    double[] score = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= t; j++) {
                        boolean visible = s.slidingWindow() == 0 || t - j < s.slidingWindow();
                        double dot = 0;
                        for (int i = 0; i < hd; i++) {
                            dot += q[t][head * hd + i] * k[j][kvHead * hd + i];
                        }
                        score[j] = visible ? dot / Math.sqrt(hd) : Double.NEGATIVE_INFINITY;
                        max = Math.max(max, score[j]);
                    }
                    double z = 0;
                    for (int j = 0; j <= t; j++) {
                        score[j] = Math.exp(score[j] - max);
                        z += score[j];
                    }
                    for (int j = 0; j <= t; j++) {
                        for (int i = 0; i < hd; i++) {
                            att[head * hd + i] += score[j] / z * v[j][kvHead * hd + i];
                        }
                    }
                }
                double[] o = linear(p.get(pre + "self_attn.o_proj.weight"), att, p.get(pre + "self_attn.o_proj.bias"));
                for (int i = 0; i < d; i++) {
                    x[t][i] += o[i];
                }
                double[] h = rmsNorm(x[t], p.get(pre + "post_attention_layernorm.weight"), s.eps());
                double[] g = linear(p.get(pre + "mlp.gate_proj.weight"), h, null);
                double[] u = linear(p.get(pre + "mlp.up_proj.weight"), h, null);
                for (int i = 0; i < g.length; i++) {
                    g[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
                }
                double[] down = linear(p.get(pre + "mlp.down_proj.weight"), g, null);
                for (int i = 0; i < d; i++) {
                    x[t][i] += down[i];
                }
            }
        }
        float[] head = s.tied() ? p.get("model.embed_tokens.weight") : p.get("lm_head.weight");
        double[][] logits = new double[n][];
        for (int t = 0; t < n; t++) {
            logits[t] = linear(head, rmsNorm(x[t], p.get("model.norm.weight"), s.eps()), null);
        }
        return logits;
    }

    /**
     * RoPE inverse frequencies, in the structure of transformers' {@code _compute_llama3_parameters}
     * (where-masks over the whole vector) rather than prune4j's per-frequency branches.
     */
    static double[] inverseFrequencies(Spec s) {
        int half = s.headDim() / 2;
        double[] inv = new double[half];
        for (int i = 0; i < half; i++) {
            inv[i] = 1.0 / Math.pow(s.theta(), (2.0 * i) / s.headDim());
        }
        if (s.llama3Scaling() == null) {
            return inv;
        }
        double factor = s.llama3Scaling()[0];
        double low = s.llama3Scaling()[1];
        double high = s.llama3Scaling()[2];
        double old = s.llama3Scaling()[3];
        double lowWavelen = old / low;
        double highWavelen = old / high;
        double[] out = new double[half];
        for (int i = 0; i < half; i++) {
            double wavelen = 2 * Math.PI / inv[i];
            double llama = wavelen > lowWavelen ? inv[i] / factor : inv[i];
            double smooth = (old / wavelen - low) / (high - low);
            double smoothed = (1 - smooth) * llama / factor + smooth * llama;
            boolean medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
            out[i] = medium ? smoothed : llama;
        }
        return out;
    }

    private static double[] rmsNorm(double[] x, float[] w, double eps) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double inv = 1 / Math.sqrt(ss / x.length + eps);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * inv * w[i];
        }
        return out;
    }

    private static void normHead(double[] a, int off, int n, float[] w, double eps) {
        double[] part = java.util.Arrays.copyOfRange(a, off, off + n);
        double[] r = rmsNorm(part, w, eps);
        System.arraycopy(r, 0, a, off, n);
    }

    /** HF apply_rotary_pos_emb: x·cos + rotate_half(x)·sin with rotate_half(x) = cat(−x2, x1). */
    private static void rotateHalf(double[] a, int off, int hd, int pos, double[] invFreq) {
        int half = hd / 2;
        double[] out = new double[hd];
        for (int i = 0; i < hd; i++) {
            double angle = pos * invFreq[i % half];
            double rotated = i < half ? -a[off + i + half] : a[off + i - half];
            out[i] = a[off + i] * Math.cos(angle) + rotated * Math.sin(angle);
        }
        System.arraycopy(out, 0, a, off, hd);
    }

    private static double[] linear(float[] w, double[] x, float[] bias) {
        int in = x.length;
        int out = w.length / in;
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double acc = bias == null ? 0 : bias[o];
            for (int i = 0; i < in; i++) {
                acc += (double) w[o * in + i] * x[i];
            }
            y[o] = acc;
        }
        return y;
    }
}

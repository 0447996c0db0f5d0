package dev.prune4j.eval;

import dev.prune4j.io.SafeTensors;
import dev.prune4j.kernels.Kernels;
import dev.prune4j.kernels.Parallel;
import dev.prune4j.model.KvCache;
import dev.prune4j.model.LinearPlanner;
import dev.prune4j.model.LinearRuntime;
import dev.prune4j.model.LlamaConfig;
import dev.prune4j.model.LlamaDecoder;
import dev.prune4j.model.Model;
import dev.prune4j.model.ModelLoader;
import dev.prune4j.tensor.DType;
import dev.prune4j.tensor.Rng;
import dev.prune4j.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Decoder speed on a synthetic LLaMA-shaped checkpoint (random weights written to sharded
 * safetensors in the stored dtype): decode tokens/s against the memory-bandwidth roofline (weight
 * bytes per token ÷ bandwidth measured in the same run), prefill tokens/s against the GEMM rate
 * measured in the same run, and resident memory while loading against the file size.
 */
public final class DecodeBenchmark {
    /** Shape and run settings; the defaults are TinyLlama-1.1B's shape. */
    public record Settings(int hidden, int intermediate, int layers, int heads, int kvHeads, int vocab, DType dtype,
                           int prefill, int decodeTokens, int probeMiB, long seed) {
        public Settings {
            if (dtype != DType.F32 && dtype != DType.BF16 && dtype != DType.F16) {
                throw new dev.prune4j.core.BadInputException("--dtype must be F32, BF16 or F16, found " + dtype);
            }
            if (prefill < 1 || decodeTokens < 2 || probeMiB < 1 || hidden % heads != 0 || heads % kvHeads != 0) {
                throw new dev.prune4j.core.BadInputException("bench decode: need --prefill >= 1, --tokens >= 2, hidden divisible"
                        + " by heads and heads by kv-heads");
            }
        }
    }

    /**
     * What runs: the linear runtime of the timed decoder, how the synthetic linear weights are
     * pruned before they are written ("0" none, a fraction such as "0.5" by magnitude, or "2:4"),
     * and whether dense float32 decode of the same checkpoint is timed first in the same run
     * (the baseline of the ratio).
     */
    public record Variant(LinearRuntime runtime, String sparsity, boolean baseline) {
        public Variant {
            if (!sparsity.matches("0|0?\\.[0-9]+|[0-9]+:[0-9]+")) {
                throw new dev.prune4j.core.BadInputException("--sparsity must be a fraction such as 0.5 or N:M such as 2:4, found '"
                        + sparsity + "'");
            }
        }

        public static Variant defaults() {
            return new Variant(LinearRuntime.f32(), "0", false);
        }
    }

    private DecodeBenchmark() {
    }

    /** Writes the checkpoint unpruned (see {@link #writeCheckpoint(Path, Settings, String)}). */
    public static long writeCheckpoint(Path dir, Settings s) {
        return writeCheckpoint(dir, s, "0");
    }

    /**
     * Writes config.json and one safetensors shard per layer (plus one for embeddings/head) into
     * {@code dir}, the layers' linear weights pruned to {@code sparsity} (see {@link Variant}).
     */
    public static long writeCheckpoint(Path dir, Settings s, String sparsity) {
        try {
            Files.createDirectories(dir);
            int hd = s.hidden() / s.heads();
            Files.writeString(dir.resolve("config.json"), String.format(Locale.ROOT, """
                    {"model_type": "llama", "hidden_size": %d, "intermediate_size": %d, "num_hidden_layers": %d,
                     "num_attention_heads": %d, "num_key_value_heads": %d, "vocab_size": %d,
                     "max_position_embeddings": %d, "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
                     "hidden_act": "silu", "tie_word_embeddings": false, "bos_token_id": 1, "eos_token_id": 2}
                    """, s.hidden(), s.intermediate(), s.layers(), s.heads(), s.kvHeads(), s.vocab(),
                    Math.max(2048, s.prefill() + s.decodeTokens() + 1)));
            Rng rng = new Rng(s.seed());
            StringBuilder map = new StringBuilder();
            long total = 0;
            int shards = s.layers() + 1;
            for (int shard = 0; shard < shards; shard++) {
                Map<String, Tensor> t = new LinkedHashMap<>();
                if (shard == s.layers()) {
                    t.put("model.embed_tokens.weight", random(rng, s.dtype(), s.vocab(), s.hidden()));
                    t.put("model.norm.weight", ones(s.dtype(), s.hidden()));
                    t.put("lm_head.weight", random(rng, s.dtype(), s.vocab(), s.hidden()));
                } else {
                    String p = "model.layers." + shard + ".";
                    int kv = s.kvHeads() * hd;
                    t.put(p + "input_layernorm.weight", ones(s.dtype(), s.hidden()));
                    t.put(p + "self_attn.q_proj.weight", random(rng, s.dtype(), s.hidden(), s.hidden(), sparsity));
                    t.put(p + "self_attn.k_proj.weight", random(rng, s.dtype(), kv, s.hidden(), sparsity));
                    t.put(p + "self_attn.v_proj.weight", random(rng, s.dtype(), kv, s.hidden(), sparsity));
                    t.put(p + "self_attn.o_proj.weight", random(rng, s.dtype(), s.hidden(), s.hidden(), sparsity));
                    t.put(p + "post_attention_layernorm.weight", ones(s.dtype(), s.hidden()));
                    t.put(p + "mlp.gate_proj.weight", random(rng, s.dtype(), s.intermediate(), s.hidden(), sparsity));
                    t.put(p + "mlp.up_proj.weight", random(rng, s.dtype(), s.intermediate(), s.hidden(), sparsity));
                    t.put(p + "mlp.down_proj.weight", random(rng, s.dtype(), s.hidden(), s.intermediate(), sparsity));
                }
                String file = String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", shard + 1, shards);
                SafeTensors.write(dir.resolve(file), t, Map.of("format", "pt", "note", "synthetic, random weights"));
                total += Files.size(dir.resolve(file));
                for (String name : t.keySet()) {
                    map.append(map.isEmpty() ? "" : ",").append('"').append(name).append("\":\"").append(file).append('"');
                }
            }
            Files.writeString(dir.resolve(SafeTensors.INDEX_FILE), "{\"metadata\":{\"total_size\":" + total
                    + "},\"weight_map\":{" + map + "}}");
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Tensor random(Rng rng, DType dtype, int out, int in) {
        return random(rng, dtype, out, in, "0");
    }

    /**
     * Uniform in ±sqrt(3/in): unit-variance outputs for unit-variance inputs; pruned by magnitude
     * (|w| below the fraction's quantile of the uniform distribution, so about that fraction of
     * each row) or N:M (the N largest of every M).
     */
    private static Tensor random(Rng rng, DType dtype, int out, int in, String sparsity) {
        float[] a = new float[out * in];
        float r = (float) Math.sqrt(3.0 / in);
        rng.fillUniform(a, -r, r);
        if (sparsity.contains(":")) {
            int n = Integer.parseInt(sparsity.substring(0, sparsity.indexOf(':')));
            int m = Integer.parseInt(sparsity.substring(sparsity.indexOf(':') + 1));
            for (int g = 0; g + m <= a.length; g += m) {
                // zero exactly m − n entries, the smallest first (by index: equal magnitudes, which
                // float32 random draws do produce, must not leave a group with more than n)
                for (int z = 0; z < m - n; z++) {
                    int min = -1;
                    for (int i = 0; i < m; i++) {
                        if (a[g + i] != 0f && (min < 0 || Math.abs(a[g + i]) < Math.abs(a[g + min]))) {
                            min = i;
                        }
                    }
                    if (min >= 0) {
                        a[g + min] = 0f;
                    }
                }
            }
        } else {
            float cut = (float) (Double.parseDouble(sparsity) * r);
            for (int i = 0; i < a.length; i++) {
                if (Math.abs(a[i]) < cut) {
                    a[i] = 0f;
                }
            }
        }
        Tensor t = Tensor.wrap(a, out, in);
        return dtype == DType.F32 ? t : t.to(dtype);
    }

    private static Tensor ones(DType dtype, int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        Tensor t = Tensor.wrap(a, n);
        return dtype == DType.F32 ? t : t.to(dtype);
    }

    /** Runs the benchmark on a checkpoint written to {@code dir}; {@code log} gets progress lines. */
    public static Map<String, Object> run(Path dir, Settings s, Consumer<String> log) {
        return run(dir, s, Variant.defaults(), log);
    }

    /** Runs the benchmark with a runtime, a pruned checkpoint and optionally the dense float32 baseline. */
    public static Map<String, Object> run(Path dir, Settings s, Variant v, Consumer<String> log) {
        Map<String, Object> r = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        long fileBytes = writeCheckpoint(dir, s, v.sparsity());
        log.accept(String.format(Locale.ROOT, "wrote %.2f GB of %s safetensors in %.1f s", fileBytes / 1e9, s.dtype(),
                (System.nanoTime() - t0) / 1e9));
        System.gc();
        Map<String, Long> before = Memory.rss();
        Model model = ModelLoader.load(dir);
        Map<String, Long> mapped = Memory.rss();
        long paramBytes = 0;
        for (Tensor t : model.parameters().values()) {
            paramBytes += t.numel() * t.dtype().byteSize();
        }
        Map<String, Object> base = null;
        if (v.baseline()) { // dense float32 decode of the same checkpoint, timed first, then dropped
            LlamaDecoder d0 = new LlamaDecoder(model);
            base = decodeOnly(d0, s);
            log.accept(String.format(Locale.ROOT, "baseline (dense float32 runtime, same weights): decode %.2f tokens/s",
                    (double) base.get("tokens_per_second")));
            d0 = null;
            System.gc();
        }
        t0 = System.nanoTime();
        LlamaDecoder dec = new LlamaDecoder(model, v.runtime());
        double convertSeconds = (System.nanoTime() - t0) / 1e9;
        System.gc();
        Map<String, Long> converted = Memory.rss();
        LlamaConfig c = dec.config();
        long parameterCount = model.parameterCount();
        model = null; // the decoder holds float32 copies; dropping the model lets the GC unmap the files
        System.gc();
        Map<String, Long> released = Memory.rss();
        Map<String, Object> mem = new LinkedHashMap<>();
        mem.put("file_bytes", fileBytes);
        mem.put("rss_before_load", before);
        mem.put("rss_after_load_mapped", mapped);
        mem.put("rss_after_float32_conversion", converted);
        mem.put("rss_after_dropping_the_mapped_model", released);
        mem.put("load_rss_growth_over_file_size", (double) (mapped.get("VmRSS") - before.get("VmRSS")) / fileBytes);
        mem.put("conversion_seconds", convertSeconds);
        r.put("memory", mem);
        log.accept(String.format(Locale.ROOT, "RSS: %.2f GB before load, %.2f GB after mapping, %.2f GB after float32 "
                        + "conversion (mapped pages touched), %.2f GB once the mapped model is dropped (file %.2f GB)",
                before.get("VmRSS") / 1e9, mapped.get("VmRSS") / 1e9, converted.get("VmRSS") / 1e9,
                released.get("VmRSS") / 1e9, fileBytes / 1e9));

        // the rates of the machine, measured now
        double bandwidth = Memory.copyBandwidth(s.probeMiB() << 18); // 2 arrays of probeMiB MiB
        double gemmGflops = gemmRate(s.prefill(), c.hiddenSize(), c.hiddenSize());
        log.accept(String.format(Locale.ROOT, "measured: stream-copy bandwidth %.1f GB/s, GEMM %d×%d×%d %.1f GFLOP/s",
                bandwidth / 1e9, s.prefill(), c.hiddenSize(), c.hiddenSize(), gemmGflops));

        // prefill
        int[] prompt = new int[s.prefill()];
        Rng rng = new Rng(s.seed() + 1);
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = rng.nextInt(c.vocabSize());
        }
        KvCache cache = dec.newCache(s.prefill() + s.decodeTokens());
        // warm-up (JIT): a short prefill and a few decode steps
        int warm = Math.min(32, prompt.length);
        dec.forward(prompt, 0, warm, cache, LlamaDecoder.Logits.LAST);
        for (int i = 0; i < 4 && warm + i < prompt.length; i++) {
            dec.forward(prompt, warm + i, 1, cache, LlamaDecoder.Logits.LAST);
        }
        // best of PREFILL_RUNS prefills, as the GEMM probe keeps its best run (the last one fills the cache for decode)
        float[] logits = null;
        double prefillSeconds = Double.MAX_VALUE;
        List<Double> prefillRuns = new ArrayList<>();
        for (int run = 0; run < PREFILL_RUNS; run++) {
            cache.clear();
            t0 = System.nanoTime();
            logits = dec.forward(prompt, 0, prompt.length, cache, LlamaDecoder.Logits.LAST);
            double sec = (System.nanoTime() - t0) / 1e9;
            prefillRuns.add(sec);
            prefillSeconds = Math.min(prefillSeconds, sec);
        }
        long layerMatmulParams = (long) c.layers() * ((long) c.hiddenSize() * (c.qDim() + 2L * c.kvDim())
                + (long) c.qDim() * c.hiddenSize() + 3L * c.intermediateSize() * c.hiddenSize());
        long t = s.prefill();
        double flops = 2.0 * layerMatmulParams * t + 2.0 * c.hiddenSize() * c.vocabSize()
                + 4.0 * c.layers() * c.qDim() * (t * (t + 1) / 2.0); // causal attention: q·k and p·v
        double prefillGflops = flops / prefillSeconds / 1e9;
        Map<String, Object> pre = new LinkedHashMap<>();
        pre.put("tokens", s.prefill());
        pre.put("seconds", prefillSeconds);
        pre.put("seconds_all_runs", prefillRuns);
        pre.put("tokens_per_second", s.prefill() / prefillSeconds);
        pre.put("gflops", prefillGflops);
        pre.put("gemm_gflops_same_run", gemmGflops);
        pre.put("ratio_to_gemm", prefillGflops / gemmGflops);
        r.put("prefill", pre);
        log.accept(String.format(Locale.ROOT, "prefill %d tokens (best of " + PREFILL_RUNS + "): %.2f s, %.1f tokens/s, %.1f GFLOP/s = %.2f× the GEMM rate",
                s.prefill(), prefillSeconds, s.prefill() / prefillSeconds, prefillGflops, prefillGflops / gemmGflops));

        // decode
        int[] ids = new int[s.decodeTokens() + 1];
        ids[0] = argmax(logits);
        t0 = System.nanoTime();
        for (int i = 0; i < s.decodeTokens(); i++) {
            logits = dec.forward(ids, i, 1, cache, LlamaDecoder.Logits.LAST);
            ids[i + 1] = argmax(logits);
        }
        double decodeSeconds = (System.nanoTime() - t0) / 1e9;
        double tps = s.decodeTokens() / decodeSeconds;
        long weightElems = layerMatmulParams + (long) c.vocabSize() * c.hiddenSize(); // + lm_head; embedding: one row
        double storedBytes = (double) weightElems * s.dtype().byteSize();
        double computedBytes = (double) weightElems * 4; // the F32 runtime widens weights to float32 at load
        if (!dec.plan().isEmpty()) { // operators: the bytes they stream per token
            computedBytes = 0;
            for (LinearPlanner.Planned p : dec.plan()) {
                computedBytes += p.op().bytes();
            }
        }
        Map<String, Object> dcd = new LinkedHashMap<>();
        dcd.put("tokens", s.decodeTokens());
        dcd.put("seconds", decodeSeconds);
        dcd.put("tokens_per_second", tps);
        dcd.put("bandwidth_bytes_per_second_same_run", bandwidth);
        dcd.put("weight_bytes_per_token_stored_dtype", storedBytes);
        dcd.put("weight_bytes_per_token_as_computed_f32", computedBytes);
        dcd.put("roofline_tokens_per_second_stored_dtype", bandwidth / storedBytes);
        dcd.put("ratio_to_roofline_stored_dtype", tps / (bandwidth / storedBytes));
        dcd.put("ratio_to_roofline_as_computed_f32", tps / (bandwidth / computedBytes));
        dcd.put("weight_bytes_per_token_as_run", computedBytes);
        dcd.put("ratio_to_roofline_as_run", tps / (bandwidth / computedBytes));
        if (base != null) {
            dcd.put("baseline_dense_f32", base);
            dcd.put("speedup_vs_dense_f32", tps / (double) base.get("tokens_per_second"));
            log.accept(String.format(Locale.ROOT, "speedup vs dense float32 in this run: %.2f×",
                    tps / (double) base.get("tokens_per_second")));
        }
        r.put("decode", dcd);
        log.accept(String.format(Locale.ROOT, "decode %d tokens: %.2f tokens/s; roofline %.2f tokens/s (%s weights) → %.2f×; "
                        + "vs the float32 roofline %.2f×", s.decodeTokens(), tps, bandwidth / storedBytes, s.dtype(),
                tps / (bandwidth / storedBytes), tps / (bandwidth / computedBytes)));

        Map<String, Object> shape = new LinkedHashMap<>();
        shape.put("architecture", c.describe());
        shape.put("parameters", parameterCount);
        shape.put("dtype", s.dtype().name());
        shape.put("parameter_bytes", paramBytes);
        shape.put("threads", Parallel.threads());
        shape.put("kernels", Kernels.get().name());
        shape.put("seed", s.seed());
        shape.put("runtime", v.runtime().mode().name().toLowerCase(Locale.ROOT));
        shape.put("values", v.runtime().values().name().toLowerCase(Locale.ROOT));
        shape.put("sparsity", v.sparsity());
        Map<String, Long> formats = new java.util.TreeMap<>();
        for (LinearPlanner.Planned p : dec.plan()) {
            formats.merge(p.op().formatName() + "/" + p.op().valueType(), 1L, Long::sum);
        }
        shape.put("formats", formats);
        r.put("model", shape);
        return r;
    }

    /** Decode tokens/s of {@code d}: a short warm-up, then {@code s.decodeTokens()} greedy steps after an 8-token prompt. */
    private static Map<String, Object> decodeOnly(LlamaDecoder d, Settings s) {
        int[] ids = new int[8 + s.decodeTokens() + 1];
        Rng rng = new Rng(s.seed() + 1);
        for (int i = 0; i < 8; i++) {
            ids[i] = rng.nextInt(d.config().vocabSize());
        }
        KvCache cache = d.newCache(ids.length);
        float[] logits = d.forward(ids, 0, 8, cache, LlamaDecoder.Logits.LAST);
        for (int i = 0; i < 3; i++) { // warm-up steps, then rewind
            d.forward(ids, 7, 1, cache, LlamaDecoder.Logits.LAST);
        }
        cache.clear();
        logits = d.forward(ids, 0, 8, cache, LlamaDecoder.Logits.LAST);
        ids[8] = argmax(logits);
        long t0 = System.nanoTime();
        for (int i = 0; i < s.decodeTokens(); i++) {
            logits = d.forward(ids, 8 + i, 1, cache, LlamaDecoder.Logits.LAST);
            ids[9 + i] = argmax(logits);
        }
        double sec = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tokens", s.decodeTokens());
        m.put("seconds", sec);
        m.put("tokens_per_second", s.decodeTokens() / sec);
        return m;
    }

    private static int argmax(float[] a) {
        return Kernels.get().argmax(a.length, a, 0);
    }

    /** Prefill runs per benchmark; the best counts, like the GEMM rate it is compared with. */
    static final int PREFILL_RUNS = 3;

    /** Best GFLOP/s over at least 5 runs and 2 s of {@code Kernels.gemmT} at [m, k] × [n, k]ᵀ. */
    static double gemmRate(int m, int n, int k) {
        float[] a = new float[m * k];
        float[] b = new float[n * k];
        float[] c = new float[m * n];
        Rng rng = new Rng(3);
        rng.fillUniform(a, -1, 1);
        rng.fillUniform(b, -1, 1);
        Kernels kern = Kernels.get();
        double best = Double.MAX_VALUE;
        long start = System.nanoTime();
        for (int i = 0; i < 5 || System.nanoTime() - start < 2_000_000_000L; i++) {
            long t0 = System.nanoTime();
            kern.gemmT(m, n, k, a, b, c);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return 2.0 * m * n * k / best / 1e9;
    }
}

package dev.prune4j.model;

import dev.prune4j.io.CompactCheckpoint;
import dev.prune4j.sparse.SparseFormat;
import dev.prune4j.tensor.DType;
import dev.prune4j.tensor.Tensor;
import dev.prune4j.testkit.SharedData;
import dev.prune4j.testkit.TinyDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pruned model run on packed operators ({@link LinearRuntime}) computes what the same model
 * with exact zeros computes on the float32 path, to 1e-5 relative to the logits' scale.
 */
class SparseRuntimeTest {
    static final double REL = 1e-5;
    static final int[] PROMPT = {1, 7, 42, 99, 3, 250, 17, 5, 64, 128, 9, 11};

    /** How the test prunes a linear weight [out, in]. */
    enum Pattern { HALF, TWO_FOUR, SIXTY }

    static final String[] LINEARS = {"self_attn.q_proj.weight", "self_attn.k_proj.weight", "self_attn.v_proj.weight",
        "self_attn.o_proj.weight", "mlp.gate_proj.weight", "mlp.up_proj.weight", "mlp.down_proj.weight"};

    /** Zeros the smallest-magnitude weights per row (or per group of 4 for 2:4), in place. */
    static void prune(float[] w, int out, int in, Pattern p) {
        for (int r = 0; r < out; r++) {
            if (p == Pattern.TWO_FOUR) {
                for (int g = 0; g < in; g += 4) {
                    int o = r * in + g;
                    Integer[] idx = {0, 1, 2, 3};
                    Arrays.sort(idx, (a, b) -> Float.compare(Math.abs(w[o + a]), Math.abs(w[o + b])));
                    w[o + idx[0]] = 0f;
                    w[o + idx[1]] = 0f;
                }
                continue;
            }
            float[] mag = new float[in];
            for (int c = 0; c < in; c++) {
                mag[c] = Math.abs(w[r * in + c]);
            }
            float[] sorted = mag.clone();
            Arrays.sort(sorted);
            float cut = sorted[(int) Math.floor(in * (p == Pattern.HALF ? 0.5 : 0.6))];
            for (int c = 0; c < in; c++) {
                if (mag[c] < cut) {
                    w[r * in + c] = 0f;
                }
            }
        }
    }

    /** The model with every decoder linear pruned as {@code p} (float32 copies). */
    static Model pruned(Model m, Pattern p) {
        LlamaConfig c = (LlamaConfig) m.architecture();
        Map<String, Tensor> rep = new LinkedHashMap<>();
        for (int l = 0; l < c.layers(); l++) {
            for (String s : LINEARS) {
                String name = LlamaConfig.layer(l, s);
                Tensor t = m.parameter(name);
                float[] w = t.toFloatArray();
                prune(w, t.dim(0), t.dim(1), p);
                rep.put(name, Tensor.wrap(w, t.dim(0), t.dim(1)));
            }
        }
        return m.withParameters(rep);
    }

    /** Prefill logits [n, vocab] followed by the decode logits of every position, token by token. */
    static float[] run(LlamaDecoder d, int[] tokens) {
        int n = tokens.length;
        int v = d.config().vocabSize();
        float[] all = d.forward(tokens, 0, n, d.newCache(n), LlamaDecoder.Logits.ALL);
        KvCache cache = d.newCache(n);
        float[] out = Arrays.copyOf(all, 2 * n * v);
        for (int i = 0; i < n; i++) {
            System.arraycopy(d.forward(tokens, i, 1, cache, LlamaDecoder.Logits.LAST), 0, out, (n + i) * v, v);
        }
        return out;
    }

    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length);
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs((double) expected[i] - actual[i]));
        }
        assertTrue(scale > 0, what + ": reference is all zeros");
        assertTrue(worst <= REL * scale, what + ": max |Δ| = " + worst + " > 1e-5 × max |logit| " + scale);
    }

    static LinearRuntime sparse(SparseFormat f, Path cache) {
        return new LinearRuntime(LinearRuntime.Mode.SPARSE, f, LinearRuntime.Values.STORED, cache);
    }

    @Test
    void stories260KPrunedRunsOnEverySparseFormatLikeDenseWithZeros(@TempDir Path cache) {
        Model base = ModelLoader.load(SharedData.require("data/stories260K.bin"));
        Model half = pruned(base, Pattern.HALF);
        float[] ref = run(new LlamaDecoder(half), PROMPT);
        for (SparseFormat f : List.of(SparseFormat.CSR, SparseFormat.BITMASK, SparseFormat.BLOCK)) {
            LlamaDecoder d = new LlamaDecoder(half, sparse(f, cache));
            assertTrue(d.plan().stream().filter(p -> !p.name().contains("embed")).allMatch(p -> p.op().format() == f),
                    "every pruned linear packed as " + f);
            assertClose(ref, run(d, PROMPT), f.toString());
        }
        LlamaDecoder auto = new LlamaDecoder(half, LinearRuntime.of(LinearRuntime.Mode.AUTO).withCache(cache));
        assertClose(ref, run(auto, PROMPT), "auto");
        LlamaDecoder dense = new LlamaDecoder(half, LinearRuntime.of(LinearRuntime.Mode.DENSE));
        assertClose(ref, run(dense, PROMPT), "dense operators");

        Model twoFour = pruned(base, Pattern.TWO_FOUR);
        LlamaDecoder nm = new LlamaDecoder(twoFour, sparse(SparseFormat.N_OF_M, cache));
        assertTrue(nm.plan().stream().filter(p -> !p.name().contains("embed")).allMatch(p -> p.op().formatName().equals("2:4")));
        assertClose(run(new LlamaDecoder(twoFour), PROMPT), run(nm, PROMPT), "2:4");
        // the pattern of the 50% unstructured model is not N:M: forcing it is an error naming the layer
        var e = assertThrows(dev.prune4j.core.BadInputException.class, () -> new LlamaDecoder(half, sparse(SparseFormat.N_OF_M, cache)));
        assertTrue(e.getMessage().contains("q_proj"), e.getMessage());
    }

    @Test
    void bf16WeightsStayHalfAndComputeLikeTheirFloat32Widening(@TempDir Path cache) {
        Model base = ModelLoader.load(SharedData.require("data/stories260K.bin"));
        Map<String, Tensor> bf = new LinkedHashMap<>();
        base.parameters().forEach((k, t) -> bf.put(k, t.to(DType.BF16)));
        Model m = base.withParameters(bf);
        float[] ref = run(new LlamaDecoder(m), PROMPT); // F32 runtime: widened at load
        LlamaDecoder dense = new LlamaDecoder(m, LinearRuntime.of(LinearRuntime.Mode.DENSE));
        for (LinearPlanner.Planned p : dense.plan()) {
            assertEquals(dev.prune4j.sparse.ValueType.BF16, p.op().valueType(), p.name());
            assertEquals(2.0, p.op().bytesPerWeight(), 1e-12, p.name());
        }
        assertClose(ref, run(dense, PROMPT), "dense BF16");
        // pruned BF16 weights in a sparse format keep BF16 values
        Map<String, Tensor> prunedBf = new LinkedHashMap<>();
        pruned(base, Pattern.HALF).parameters().forEach((k, t) -> prunedBf.put(k, t.to(DType.BF16)));
        Model pm = base.withParameters(prunedBf);
        LlamaDecoder bitmask = new LlamaDecoder(pm, sparse(SparseFormat.BITMASK, cache));
        assertEquals(dev.prune4j.sparse.ValueType.BF16, bitmask.plan().get(0).op().valueType());
        assertClose(run(new LlamaDecoder(pm), PROMPT), run(bitmask, PROMPT), "bitmask BF16");
    }

    @Test
    void int8ValuesComputeLikeTheDequantizedDenseModel(@TempDir Path cache) {
        Model base = ModelLoader.load(SharedData.require("data/stories260K.bin"));
        for (Pattern p : List.of(Pattern.SIXTY, Pattern.TWO_FOUR)) {
            Model m = pruned(base, p);
            SparseFormat f = p == Pattern.TWO_FOUR ? SparseFormat.N_OF_M : SparseFormat.BITMASK;
            LlamaDecoder q = new LlamaDecoder(m, sparse(f, cache).withValues(LinearRuntime.Values.INT8));
            Map<String, Tensor> deq = new LinkedHashMap<>();
            for (LinearPlanner.Planned pl : q.plan()) {
                if (!pl.name().contains("embed")) {
                    assertEquals(dev.prune4j.sparse.ValueType.INT8, pl.op().valueType(), pl.name());
                    assertEquals(f, pl.op().format(), pl.name());
                    deq.put(pl.name(), Tensor.wrap(pl.op().toDense(), pl.out(), pl.in()));
                }
            }
            float[] ref = run(new LlamaDecoder(m.withParameters(deq)), PROMPT);
            assertClose(ref, run(q, PROMPT), "INT8 " + f);
        }
    }

    @Test
    void compactCheckpointOfATinyDecoderRunsSparse(@TempDir Path dir) {
        TinyDecoder.Spec spec = TinyDecoder.Spec.qwen2();
        TinyDecoder.Weights w = TinyDecoder.random(spec, 11, DType.F32);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        TinyDecoder.write(dir, w, DType.F32, 1);
        Model loaded = ModelLoader.load(dir);
        Model prunedModel = pruned(loaded, Pattern.HALF);
        prunedModel.parameters().forEach(tensors::put);
        CompactCheckpoint.write(dir.resolve("model.compact.safetensors"), tensors, Map.of());
        Model compact = ModelLoader.load(dir.resolve("model.compact.safetensors"));
        int[] prompt = {1, 5, 9, 2, 30, 31, 7};
        float[] ref = run(new LlamaDecoder(prunedModel), prompt);
        for (SparseFormat f : List.of(SparseFormat.CSR, SparseFormat.BITMASK)) {
            assertClose(ref, run(new LlamaDecoder(compact, sparse(f, dir.resolve("cache"))), prompt), "compact " + f);
        }
        // the F32 runtime exposes live weights; the others do not
        assertThrows(IllegalStateException.class, () -> new LlamaDecoder(compact, LinearRuntime.of(LinearRuntime.Mode.DENSE))
                .linearWeights(0));
    }
}

package dev.prune4j.model;

import dev.prune4j.kernels.Kernels;
import dev.prune4j.tensor.DType;
import dev.prune4j.tensor.Rng;
import dev.prune4j.testkit.TinyDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Qwen2, Qwen3, Mistral and Llama-3-scaled-RoPE checkpoints written by the test kit, loaded from
 * disk (single file, sharded, F32/BF16/F16) and run by prune4j, against the kit's independent
 * double-precision forward.
 */
class DecoderFamiliesTest {
    static final double TOL = 1e-4;

    @TempDir
    Path dir;

    static int[] tokens(int n, int vocab, long seed) {
        Rng r = new Rng(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = r.nextInt(vocab);
        }
        return t;
    }

    void check(TinyDecoder.Spec spec, DType dtype, int shards) {
        TinyDecoder.Weights w = TinyDecoder.random(spec, 17, dtype);
        Path ckpt = dir.resolve(spec.modelType() + "-" + dtype + "-" + shards);
        TinyDecoder.write(ckpt, w, dtype, shards);
        Model model = ModelLoader.load(ckpt);
        assertEquals(spec.modelType(), model.architecture().modelType());
        LlamaDecoder dec = new LlamaDecoder(model, Kernels.get());
        int n = 20;
        int[] toks = tokens(n, spec.vocab(), 3);
        double[][] ref = TinyDecoder.referenceLogits(w, toks);
        double scale = 0;
        for (double[] row : ref) {
            for (double v : row) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        assertTrue(scale > 0.5, "logits should not be degenerate: " + scale);
        // prefill of all positions
        float[] all = dec.forward(toks, 0, n, dec.newCache(n), LlamaDecoder.Logits.ALL);
        double worst = 0;
        for (int t = 0; t < n; t++) {
            for (int v = 0; v < spec.vocab(); v++) {
                worst = Math.max(worst, Math.abs(all[t * spec.vocab() + v] - ref[t][v]));
            }
        }
        assertTrue(worst < TOL, spec.modelType() + " prefill max |Δ| = " + worst);
        // token by token with the cache
        KvCache cache = dec.newCache(n);
        worst = 0;
        for (int t = 0; t < n; t++) {
            float[] last = dec.forward(toks, t, 1, cache, LlamaDecoder.Logits.LAST);
            for (int v = 0; v < spec.vocab(); v++) {
                worst = Math.max(worst, Math.abs(last[v] - ref[t][v]));
            }
        }
        assertTrue(worst < TOL, spec.modelType() + " decode max |Δ| = " + worst);
    }

    @Test
    void qwen2WithBiasesAndTiedEmbeddings() {
        check(TinyDecoder.Spec.qwen2(), DType.F32, 1);
        LlamaConfig c = (LlamaConfig) ModelLoader.load(dir.resolve("qwen2-F32-1")).architecture();
        assertTrue(c.qkvBias() && !c.outputBias() && c.tiedEmbeddings());
    }

    @Test
    void qwen3WithPerHeadQkNormShardedInBf16() {
        check(TinyDecoder.Spec.qwen3(), DType.BF16, 3);
        LlamaConfig c = (LlamaConfig) ModelLoader.load(dir.resolve("qwen3-BF16-3")).architecture();
        assertTrue(c.qkNorm() && c.qDim() == 64 && c.hiddenSize() == 32);
    }

    @Test
    void mistralWithSlidingWindowInF16() {
        check(TinyDecoder.Spec.mistral(), DType.F16, 1);
        assertEquals(6, ((LlamaConfig) ModelLoader.load(dir.resolve("mistral-F16-1")).architecture()).slidingWindow());
    }

    @Test
    void llamaWithLlama3RopeScalingAndAttentionBias() {
        check(TinyDecoder.Spec.llama3Scaled(), DType.F32, 2);
    }

    @Test
    void llama3ScalingKeepsHighFrequenciesAndDividesLowOnes() {
        RopeScaling s = new RopeScaling(RopeScaling.Kind.LLAMA3, 8, 1, 4, 8192);
        float[] plain = RopeScaling.inverseFrequencies(128, 500000, null);
        float[] scaled = RopeScaling.inverseFrequencies(128, 500000, s);
        assertEquals(plain[0], scaled[0]);                        // wavelength 2π < 8192/4: unchanged
        assertEquals(plain[63] / 8, scaled[63], 1e-12);           // wavelength ≫ 8192: divided by factor
        for (int i = 0; i < 64; i++) {
            assertTrue(scaled[i] <= plain[i] && scaled[i] >= plain[i] / 8 * (1 - 1e-6), "i=" + i);
        }
    }
}

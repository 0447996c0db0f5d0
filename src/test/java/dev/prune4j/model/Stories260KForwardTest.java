package dev.prune4j.model;

import dev.prune4j.io.SafeTensors;
import dev.prune4j.kernels.Kernels;
import dev.prune4j.kernels.ScalarKernels;
import dev.prune4j.tensor.Tensor;
import dev.prune4j.testkit.SharedData;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** stories260K logits against the float64 reference fixture at every position. */
class Stories260KForwardTest {
    static final double TOL = 1e-4;

    record Fixture(int[] tokens, float[] logits, float[] hidden) {
        static Fixture load() {
            SafeTensors.Loaded f = SafeTensors.read(SharedData.require("fixtures/stories260K/forward.safetensors"));
            Tensor tok = f.require("tokens");
            int[] ids = new int[(int) tok.numel()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (int) tok.getLong(i);
            }
            return new Fixture(ids, f.require("logits").toFloatArray(), f.require("final_hidden").toFloatArray());
        }
    }

    static double maxAbsDiff(float[] a, int aOff, float[] b, int bOff, int n) {
        double m = 0;
        for (int i = 0; i < n; i++) {
            m = Math.max(m, Math.abs((double) a[aOff + i] - b[bOff + i]));
        }
        return m;
    }

    static void checkPrefillAndDecode(Model model, Kernels kernels) {
        Fixture fx = Fixture.load();
        LlamaDecoder dec = new LlamaDecoder(model, kernels);
        int n = fx.tokens().length;
        int v = dec.config().vocabSize();
        // batched prefill of all 64 tokens
        float[] all = dec.forward(fx.tokens(), 0, n, dec.newCache(n), LlamaDecoder.Logits.ALL);
        double d = maxAbsDiff(all, 0, fx.logits(), 0, n * v);
        assertTrue(d < TOL, "prefill max |Δlogit| = " + d);
        // token by token through the KV cache
        KvCache cache = dec.newCache(n);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            float[] last = dec.forward(fx.tokens(), i, 1, cache, LlamaDecoder.Logits.LAST);
            worst = Math.max(worst, maxAbsDiff(last, 0, fx.logits(), i * v, v));
        }
        assertTrue(worst < TOL, "decode max |Δlogit| = " + worst);
        // a prefill of 40 then chunks of 13 and 11 (cache continuation with blocks)
        KvCache c2 = dec.newCache(n);
        dec.forward(fx.tokens(), 0, 40, c2, LlamaDecoder.Logits.NONE);
        float[] b1 = dec.forward(fx.tokens(), 40, 13, c2, LlamaDecoder.Logits.ALL);
        float[] b2 = dec.forward(fx.tokens(), 53, 11, c2, LlamaDecoder.Logits.ALL);
        assertTrue(maxAbsDiff(b1, 0, fx.logits(), 40 * v, 13 * v) < TOL);
        assertTrue(maxAbsDiff(b2, 0, fx.logits(), 53 * v, 11 * v) < TOL);
        // final hidden state
        float[] h = dec.hidden(fx.tokens(), 0, n, dec.newCache(n));
        assertTrue(maxAbsDiff(h, 0, fx.hidden(), 0, h.length) < TOL);
    }

    @Test
    void llama2cBinMatchesFixture() {
        Model m = ModelLoader.load(SharedData.require("data/stories260K.bin"));
        assertEquals(LlamaConfig.ofLlama2c(64, 172, 5, 8, 4, 512, 512, true), m.architecture());
        assertEquals(java.util.List.of(1, 2), ((LlamaConfig) m.architecture()).eosTokenIds());
        checkPrefillAndDecode(m, Kernels.get());
    }

    @Test
    void scalarKernelsMatchFixtureToo() {
        checkPrefillAndDecode(ModelLoader.load(SharedData.require("data/stories260K.bin")), new ScalarKernels());
    }

    @Test
    void huggingFaceLayoutCopyGivesTheSameLogits() {
        Model m = ModelLoader.load(SharedData.require("fixtures/stories260K-hf"));
        LlamaConfig c = (LlamaConfig) m.architecture();
        assertEquals(Kernels.RopeLayout.HALF, c.ropeLayout());
        assertTrue(c.tiedEmbeddings());
        checkPrefillAndDecode(m, Kernels.get());
        // also through the single file with config.json next to it
        checkPrefillAndDecode(ModelLoader.load(SharedData.require("fixtures/stories260K-hf/model.safetensors")),
                Kernels.get());
    }

    /**
     * Prefill attention runs in blocks of queries that stop at each block's last key: a prefill
     * over several blocks (and one continuing a cache across block boundaries) must give the
     * logits of token-by-token decoding, which attends through a separate path.
     */
    @Test
    void multiBlockPrefillMatchesTokenByTokenDecoding() {
        LlamaDecoder dec = new LlamaDecoder(ModelLoader.load(SharedData.require("data/stories260K.bin")));
        int n = 150; // query blocks of 64: 64 + 64 + 22
        int v = dec.config().vocabSize();
        dev.prune4j.tensor.Rng rng = new dev.prune4j.tensor.Rng(5);
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = rng.nextInt(v);
        }
        KvCache step = dec.newCache(n);
        float[] decoded = new float[n * v];
        for (int i = 0; i < n; i++) {
            System.arraycopy(dec.forward(tokens, i, 1, step, LlamaDecoder.Logits.LAST), 0, decoded, i * v, v);
        }
        float[] all = dec.forward(tokens, 0, n, dec.newCache(n), LlamaDecoder.Logits.ALL);
        double d = maxAbsDiff(all, 0, decoded, 0, n * v);
        assertTrue(d < TOL, "150-token prefill vs decoding: max |Δlogit| = " + d);
        KvCache c = dec.newCache(n);
        dec.forward(tokens, 0, 70, c, LlamaDecoder.Logits.NONE);
        float[] rest = dec.forward(tokens, 70, 80, c, LlamaDecoder.Logits.ALL);
        double d2 = maxAbsDiff(rest, 0, decoded, 70 * v, 80 * v);
        assertTrue(d2 < TOL, "prefill of 80 after 70 cached vs decoding: max |Δlogit| = " + d2);
    }
}

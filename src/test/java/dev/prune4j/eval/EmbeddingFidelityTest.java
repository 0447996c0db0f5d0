package dev.prune4j.eval;

import dev.prune4j.model.bert.BuiltinEncoder;
import dev.prune4j.model.bert.EncoderLoader;
import dev.prune4j.model.bert.SentenceEncoder;
import dev.prune4j.text.BuiltinCorpus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddingFidelityTest {
    @Test
    void summaryStatisticsByHand() {
        double[] cos = {0.9, 1.0, 0.5, 0.8};
        EmbeddingFidelity.Result r = EmbeddingFidelity.summarize(cos, Map.of());
        assertEquals(4, r.sentences());
        assertEquals((0.9 + 1.0 + 0.5 + 0.8) / 4, r.meanCosine(), 1e-12);
        assertEquals(0.5, r.minCosine());
        assertEquals(0.5, r.p05Cosine());
        // orthogonal, parallel, opposite, scaled
        double[] c = EmbeddingFidelity.cosines(new float[][] {{1, 0}, {1, 1}, {1, 2}, {3, 4}},
                new float[][] {{0, 1}, {2, 2}, {-1, -2}, {6, 8}});
        assertArrayEquals(new double[] {0, 1, -1, 1}, c, 1e-12);
    }

    @Test
    void identicalModelIsOneAndADamagedModelIsLess() {
        List<String> held = BuiltinCorpus.sentences(24, 40, 200);
        try (SentenceEncoder ref = EncoderLoader.loadBuiltin(BuiltinEncoder.ALL_MINILM_L6_V2, EncoderLoader.Options.defaults());
             SentenceEncoder cand = EncoderLoader.loadBuiltin(BuiltinEncoder.ALL_MINILM_L6_V2, EncoderLoader.Options.defaults())) {
            float[][] refEmb = ref.embed(held);
            EmbeddingFidelity.Result same = EmbeddingFidelity.compare(cand, refEmb, held, "builtin corpus");
            assertEquals(1.0, same.minCosine(), 1e-6);
            // zero the last block's feed-forward output weights, as an extreme pruning would
            float[] w = cand.encoder().weights().blocks().getLast().output().weight();
            java.util.Arrays.fill(w, 0f);
            EmbeddingFidelity.Result damaged = EmbeddingFidelity.compare(cand, refEmb, held, "builtin corpus");
            assertTrue(damaged.meanCosine() < 0.999 && damaged.meanCosine() > 0.3, damaged.toString());
            assertTrue(damaged.minCosine() <= damaged.p05Cosine() && damaged.p05Cosine() <= damaged.meanCosine());
            assertEquals(24, damaged.sentences());
            assertEquals("all-minilm-l6-v2", damaged.protocol().get("candidate"));
        }
    }
}

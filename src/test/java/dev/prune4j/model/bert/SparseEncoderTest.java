package dev.prune4j.model.bert;

import dev.prune4j.model.LinearPlanner;
import dev.prune4j.model.LinearRuntime;
import dev.prune4j.sparse.SparseFormat;
import dev.prune4j.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A pruned MiniLM on packed operators embeds like the same weights with exact zeros on the float32 path. */
class SparseEncoderTest {
    private static final List<String> TEXTS = List.of("Sparse weights should not change the answer.",
            "A second, somewhat longer sentence about pruning neural networks on ordinary CPUs.", "Short.");

    @Test
    void prunedMiniLmEmbedsTheSameOnSparseOperators(@TempDir Path cache) {
        try (SentenceEncoder enc = EncoderLoader.loadBuiltin(BuiltinEncoder.ALL_MINILM_L6_V2, EncoderLoader.Options.defaults())) {
            // zero a random half of every linear weight (in place: the arrays are live)
            Rng rng = new Rng(5);
            for (BertWeights.Block b : enc.encoder().weights().blocks()) {
                for (Linear lin : new Linear[] {b.query(), b.key(), b.value(), b.attentionOutput(), b.intermediate(), b.output()}) {
                    float[] w = lin.weight();
                    for (int i = 0; i < w.length; i++) {
                        if (rng.nextFloat() < 0.5f) {
                            w[i] = 0f;
                        }
                    }
                }
            }
            float[][] ref = enc.embed(TEXTS);
            List<SparseFormat> formats = new ArrayList<>(List.of(SparseFormat.CSR, SparseFormat.BITMASK));
            for (SparseFormat f : formats) {
                SentenceEncoder s = enc.withRuntime(new LinearRuntime(LinearRuntime.Mode.SPARSE, f, LinearRuntime.Values.STORED, cache));
                List<LinearPlanner.Planned> plan = s.encoder().plan();
                assertEquals(6 * 6, plan.size());
                for (LinearPlanner.Planned p : plan) {
                    assertEquals(f, p.op().format(), p.name());
                    assertEquals(0.5, p.sparsity(), 0.02, p.name());
                }
                float[][] got = s.embed(TEXTS);
                for (int i = 0; i < ref.length; i++) {
                    for (int j = 0; j < ref[i].length; j++) {
                        // unit vectors: 1e-5 relative to their largest entry, well above float32 rounding
                        assertEquals(ref[i][j], got[i][j], 1e-5, f + " text " + i + " dim " + j);
                    }
                }
            }
        }
    }
}

package dev.prune4j.eval;

import dev.prune4j.model.Model;
import dev.prune4j.model.ModelLoader;
import dev.prune4j.sparse.PatternStats;
import dev.prune4j.tensor.DType;
import dev.prune4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The synthetic checkpoint of bench decode is pruned as asked: every linear exactly 2:4, or about the fraction. */
class DecodeBenchmarkPruningTest {
    static DecodeBenchmark.Settings tiny() {
        return new DecodeBenchmark.Settings(64, 96, 2, 4, 2, 50, DType.F32, 4, 2, 1, 7);
    }

    @Test
    void twoFourAndFractionPatterns(@TempDir Path dir) {
        DecodeBenchmark.writeCheckpoint(dir.resolve("a"), tiny(), "2:4");
        Model m = ModelLoader.load(dir.resolve("a"));
        int linears = 0;
        for (Map.Entry<String, Tensor> e : m.parameters().entrySet()) {
            if (e.getKey().contains("_proj")) {
                Tensor t = e.getValue();
                PatternStats p = PatternStats.of(t.toFloatArray(), t.dim(0), t.dim(1));
                assertTrue(p.fitsTwoFour(), e.getKey());
                assertEquals(0.5, p.sparsity(), 1e-12, e.getKey());
                linears++;
            }
        }
        assertEquals(2 * 7, linears);
        DecodeBenchmark.writeCheckpoint(dir.resolve("b"), tiny(), "0.6");
        Tensor up = ModelLoader.load(dir.resolve("b")).parameter("model.layers.1.mlp.up_proj.weight");
        assertEquals(0.6, PatternStats.of(up.toFloatArray(), up.dim(0), up.dim(1)).sparsity(), 0.03);
        Tensor head = ModelLoader.load(dir.resolve("b")).parameter("lm_head.weight");
        assertEquals(0.0, PatternStats.of(head.toFloatArray(), head.dim(0), head.dim(1)).sparsity(), 0.0, "the head is not pruned");
    }
}

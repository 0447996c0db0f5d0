package dev.prune4j.prune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prune4j.io.SafeTensors;
import dev.prune4j.testkit.SharedData;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every single-layer case of shared/fixtures/pruning (independent float64 reference
 * implementations): masks identical, pruned weights within 1e-4 of max|W|, reconstruction
 * errors within 1e-3 relative, pruned counts exact.
 */
class PruningFixturesTest {

    @TestFactory
    List<DynamicTest> reproducesReferenceCases() throws IOException {
        Path index = SharedData.require("fixtures/pruning/index.json");
        JsonNode root = new ObjectMapper().readTree(index.toFile());
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> check(index.getParent(), c)));
        }
        assertEquals(16, tests.size(), "fixture cases");
        return tests;
    }

    static LayerPruner pruner(JsonNode c) {
        JsonNode p = c.get("params");
        return switch (c.get("method").asText()) {
            case "magnitude" -> new LayerPruner.ScoreAndSelect(new Magnitude(),
                    p.has("granularity") && p.get("granularity").asText().equals("layer") ? Granularity.LAYER : Granularity.ROW);
            case "wanda" -> new LayerPruner.ScoreAndSelect(new Wanda(), Granularity.ROW);
            case "sparsegpt" -> new SparseGpt(p.get("blocksize").asInt(), 0.01);
            default -> throw new IllegalArgumentException(c.get("method").asText());
        };
    }

    static void check(Path dir, JsonNode c) {
        var st = SafeTensors.readFile(dir.resolve(c.get("file").asText()));
        float[] w = st.require("W").toFloatArray();
        float[] x = st.require("X").toFloatArray();
        float[] refMask = st.require("mask").toFloatArray();
        float[] refW = st.require("W_pruned").toFloatArray();
        int rows = c.get("W_shape").get(0).asInt();
        int cols = c.get("W_shape").get(1).asInt();
        int tokens = c.get("X_shape").get(0).asInt();
        JsonNode p = c.get("params");
        Sparsity s = p.has("nm") ? Sparsity.parse(p.get("nm").asText()) : new Sparsity.Fraction(p.get("sparsity").asDouble());

        LayerPruner pruner = pruner(c);
        LayerStats stats = new LayerStats(cols, true);
        stats.accumulate(x, tokens);
        float[] pruned = w.clone();
        Mask mask = pruner.prune(pruned, rows, cols, stats, s);

        assertEquals(c.get("pruned").asLong(), mask.prunedCount(), "pruned count");
        int flips = 0;
        float maxW = 0;
        for (int i = 0; i < w.length; i++) {
            if (mask.isPruned(i) != (refMask[i] == 1f)) {
                flips++;
            }
            maxW = Math.max(maxW, Math.abs(w[i]));
        }
        assertEquals(0, flips, "mask entries differing from the reference");
        for (int i = 0; i < w.length; i++) {
            assertEquals(refW[i], pruned[i], 1e-4 * maxW, "W_pruned[" + i + "]");
            if (mask.isPruned(i)) {
                assertEquals(0f, pruned[i], 0f, "pruned weight must be exactly zero");
            }
        }
        double[] err = stats.reconstructionError(w, pruned, rows);
        double refAbs = c.get("recon_error").asDouble();
        double refRel = c.get("recon_error_relative").asDouble();
        assertEquals(refAbs, err[0], 1e-3 * refAbs, "reconstruction error");
        assertEquals(refRel, err[1], 1e-3 * refRel, "relative reconstruction error");
        assertTrue(err[1] < 1, "pruning must not be worse than removing everything");
    }
}

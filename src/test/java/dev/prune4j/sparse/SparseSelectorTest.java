package dev.prune4j.sparse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prune4j.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SparseSelectorTest {
    @Test
    void patternStatsCountWhatTheyName() {
        // one row of 16: group 0..3 keeps 2, 4..7 keeps 2, 8..15 all zero
        float[] w = {1, 0, 2, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0};
        PatternStats p = PatternStats.of(w, 1, 16);
        assertEquals(12.0 / 16, p.sparsity(), 1e-12);
        assertTrue(p.fitsTwoFour());
        assertTrue(p.fitsFourEight());
        assertEquals(0.5, p.emptyBlockFraction(), 1e-12);
        w[1] = 5; // three in the first group of four, still four in the first 8
        w[5] = 0;
        PatternStats q = PatternStats.of(w, 1, 16);
        assertFalse(q.fitsTwoFour());
        assertTrue(q.fitsFourEight());
    }

    @Test
    void choosesAPackingThatComputesTheSameMatrixAndCachesTimings(@TempDir Path dir) throws Exception {
        int rows = 64;
        int cols = 256;
        Rng rng = new Rng(3);
        float[] w = new float[rows * cols];
        rng.fillUniform(w, -1, 1);
        for (int g = 0; g < w.length / 4; g++) { // 2:4 pattern
            w[4 * g + rng.nextInt(2)] = 0f;
            w[4 * g + 2 + rng.nextInt(2)] = 0f;
        }
        SparseSelector sel = new SparseSelector(dir);
        SparseSelector.Choice c = sel.choose(w, rows, cols, ValueType.F32);
        assertArrayEquals(w, c.matrix().toDense(), 0f);
        assertTrue(c.expectedSpeedup() >= 1.0, "the chosen packing is the fastest candidate, dense included");
        assertEquals(c.denseNanos() / c.chosenNanos(), c.expectedSpeedup(), 1e-9);
        JsonNode timings = new ObjectMapper().readTree(dir.resolve("sparse-calibration.json").toFile()).get("timings");
        List<String> labels = new ArrayList<>();
        timings.fieldNames().forEachRemaining(labels::add);
        assertEquals(4, labels.size(), labels.toString()); // dense, csr, bitmask, 2:4 (no empty blocks)
        assertTrue(labels.stream().anyMatch(k -> k.contains("|2:4|F32")), labels.toString());

        // a second choice of the same layer reads the cache: same choice, file unchanged
        String before = Files.readString(dir.resolve("sparse-calibration.json"));
        SparseSelector.Choice again = new SparseSelector(dir).choose(w, rows, cols, ValueType.F32);
        assertEquals(c.matrix().formatName(), again.matrix().formatName());
        assertEquals(before, Files.readString(dir.resolve("sparse-calibration.json")));

        // timings cached by another build of the kernels are not reused: they are measured again
        assertTrue(!SparseSelector.kernelsFingerprint().equals("0"), "the timed class files were read (CRC32 of nothing is 0)");
        String fingerprint = "kernels=" + SparseSelector.kernelsFingerprint();
        assertTrue(labels.stream().allMatch(k -> k.contains(fingerprint)), labels.toString());
        Files.writeString(dir.resolve("sparse-calibration.json"), before.replace(fingerprint, "kernels=0"));
        new SparseSelector(dir).choose(w, rows, cols, ValueType.F32);
        String after = Files.readString(dir.resolve("sparse-calibration.json"));
        assertEquals(4, after.split(java.util.regex.Pattern.quote(fingerprint), -1).length - 1, after);
    }

    @Test
    void aMatrixWithoutZerosStaysDenseAndABadCacheIsRemeasured(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("sparse-calibration.json"), "{not json");
        float[] w = new float[32 * 32];
        new Rng(4).fillUniform(w, 0.5f, 1f);
        SparseSelector.Choice c = new SparseSelector(dir).choose(w, 32, 32, ValueType.BF16);
        assertEquals(SparseFormat.DENSE, c.matrix().format());
        assertEquals(1.0, c.expectedSpeedup(), 0.0);
        // nothing to compare: no timing, the cache file is not touched
        assertEquals("{not json", Files.readString(dir.resolve("sparse-calibration.json")));
        for (int i = 0; i < w.length; i += 3) {
            w[i] = 0f;
        }
        SparseSelector.Choice s = new SparseSelector(dir).choose(w, 32, 32, ValueType.BF16);
        assertArrayEquals(new SparseSelector(dir).choose(w, 32, 32, ValueType.BF16).matrix().toDense(), s.matrix().toDense(), 0f);
        assertTrue(Files.readString(dir.resolve("sparse-calibration.json")).contains("\"version\""), "the bad cache was rewritten");
    }
}

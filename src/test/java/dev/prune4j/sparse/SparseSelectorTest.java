package dev.prune4j.sparse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
    /**
     * Cold calibration copies: enough to exceed twice the L3 together however large the cache
     * (a 300 MiB L3 with 16 MiB layers needs 38, where a fixed cap of 8 had timed them hot), within
     * the memory budget, never none.
     */
    @Test
    void coldCopiesExceedTwiceTheCacheWithinTheBudget() {
        long mib = 1L << 20;
        assertEquals(38, SparseSelector.coldCopies(16 * mib, 600 * mib, 8192 * mib));
        assertEquals(4, SparseSelector.coldCopies(16 * mib, 64 * mib, 8192 * mib)); // 32 MiB L3
        assertEquals(10, SparseSelector.coldCopies(16 * mib, 600 * mib, 160 * mib)); // the budget binds
        assertEquals(1, SparseSelector.coldCopies(700 * mib, 600 * mib, 8192 * mib)); // one copy is already cold
        assertEquals(1, SparseSelector.coldCopies(16 * mib, 600 * mib, 0)); // no budget: still one copy
        assertEquals(256, SparseSelector.coldCopies(1000, 600 * mib, 8192 * mib)); // tiny layers: at most 256
    }

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
        assertTrue(labels.stream().allMatch(k -> k.contains("|pattern=2:4|")), labels.toString());

        // a layer of the same shape and sparsity whose zeros follow no N:M pattern is timed under its own
        // keys (a bitmask on a 2:4 pattern is not the same workload), with its own candidate set
        float[] u = w.clone();
        for (int i = 0; i < u.length; i++) {
            u[i] = (i * 7919) % 3 == 0 && u[i] == 0f ? 0.25f : u[i]; // move some zeros: still ≈ 50%, no longer 2:4
        }
        for (int i = 1; i < u.length; i += 9) {
            u[i] = 0f;
        }
        PatternStats ps = PatternStats.of(u, rows, cols);
        assertFalse(ps.fitsTwoFour() || ps.fitsFourEight(), "the changed layer must be unstructured for this check");
        SparseSelector.Choice cu = new SparseSelector(dir).choose(u, rows, cols, ValueType.F32);
        assertArrayEquals(u, cu.matrix().toDense(), 0f);
        JsonNode all = new ObjectMapper().readTree(dir.resolve("sparse-calibration.json").toFile()).get("timings");
        List<String> keys = new ArrayList<>();
        all.fieldNames().forEachRemaining(keys::add);
        keys.removeIf(k -> !k.contains(fingerprint)); // the entries renamed to kernels=0 above stay in the file
        assertEquals(4, keys.stream().filter(k -> k.contains("|pattern=2:4|")).count(), keys.toString());
        assertEquals(3, keys.stream().filter(k -> k.contains("|pattern=unstructured|")).count(), keys.toString()); // dense, csr, bitmask

        // when one candidate's timing is missing, all candidates of the layer are timed again, together
        ObjectNode root = (ObjectNode) new ObjectMapper().readTree(dir.resolve("sparse-calibration.json").toFile());
        String csrKey = keys.stream().filter(k -> k.contains("|pattern=unstructured|csr|")).findFirst().orElseThrow();
        String denseKey = keys.stream().filter(k -> k.contains("|pattern=unstructured|dense|")).findFirst().orElseThrow();
        double denseBefore = root.get("timings").get(denseKey).asDouble();
        ((ObjectNode) root.get("timings")).remove(csrKey);
        ((ObjectNode) root.get("timings")).put(denseKey, -1.0); // a marker the re-timing must replace
        new ObjectMapper().writeValue(dir.resolve("sparse-calibration.json").toFile(), root);
        new SparseSelector(dir).choose(u, rows, cols, ValueType.F32);
        JsonNode re = new ObjectMapper().readTree(dir.resolve("sparse-calibration.json").toFile()).get("timings");
        assertTrue(re.has(csrKey), "the missing timing was measured");
        assertTrue(re.get(denseKey).asDouble() > 0, "dense was timed again with it (was " + denseBefore + ", marker -1)");
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

    @Test
    void forDecodeAPackingMustSaveBytesAsWellAsTime(@TempDir Path dir) throws Exception {
        int rows = 64;
        int cols = 512;
        float[] w = new float[rows * cols];
        new Rng(9).fillUniform(w, -1, 1);
        for (int i = 0; i < w.length; i += 2) { // 50%: every other weight (which also fits 2:4; 2:4 gets a slow made-up time)
            w[i + (i / cols) % 2] = 0f;
        }
        new SparseSelector(dir).choose(w, rows, cols, ValueType.F32); // fills the cache with real timings
        Path file = dir.resolve("sparse-calibration.json");
        ObjectNode root = (ObjectNode) new ObjectMapper().readTree(file.toFile());
        ObjectNode timings = (ObjectNode) root.get("timings");
        List<String> keys = new ArrayList<>();
        timings.fieldNames().forEachRemaining(keys::add);
        // made-up timings: CSR (16-bit indices: 0.75 of dense's bytes at 50%) calibrates fastest, bitmask
        // (0.53 of dense's bytes) second, both well inside the margin
        for (String k : keys) {
            timings.put(k, k.contains("|dense|") ? 1000.0 : k.contains("|csr|") ? 500.0 : k.contains("|bitmask|") ? 800.0 : 2000.0);
        }
        new ObjectMapper().writeValue(file.toFile(), root);
        SparseSelector.Choice decode = new SparseSelector(dir).choose(w, rows, cols, ValueType.F32);
        assertEquals(SparseFormat.BITMASK, decode.matrix().format(), "CSR saves too few bytes for decode");
        assertEquals(1000.0 / 800.0, decode.expectedSpeedup(), 1e-12);
        // with bitmask outside the margin too, decode stays dense
        for (String k : keys) {
            if (k.contains("|bitmask|")) {
                timings.put(k, 950.0);
            }
        }
        new ObjectMapper().writeValue(file.toFile(), root);
        assertEquals(SparseFormat.DENSE, new SparseSelector(dir).choose(w, rows, cols, ValueType.F32).matrix().format());
        // without dense allowed (runtime sparse) the fastest sparse packing is taken, bytes or not
        SparseSelector.Choice forced = new SparseSelector(dir).choose(w, rows, cols,
                new SparseSelector.Options(ValueType.F32, ValueType.F32, null, false, 1));
        assertEquals(SparseFormat.CSR, forced.matrix().format());
        assertArrayEquals(w, forced.matrix().toDense(), 0f);
    }
}

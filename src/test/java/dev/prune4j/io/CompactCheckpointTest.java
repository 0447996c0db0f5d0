package dev.prune4j.io;

import dev.prune4j.core.BadInputException;
import dev.prune4j.prune.Granularity;
import dev.prune4j.prune.Mask;
import dev.prune4j.prune.Selector;
import dev.prune4j.prune.Sparsity;
import dev.prune4j.tensor.DType;
import dev.prune4j.tensor.Rng;
import dev.prune4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompactCheckpointTest {
    static float[] pruned(int rows, int cols, Sparsity s, long seed) {
        float[] w = new float[rows * cols];
        new Rng(seed).fillGaussian(w, 0, 1);
        float[] scores = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            scores[i] = Math.abs(w[i]);
        }
        Mask m = Selector.select(scores, rows, cols, s, Granularity.ROW);
        m.applyTo(w);
        return w;
    }

    @Test
    void roundTripsExactlyAndIsSmall(@TempDir Path dir) throws Exception {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("a.weight", Tensor.wrap(pruned(64, 256, new Sparsity.Fraction(0.5), 1), 64, 256));
        t.put("b.weight", Tensor.wrap(pruned(32, 128, new Sparsity.NofM(2, 4), 2), 32, 128));
        t.put("c.weight", Tensor.wrap(pruned(16, 64, new Sparsity.NofM(4, 8), 3), 16, 64).to(DType.BF16));
        float[] dense = new float[40];
        new Rng(4).fillGaussian(dense, 0, 1);
        t.put("norm.weight", Tensor.wrap(dense, 40));
        Path f = dir.resolve("m.p4.safetensors");
        List<CompactCheckpoint.TensorInfo> infos = CompactCheckpoint.write(f, t, Map.of("k", "v"));
        assertEquals(CompactCheckpoint.Encoding.BITMASK, infos.get(0).encoding());
        assertEquals(CompactCheckpoint.Encoding.NOFM, infos.get(1).encoding());
        assertEquals("2:4", infos.get(1).pattern());
        assertEquals(CompactCheckpoint.Encoding.NOFM, infos.get(2).encoding());
        assertEquals(CompactCheckpoint.Encoding.DENSE, infos.get(3).encoding());
        // fp32 at 50% unstructured: 1 bit per weight + half the values = (1/8 + 2) / 4 = 0.531 of dense
        assertEquals(0.53125, (double) infos.get(0).storedBytes() / infos.get(0).denseBytes(), 1e-9);

        Map<String, Tensor> back = CompactCheckpoint.read(f);
        assertEquals(t.keySet(), back.keySet());
        for (String k : t.keySet()) {
            assertEquals(t.get(k).dtype(), back.get(k).dtype(), k);
            assertEquals(t.get(k).shape(), back.get(k).shape(), k);
            assertArrayEquals(t.get(k).toFloatArray(), back.get(k).toFloatArray(), k);
        }
        assertTrue(CompactCheckpoint.isCompact(f));
        // the whole file: close to the packed sizes (the header adds a little)
        long denseBytes = 4L * (64 * 256 + 32 * 128 + 40) + 2L * 16 * 64;
        assertTrue(Files.size(f) < 0.6 * denseBytes, "file " + Files.size(f) + " vs dense " + denseBytes);
    }

    @Test
    void plainSafetensorsIsRejectedClearly(@TempDir Path dir) {
        Path f = dir.resolve("plain.safetensors");
        SafeTensors.write(f, Map.of("x", Tensor.wrap(new float[] {1, 2}, 2)));
        BadInputException e = assertThrows(BadInputException.class, () -> CompactCheckpoint.read(f));
        assertEquals(f + ": not a prune4j compact checkpoint (metadata prune4j.format is missing, expected 'compact-v1')", e.getMessage());
    }
}

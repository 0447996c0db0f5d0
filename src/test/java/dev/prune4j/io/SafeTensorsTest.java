package dev.prune4j.io;

import dev.prune4j.core.BadInputException;
import dev.prune4j.tensor.DType;
import dev.prune4j.tensor.Rng;
import dev.prune4j.tensor.Shape;
import dev.prune4j.tensor.Tensor;
import dev.prune4j.testkit.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest {
    @TempDir
    Path dir;

    static Map<String, Tensor> allDtypes(long seed) {
        Rng rng = new Rng(seed);
        Map<String, Tensor> m = new LinkedHashMap<>();
        int[][] shapes = {{3, 5}, {7}, {2, 3, 4}, {1}, {0, 4}, {4, 1}, {6, 2}};
        DType[] types = DType.values();
        for (int i = 0; i < types.length; i++) {
            Tensor t = Tensor.zeros(types[i], Shape.of(shapes[i]));
            long n = t.numel();
            int[] dims = shapes[i];
            for (long k = 0; k < n; k++) {
                int[] idx = unravel(k, dims);
                float v = types[i].isFloating() ? (float) rng.nextGaussian() : rng.nextInt(100) - (types[i] == DType.U8 ? 0 : 50);
                t.set(v, idx);
            }
            m.put("t_" + types[i].safetensorsName().toLowerCase(), t);
        }
        return m;
    }

    static int[] unravel(long k, int[] dims) {
        int[] idx = new int[dims.length];
        for (int i = dims.length - 1; i >= 0; i--) {
            idx[i] = (int) (k % dims[i]);
            k /= dims[i];
        }
        return idx;
    }

    @Test
    void roundTripsEveryDtypeAndMetadataMapped() {
        Map<String, Tensor> in = allDtypes(1);
        Path f = dir.resolve("a.safetensors");
        SafeTensors.write(f, in, Map.of("format", "pt", "note", "ü"));
        SafeTensors.Loaded out = SafeTensors.read(f);
        assertEquals(List.copyOf(in.keySet()), List.copyOf(out.tensors().keySet()));
        assertEquals(Map.of("format", "pt", "note", "ü"), out.metadata());
        for (var e : in.entrySet()) {
            Tensor t = out.tensors().get(e.getKey());
            assertEquals(e.getValue().dtype(), t.dtype());
            assertEquals(e.getValue().shape(), t.shape());
            assertTrue(t.isReadOnly() && !t.isHeapF32(), "mapped, not copied: " + t);
            assertArrayEquals(e.getValue().toFloatArray(), t.toFloatArray(), e.getKey());
        }
        // the data area starts 8-aligned; no temporary files remain
        assertEquals(0, (SafeTensors.readHeader(f).dataStart()) % 8);
        assertEquals(1, dir.toFile().list().length);
        // I64 is exact beyond float precision
        Tensor big = Tensor.zeros(DType.I64, Shape.of(1));
        big.segment().set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0,
                (1L << 53) + 1);
        SafeTensors.write(f, Map.of("big", big));
        assertEquals((1L << 53) + 1, SafeTensors.read(f).require("big").getLong(0));
    }

    @Test
    void readsTheSharedFixtureHeaderAndValues() throws IOException {
        Path f = SharedData.require("fixtures/stories260K/forward.safetensors");
        SafeTensors.Loaded l = SafeTensors.read(f);
        Tensor logits = l.require("logits");
        assertEquals(Shape.of(64, 512), logits.shape());
        assertEquals(DType.I32, l.require("tokens").dtype());
        assertEquals(1, l.require("tokens").getLong(0)); // BOS
    }

    @Test
    void writesByteIdenticalFilesForTheSameInput() throws IOException {
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        SafeTensors.write(a, allDtypes(5), Map.of("k", "v"));
        SafeTensors.write(b, SafeTensors.read(a).tensors(), Map.of("k", "v"));
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    @Test
    void readsShardedCheckpointsThroughTheIndex() throws IOException {
        Map<String, Tensor> all = allDtypes(2);
        Map<String, Tensor> s1 = new LinkedHashMap<>();
        Map<String, Tensor> s2 = new LinkedHashMap<>();
        StringBuilder wm = new StringBuilder();
        int i = 0;
        for (var e : all.entrySet()) {
            String shard = (i++ % 2 == 0) ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
            (shard.contains("00001-") ? s1 : s2).put(e.getKey(), e.getValue());
            wm.append(wm.isEmpty() ? "" : ",").append('"').append(e.getKey()).append("\":\"").append(shard).append('"');
        }
        SafeTensors.write(dir.resolve("model-00001-of-00002.safetensors"), s1);
        SafeTensors.write(dir.resolve("model-00002-of-00002.safetensors"), s2);
        Files.writeString(dir.resolve(SafeTensors.INDEX_FILE),
                "{\"metadata\":{\"total_size\":123},\"weight_map\":{" + wm + "}}");
        SafeTensors.Loaded l = SafeTensors.read(dir);
        assertEquals(all.keySet(), l.tensors().keySet());
        for (var e : all.entrySet()) {
            assertArrayEquals(e.getValue().toFloatArray(), l.require(e.getKey()).toFloatArray());
        }
        assertEquals("123", l.metadata().get("total_size"));
        assertEquals(2, l.files().size());

        Files.writeString(dir.resolve(SafeTensors.INDEX_FILE),
                "{\"weight_map\":{\"t_f32\":\"model-00002-of-00002.safetensors\"}}");
        BadInputException ex = assertThrows(BadInputException.class, () -> SafeTensors.read(dir));
        assertEquals(dir.resolve(SafeTensors.INDEX_FILE).toAbsolutePath() + ": tensor 't_f32' is mapped to shard "
                + "'model-00002-of-00002.safetensors' but that file does not hold it", ex.getMessage());
    }

    // ----------------------------------------------------------------- validation

    /** Writes a raw file: header length, header text (unpadded), then {@code data} bytes. */
    static Path raw(Path file, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Files.write(file, b.array());
        return file;
    }

    String message(Path f) {
        return assertThrows(BadInputException.class, () -> SafeTensors.read(f)).getMessage();
    }

    @Test
    void rejectsBadHeadersWithClearMessages() throws IOException {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        assertEquals(f + ": not a safetensors file: it has 3 bytes, fewer than the 8-byte header length (truncated?)",
                message(f));

        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).putLong(0);
        Files.write(f, b.array());
        assertEquals(f + ": safetensors header length 1000 bytes goes past the end of the file (16 bytes; at most 8 "
                + "available): the file is truncated or not safetensors", message(f));

        raw(f, "{\"a\": {\"dtype\": \"F32\",", 0);
        assertTrue(message(f).startsWith(f + ": safetensors header is not well-formed JSON: "), message(f));

        raw(f, "{\"a\": {\"dtype\": \"F8_E4M3\", \"shape\": [2], \"data_offsets\": [0, 2]}}", 2);
        assertEquals(f + ": tensor 'a': unknown dtype 'F8_E4M3'; supported: F32, F16, BF16, I8, U8, I32, I64", message(f));

        raw(f, "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}", 4);
        assertEquals(f + ": tensor 'a': data_offsets [0, 8] out of range: the data area has 4 bytes (truncated file?)",
                message(f));

        raw(f, "{\"a\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}}", 8);
        assertEquals(f + ": tensor 'a': shape [3] of F32 needs 12 bytes but data_offsets [0, 8] hold 8", message(f));

        raw(f, "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
                + " \"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}", 12);
        assertEquals(f + ": tensors 'a' (bytes 0–8) and 'b' (bytes 4–12) overlap", message(f));

        raw(f, "[1, 2]", 0);
        assertEquals(f + ": safetensors header must be a JSON object, found array", message(f));
    }

    @Test
    void truncatedFileIsReportedNotMapped() throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafeTensors.write(good, allDtypes(3));
        byte[] all = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length - 10));
        String m = message(cut);
        assertTrue(m.startsWith(cut + ": tensor '") && m.contains("out of range") && m.endsWith("(truncated file?)"), m);
    }
}

package dev.prune4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prune4j.tensor.DType;
import dev.prune4j.testkit.TinyDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** prune4j inspect and --runtime on a tiny decoder whose MLP weights are half zeros. */
class InspectCommandTest {
    @Test
    void inspectReportsMeasuredSparsityFormatsAndBytes(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("tiny");
        TinyDecoder.Weights w = TinyDecoder.random(TinyDecoder.Spec.qwen2(), 3, DType.F32);
        for (Map.Entry<String, float[]> e : w.values().entrySet()) {
            if (e.getKey().contains("mlp.")) {
                float[] a = e.getValue();
                for (int i = 0; i < a.length; i += 2) {
                    a[i] = 0f; // every other weight: exactly 50%, and 2:4
                }
            }
        }
        TinyDecoder.write(model, w, DType.F32, 1);
        String cache = dir.resolve("cache").toString();
        CliTest.Result r = CliTest.run("inspect", "--model", model.toString(), "--runtime", "sparse", "--sparse-format", "csr",
                "--calibration-cache", cache, "--json");
        assertEquals(Main.OK, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        int mlp = 0;
        for (JsonNode l : j.get("layers")) {
            String name = l.get("name").asText();
            int out = l.get("shape").get(0).asInt();
            int in = l.get("shape").get(1).asInt();
            if (name.contains("mlp.")) {
                mlp++;
                assertEquals(0.5, l.get("sparsity").asDouble(), 1e-12, name);
                assertEquals("csr16", l.get("format").asText(), name);
                // CSR16: 4-byte values and 2-byte indices per non-zero, plus (rows + 1) 4-byte row pointers
                long nnz = (long) out * in / 2;
                assertTrue(l.get("bytes").asLong() >= 6 * nnz && l.get("bytes").asLong() <= 6 * nnz + 8L * (out + 1), name);
            } else if (name.contains("q_proj")) {
                assertEquals(0.0, l.get("sparsity").asDouble(), 1e-12, name);
                assertEquals("dense", l.get("format").asText(), name);
                assertEquals(4L * out * in, l.get("bytes").asLong(), name);
            }
        }
        assertEquals(3 * 2, mlp);

        // a forced format without --runtime sparse is a bad input
        CliTest.Result bad = CliTest.run("inspect", "--model", model.toString(), "--sparse-format", "csr");
        assertEquals(Main.BAD_INPUT, bad.code(), bad.err());
        assertTrue(bad.err().contains("--runtime sparse"), bad.err());
    }
}

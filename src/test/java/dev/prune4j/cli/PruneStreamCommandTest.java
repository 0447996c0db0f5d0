package dev.prune4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prune4j.io.SafeTensors;
import dev.prune4j.tensor.Tensor;
import dev.prune4j.testkit.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code prune --stream}: the same checkpoint as the in-memory path, and clear refusals. */
class PruneStreamCommandTest {

    private static List<String> args(Path out, String... extra) {
        Path model = SharedData.require("fixtures/stories260K-hf/config.json").getParent();
        List<String> a = new ArrayList<>(List.of("prune", "--model", model.toString(),
                "--tokenizer", SharedData.require("data/tok512.bin").toString(),
                "--calib", SharedData.require("data/tinystories_val.txt").toString(),
                "--calib-windows", "4", "--calib-window", "64", "--calib-start", "1000",
                "--method", "sparsegpt", "--sparsity", "0.5", "--out", out.toString()));
        a.addAll(List.of(extra));
        return a;
    }

    @Test
    void streamingWritesTheSameTensorsAsTheInMemoryPath(@TempDir Path dir) throws Exception {
        Path mem = dir.resolve("mem");
        Path str = dir.resolve("stream");
        CliTest.Result a = CliTest.run(args(mem, "--no-eval", "--json").toArray(String[]::new));
        assertEquals(0, a.code(), a.err());
        CliTest.Result b = CliTest.run(args(str, "--stream", "--json").toArray(String[]::new));
        assertEquals(0, b.code(), b.err());

        Map<String, Tensor> expected = SafeTensors.read(mem.resolve("model.safetensors")).tensors();
        Map<String, Tensor> actual = SafeTensors.read(str.resolve("model.safetensors")).tensors();
        assertEquals(expected.keySet(), actual.keySet());
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name).toFloatArray(), actual.get(name).toFloatArray(), 0f, name);
        }
        JsonNode rm = Json.MAPPER.readTree(a.out());
        JsonNode rs = Json.MAPPER.readTree(b.out());
        assertEquals(rm.get("layers").size(), rs.get("layers").size());
        assertEquals(rm.get("sparsity_of_pruned_layers").asDouble(), rs.get("sparsity_of_pruned_layers").asDouble(), 0.0);
        assertEquals(rm.get("calibration").get("token_stream_sha256").asText(),
                rs.get("calibration").get("token_stream_sha256").asText());
        assertTrue(rs.get("peak_rss_over_model_bytes").asDouble() > 0);
        assertTrue(Files.isRegularFile(str.resolve("prune4j-report.json")));
        assertTrue(Files.isRegularFile(str.resolve("config.json")));
    }

    @Test
    void streamingRefusesWhatItCannotDo(@TempDir Path dir) {
        Path out = dir.resolve("o");
        CliTest.Result owl = CliTest.run(args(out, "--stream", "--allocation", "owl").toArray(String[]::new));
        assertEquals(2, owl.code(), owl.err());
        assertTrue(owl.err().contains("--stream supports uniform allocation only"), owl.err());

        CliTest.Result ev = CliTest.run(args(out, "--stream", "--eval-windows", "8").toArray(String[]::new));
        assertEquals(2, ev.code(), ev.err());
        assertTrue(ev.err().contains("do not apply with --stream"), ev.err());

        List<String> bin = args(out, "--stream");
        bin.set(bin.indexOf("--model") + 1, SharedData.require("data/stories260K.bin").toString());
        CliTest.Result r = CliTest.run(bin.toArray(String[]::new));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("needs a Hugging Face checkpoint directory"), r.err());
        assertFalse(Files.exists(out), "nothing written on refusal");
    }
}

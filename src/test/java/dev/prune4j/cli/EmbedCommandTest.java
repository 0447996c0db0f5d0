package dev.prune4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbedCommandTest {
    @TempDir
    Path dir;

    @Test
    void embedsEachLineAsOneUnitVector() throws IOException {
        Path in = dir.resolve("in.txt");
        Files.writeString(in, "The first line.\n\nA second, rather different line about sailing boats.\n");
        CliTest.Result r = CliTest.run("embed", "--model", "all-minilm-l6-v2", "--input", in.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode root = Json.MAPPER.readTree(r.out());
        JsonNode e = root.get("embeddings");
        assertEquals(2, e.size(), "blank lines are skipped");
        for (JsonNode v : e) {
            assertEquals(384, v.size());
            double n = 0;
            for (JsonNode x : v) {
                n += x.asDouble() * x.asDouble();
            }
            assertEquals(1.0, n, 1e-5);
        }
        assertEquals("mean", root.get("pooling").asText());
    }

    @Test
    void unknownModelAndBadOnnxExitWith2AndOneLine() throws IOException {
        Path in = dir.resolve("in.txt");
        Files.writeString(in, "hello\n");
        CliTest.Result r = CliTest.run("embed", "--model", "no-such-encoder", "--input", in.toString());
        assertEquals(Main.BAD_INPUT, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("prune4j: unknown model 'no-such-encoder'") && r.err().contains("all-minilm-l6-v2"), r.err());

        Path bad = dir.resolve("broken.onnx");
        Files.write(bad, new byte[] {0x0a, 0x7f, 0x01, 0x02});
        r = CliTest.run("embed", "--model", bad.toString(), "--input", in.toString());
        assertEquals(Main.BAD_INPUT, r.code(), r.err());
        assertTrue(r.err().startsWith("prune4j: " + bad + ": not an ONNX model"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}

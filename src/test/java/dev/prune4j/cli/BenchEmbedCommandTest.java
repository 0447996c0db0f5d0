package dev.prune4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prune4j.kernels.Parallel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchEmbedCommandTest {
    @Test
    void smallRunReportsBothEnginesAndTheyAgree() throws Exception {
        CliTest.Result r = CliTest.run("bench", "embed", "--sentences", "6", "--batch", "4", "--seconds", "0.01", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode root = Json.MAPPER.readTree(r.out());
        assertEquals(6, root.get("sentences").asInt());
        assertEquals(Math.min(2, Parallel.maxThreads()), root.get("cases").size());
        for (JsonNode c : root.get("cases")) {
            assertTrue(c.get("prune4jSentencesPerSecond").asDouble() > 0 && c.get("onnxRuntimeSentencesPerSecond").asDouble() > 0);
        }
        assertTrue(root.get("worstCosineToBaseline").asDouble() > 0.99999, r.out());
        assertEquals(Parallel.maxThreads(), Parallel.threads(), "the thread count is restored");
    }

    @Test
    void unknownModelIsBadInput() {
        CliTest.Result r = CliTest.run("bench", "embed", "--model", "bert-huge");
        assertEquals(Main.BAD_INPUT, r.code());
        assertTrue(r.err().contains("unknown built-in encoder 'bert-huge'"), r.err());
    }
}

package dev.prune4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.prune4j.io.CompactCheckpoint;
import dev.prune4j.io.SafeTensors;
import dev.prune4j.testkit.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PruneCommandTest {
    static String[] args(Path out, String... extra) {
        Path bin = SharedData.require("data/stories260K.bin");
        Path tok = SharedData.require("data/tok512.bin");
        Path text = SharedData.require("data/tinystories_val.txt");
        List<String> a = new java.util.ArrayList<>(List.of("prune", "--model", bin.toString(), "--tokenizer", tok.toString(),
                "--calib", text.toString(), "--calib-windows", "4", "--calib-window", "128", "--calib-start", "192481",
                "--eval-windows", "4", "--eval-window", "128", "--out", out.toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void prunesSavesReportsAndTheResultLoadsBack(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("pruned");
        CliTest.Result r = CliTest.run(args(out, "--method", "wanda", "--sparsity", "2:4", "--json"));
        assertEquals(0, r.code(), r.err());
        JsonNode rep = Json.MAPPER.readTree(r.out());
        assertEquals("wanda", rep.get("method").asText());
        assertEquals("2:4", rep.get("recipe").get("sparsity").asText());
        assertEquals(35, rep.get("layers").size());
        assertEquals(0.5, rep.get("sparsity_of_pruned_layers").asDouble(), 1e-12);
        double before = rep.get("evaluation").get("before").get("perplexity").asDouble();
        double after = rep.get("evaluation").get("after").get("perplexity").asDouble();
        assertTrue(after > before, "pruning at 2:4 costs perplexity: " + before + " -> " + after);
        // the saved 2:4 pattern holds in every pruned tensor, counted from the file
        var saved = SafeTensors.read(out);
        float[] q = saved.require("model.layers.0.self_attn.q_proj.weight").toFloatArray();
        for (int g = 0; g < q.length; g += 4) {
            int nz = 0;
            for (int i = 0; i < 4; i++) {
                nz += q[g + i] != 0f ? 1 : 0;
            }
            assertTrue(nz <= 2, "2:4 group at " + g);
        }
        assertTrue(CompactCheckpoint.isCompact(out.resolve("model.compact.safetensors")));
        assertTrue(Files.isRegularFile(out.resolve("prune4j-report.json")));
        // and prune4j eval reads the pruned Hugging Face directory (tokenizer.bin travels with it)
        CliTest.Result e = CliTest.run("eval", "--model", out.toString(), "--text",
                SharedData.require("data/tinystories_val.txt").toString(), "--window", "128", "--windows", "4", "--json");
        assertEquals(0, e.code(), e.err());
        assertEquals(after, Json.MAPPER.readTree(e.out()).get("perplexity").asDouble(), 1e-4 * after);
    }

    @Test
    void badInputsExit2WithClearMessagesAndWriteNothing(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("o");
        expectBad(args(out, "--method", "wanda", "--sparsity", "1.5"), "prune4j: sparsity must be in [0, 1), found 1.5");
        expectBad(args(out, "--method", "wanda", "--sparsity", "4:4"), "prune4j: N:M sparsity needs 0 <= N < M, found 4:4");
        expectBad(args(out, "--method", "obs", "--sparsity", "0.5"),
                "prune4j: unknown method 'obs'; supported: magnitude, wanda, sparsegpt, ria, dsnot, random");
        expectBad(args(out, "--method", "sparsegpt", "--sparsity", "0.5", "--sequential", "sublayer"),
                "prune4j: sequential: expected block or layer, found 'sublayer'");
        expectBad(args(out, "--method", "wanda", "--sparsity", "3:5"),
                "prune4j: layer: N:M sparsity 3:5 needs M=5 to divide the input width, found width 64");
        expectBad(args(out, "--method", "wanda", "--sparsity", "0.5", "--scope", "nothing\\..*"),
                "prune4j: scope pattern 'nothing\\..*' matches no linear layer; layers of block 0 are "
                        + "[model.layers.0.self_attn.q_proj.weight, model.layers.0.self_attn.k_proj.weight, "
                        + "model.layers.0.self_attn.v_proj.weight, model.layers.0.self_attn.o_proj.weight, "
                        + "model.layers.0.mlp.gate_proj.weight, model.layers.0.mlp.up_proj.weight, model.layers.0.mlp.down_proj.weight]");
        assertFalse(Files.exists(out), "no output after failed runs");
        Files.createDirectories(out);
        expectBad(args(out, "--method", "wanda", "--sparsity", "0.5"),
                "prune4j: " + out + ": output directory exists; choose another --out or pass --overwrite");
        try (var s = Files.list(dir)) {
            assertEquals(List.of(out), s.toList(), "nothing half-written beside the output");
        }
    }

    @Test
    void layerSequentialRunIsRecordedInTheRecipeAndDiffersFromBlockOrder(@TempDir Path dir) throws Exception {
        double[] ppl = new double[2];
        String[] orders = {"block", "layer"};
        for (int i = 0; i < 2; i++) {
            CliTest.Result r = CliTest.run(args(dir.resolve(orders[i]), "--method", "sparsegpt", "--sparsity", "0.5",
                    "--sequential", orders[i], "--json"));
            assertEquals(0, r.code(), r.err());
            JsonNode rep = Json.MAPPER.readTree(r.out());
            assertEquals(orders[i], rep.get("recipe").get("sequential").asText());
            ppl[i] = rep.get("evaluation").get("after").get("perplexity").asDouble();
        }
        assertTrue(ppl[0] != ppl[1], "the two orders calibrate o_proj, gate/up and down on different inputs: " + ppl[0] + " vs " + ppl[1]);
    }

    static void expectBad(String[] args, String message) {
        CliTest.Result r = CliTest.run(args);
        assertEquals(2, r.code(), r.err());
        assertEquals(message, r.err().strip());
    }
}

package dev.prune4j.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest {
    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void versionAndHelp() {
        Result v = run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("prune4j "), v.out());
        Result h = run("--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("demo") && h.out().contains("bench"), h.out());
    }

    @Test
    void everySubcommandHasHelp() {
        picocli.CommandLine root = new picocli.CommandLine(new Main());
        java.util.List<String[]> paths = new java.util.ArrayList<>();
        root.getSubcommands().forEach((name, sub) -> {
            if (name.equals("help")) {
                return;
            }
            paths.add(new String[] {name, "--help"});
            sub.getSubcommands().keySet().forEach(n -> paths.add(new String[] {name, n, "--help"}));
        });
        assertTrue(paths.size() > 10, "subcommands found: " + paths.size());
        // picocli reports a description it cannot format (e.g. an unescaped "50%") on System.err
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream picocliErr = new java.io.ByteArrayOutputStream();
        try {
            System.setErr(new java.io.PrintStream(picocliErr, true, java.nio.charset.StandardCharsets.UTF_8));
            for (String[] args : paths) {
                Result r = run(args);
                assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
                assertTrue(r.out().startsWith("Usage: prune4j " + args[0]), String.join(" ", args) + ": " + r.out());
                String warnings = picocliErr.toString(java.nio.charset.StandardCharsets.UTF_8);
                assertTrue(!warnings.contains("picocli WARN"), String.join(" ", args) + ": " + warnings);
            }
        } finally {
            System.setErr(stderr);
        }
    }

    @Test
    void unknownCommandIsBadUsageOnOneLine() {
        Result r = run("frobnicate");
        assertEquals(Main.BAD_INPUT, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("prune4j: "), r.err());
    }

    @Test
    void demoPrunesMiniLmSavesItAndReportsFidelityBeforeAndAfter(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path out = tmp.resolve("demo");
        Result r = run("demo", "--json", "--calib-sentences", "16", "--eval-sentences", "24", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        var node = Json.MAPPER.readTree(r.out());
        assertTrue(node.isObject());
        assertEquals("all-minilm-l6-v2", node.get("model").asText());
        var report = node.get("report");
        assertEquals("wanda", report.get("method").asText());
        assertEquals(0.5, report.get("sparsity_of_pruned_layers").asDouble(), 1e-12);
        var e = report.get("evaluation");
        assertEquals(24, e.get("protocol").get("sentences").asInt());
        assertEquals(1.0, e.get("before").get("mean_cosine").asDouble(), 1e-6);
        double after = e.get("after").get("mean_cosine").asDouble();
        assertTrue(after > 0.5 && after < 0.999, "pruned embeddings move but stay close: " + after);
        // the demo sentences come in paraphrase pairs (0,1), (2,3), (4,5): with the dense model each one's nearest is its partner
        var dense = node.get("nearest").get("dense");
        for (int i = 0; i < 6; i++) {
            assertEquals(i ^ 1, dense.get(i).asInt(), dense.toString());
        }
        assertEquals(DemoCommand.SENTENCES.size(), node.get("nearest").get("pruned").size());
        for (String f : java.util.List.of("model.onnx", "model.safetensors", "config.json", "tokenizer.json",
                "model.compact.safetensors", "prune4j-report.json")) {
            assertTrue(java.nio.file.Files.isRegularFile(out.resolve(f)), f);
        }
        assertTrue(r.err().contains("saving to " + out), r.err());
    }
}

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
        for (String[] args : paths) {
            Result r = run(args);
            assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: prune4j " + args[0]), String.join(" ", args) + ": " + r.out());
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
    void demoJsonIsOneObjectWithParaphrasesAsNearestNeighbours() throws Exception {
        Result r = run("demo", "--json", "--corpus-sentences", "8");
        assertEquals(0, r.code(), r.err());
        var node = Json.MAPPER.readTree(r.out());
        assertTrue(node.isObject());
        assertEquals("all-minilm-l6-v2", node.get("model").asText());
        var rows = node.get("sentences");
        assertEquals(DemoCommand.SENTENCES.size(), rows.size());
        // the demo sentences come in paraphrase pairs (0,1), (2,3), (4,5): each one's nearest is its partner
        for (int i = 0; i < 6; i++) {
            assertEquals(i ^ 1, rows.get(i).get("nearest").asInt(), rows.get(i).toString());
        }
        assertEquals(8, node.get("throughput").get("sentences").asInt());
    }
}

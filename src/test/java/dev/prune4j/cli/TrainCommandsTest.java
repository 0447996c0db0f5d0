package dev.prune4j.cli;

import dev.prune4j.data.FashionMnist;
import dev.prune4j.nn.Checkpoint;
import dev.prune4j.testkit.FashionMnistData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainCommandsTest {
    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void pruneTrainReportsRoundsAndSavesTheMaskedModel(@TempDir Path dir) throws Exception {
        FashionMnistData.require(FashionMnist.Split.TEST);
        Path recipe = dir.resolve("r.yaml");
        Files.writeString(recipe, """
                seed: 3
                data: {trainLimit: 2000, testLimit: 500}
                model: {kind: mlp, hidden: [32]}
                train: {epochs: 1, lr: 0.002, batchSize: 64}
                method: {kind: one-shot, sparsity: 0.8, allocation: global, fineTuneEpochs: 1}
                """);
        Path ck = dir.resolve("m.p4ck");
        Result r = run("prune-train", "--recipe", recipe.toString(), "--json", "--out", ck.toString());
        assertEquals(0, r.code(), r.err());
        var node = Json.MAPPER.readTree(r.out());
        assertEquals(3, node.get("seed").asLong());
        assertEquals(3, node.get("rounds").size());
        assertEquals("one-shot", node.get("recipe").get("method").get("kind").asText());
        double sparsity = node.get("finalSparsity").asDouble();
        assertEquals(0.8, sparsity, 1e-3, r.out());
        assertTrue(r.err().contains("epoch 1/1"), "progress goes to stderr");
        // the saved weights carry the sparsity the report claims
        Checkpoint.Contents c = Checkpoint.read(ck);
        long zeros = 0;
        long n = 0;
        for (String name : new String[] {"param/fc1.weight", "param/fc2.weight"}) {
            for (float v : c.tensors().get(name)) {
                zeros += v == 0f ? 1 : 0;
                n++;
            }
        }
        assertEquals(sparsity, (double) zeros / n, 1e-12);
    }

    @Test
    void badRecipesAreBadInput(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"method\": {\"kind\": \"one-shot\", \"sparsity\": 1.5}}");
        FashionMnistData.require(FashionMnist.Split.TEST);
        Result r = run("prune-train", "--recipe", bad.toString());
        assertEquals(Main.BAD_INPUT, r.code());
        assertTrue(r.err().contains("sparsity"), r.err());
        Files.writeString(bad, "{\"method\": {\"kind\": \"prune-everything\"}}");
        r = run("prune-train", "--recipe", bad.toString());
        assertEquals(Main.BAD_INPUT, r.code());
        assertTrue(r.err().contains("method.kind"), r.err());
        Files.writeString(bad, "{\"model\": {\"kind\": \"mlp\", \"hidden\": [8]}}");
        r = run("prune-train", "--recipe", bad.toString());
        assertEquals(Main.BAD_INPUT, r.code());
        assertTrue(r.err().contains("no 'method' section"), r.err());
    }

    @Test
    void trainWritesACheckpoint(@TempDir Path dir) throws Exception {
        FashionMnistData.require(FashionMnist.Split.TEST);
        Path ck = dir.resolve("t.p4ck");
        Result r = run("train", "--epochs", "1", "--train-limit", "1000", "--seed", "5", "--out", ck.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("accuracy"), r.out());
        assertTrue(Checkpoint.read(ck).tensors().containsKey("optim/fc1.weight/m"));
    }
}

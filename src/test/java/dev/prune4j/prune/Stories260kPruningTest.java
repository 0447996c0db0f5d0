package dev.prune4j.prune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prune4j.eval.Perplexity;
import dev.prune4j.model.LlamaDecoder;
import dev.prune4j.model.ModelLoader;
import dev.prune4j.testkit.SharedData;
import dev.prune4j.text.Corpus;
import dev.prune4j.text.Llama2cTokenizer;
import dev.prune4j.text.TokenStream;
import dev.prune4j.text.Tokenizer;
import dev.prune4j.text.Windows;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * stories260K pruned at 50% by magnitude, Wanda and SparseGPT reproduces the perplexities of
 * shared/fixtures/stories260K/pruned_reference.json (independent float64 implementations) within
 * 1%, with its calibration protocol: 16 windows of 256 tokens from token 192481, sequential.
 */
class Stories260kPruningTest {
    static JsonNode reference;
    static List<int[]> calibration;
    static List<int[]> evaluation;

    @BeforeAll
    static void data() throws IOException {
        Path ref = SharedData.require("fixtures/stories260K/pruned_reference.json");
        Path text = SharedData.require("data/tinystories_val.txt");
        Path tok = SharedData.require("data/tok512.bin");
        reference = new ObjectMapper().readTree(ref.toFile());
        TokenStream stream = TokenStream.encode(Corpus.read(text, Corpus.Segmentation.PARAGRAPHS), Llama2cTokenizer.read(tok),
                Tokenizer.Bos.ADD);
        JsonNode c = reference.get("calibration");
        calibration = new Windows(c.get("window").asInt(), c.get("windows").asInt(), c.get("start_token").asInt(),
                c.get("window").asInt(), Windows.Placement.STRIDED, 0).cut(stream);
        evaluation = Windows.strided(256, 32).cut(stream);
    }

    static double referencePerplexity(String method) {
        for (JsonNode r : reference.get("results")) {
            if (r.get("method").asText().equals(method)) {
                return r.get("perplexity").asDouble();
            }
        }
        throw new IllegalArgumentException(method);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dense", "magnitude", "wanda", "sparsegpt"})
    void perplexityMatchesTheReference(String method) {
        LlamaDecoder decoder = new LlamaDecoder(ModelLoader.load(SharedData.require("data/stories260K.bin")));
        if (!method.equals("dense")) {
            Recipe r = new Recipe(method, "0.5", null, null, null, null, null, null, null, null, null, null, null);
            List<OneShotPruner.LayerResult> layers = OneShotPruner.run(new DecoderBlocks(decoder, calibration), r.toPlan(),
                    Progress.NONE);
            assertEquals(35, layers.size(), "all 35 linears of the 5 blocks");
            layers.forEach(l -> assertEquals(0.5, l.achieved(), 1e-12, l.name()));
        }
        double ppl = Perplexity.evaluate(decoder, evaluation, i -> { }).perplexity();
        double expected = referencePerplexity(method);
        assertEquals(expected, ppl, 0.01 * expected, method + " perplexity");
    }
}

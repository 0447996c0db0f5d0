package dev.prune4j.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prune4j.model.LlamaDecoder;
import dev.prune4j.model.ModelLoader;
import dev.prune4j.testkit.SharedData;
import dev.prune4j.text.Corpus;
import dev.prune4j.text.Llama2cTokenizer;
import dev.prune4j.text.TokenStream;
import dev.prune4j.text.Tokenizer;
import dev.prune4j.text.Windows;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The perplexity protocol of fixtures/stories260K/perplexity.json, reproduced. */
class PerplexityTest {
    @Test
    void reproducesTheFixtureProtocolAndNumber() throws IOException {
        JsonNode fx = new ObjectMapper().readTree(SharedData.require("fixtures/stories260K/perplexity.json").toFile());
        JsonNode p = fx.get("protocol");
        Corpus corpus = Corpus.read(SharedData.require("data/tinystories_val.txt"), Corpus.Segmentation.PARAGRAPHS);
        assertEquals(4300, corpus.documents().size());
        TokenStream stream = TokenStream.encode(corpus, Llama2cTokenizer.read(SharedData.require("data/tok512.bin")),
                Tokenizer.Bos.ADD);
        assertEquals(p.get("total_tokens").asInt(), stream.length());
        assertEquals(p.get("token_stream_sha256").asText().split(" ")[0], stream.sha256());

        Windows w = new Windows(p.get("window").asInt(), p.get("windows").asInt(), p.get("start_token").asInt(),
                p.get("stride").asInt(), Windows.Placement.STRIDED, 0);
        LlamaDecoder dec = new LlamaDecoder(ModelLoader.load(SharedData.require("data/stories260K.bin")));
        Perplexity.Result r = Perplexity.evaluate(dec, w.cut(stream), i -> { });
        assertEquals(p.get("scored_tokens").asLong(), r.scoredTokens());
        double relNll = Math.abs(r.meanNll() - fx.get("mean_nll").asDouble()) / fx.get("mean_nll").asDouble();
        double relPpl = Math.abs(r.perplexity() - fx.get("perplexity").asDouble()) / fx.get("perplexity").asDouble();
        assertTrue(relNll < 1e-4 && relPpl < 1e-4, "mean NLL " + r.meanNll() + ", ppl " + r.perplexity());
    }

    @Test
    void randomWindowsAreSeededAndInRange() {
        TokenStream s = new TokenStream(java.util.stream.IntStream.range(0, 1000).toArray(), "0..999");
        Windows w = Windows.random(50, 20, 5);
        List<int[]> a = w.cut(s);
        List<int[]> b = Windows.random(50, 20, 5).cut(s);
        for (int i = 0; i < a.size(); i++) {
            assertEquals(50, a.get(i).length);
            assertEquals(a.get(i)[0] + 49, a.get(i)[49]); // contiguous slice of the stream
            assertEquals(a.get(i)[0], b.get(i)[0]);
        }
        // strided windows are back to back
        int[] starts = Windows.strided(100, 10).starts(s);
        for (int i = 0; i < 10; i++) {
            assertEquals(100 * i, starts[i]);
        }
    }

    @Test
    void logSoftmaxMatchesTheDefinition() {
        float[] l = {1f, 2f, 3f};
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertEquals(Math.log(Math.exp(2) / z), Perplexity.logSoftmaxAt(l, 0, 3, 1), 1e-12);
    }
}

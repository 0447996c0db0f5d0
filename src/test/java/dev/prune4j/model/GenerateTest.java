package dev.prune4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prune4j.testkit.SharedData;
import dev.prune4j.text.Llama2cTokenizer;
import dev.prune4j.text.Tokenizer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerateTest {
    static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.get(i).asInt();
        }
        return r;
    }

    @Test
    void greedyGenerationEqualsTheFixture() throws IOException {
        LlamaDecoder dec = new LlamaDecoder(ModelLoader.load(SharedData.require("data/stories260K.bin")));
        Tokenizer tok = Llama2cTokenizer.read(SharedData.require("data/tok512.bin"));
        JsonNode root = new ObjectMapper().readTree(SharedData.require("fixtures/stories260K/generate.json").toFile());
        for (JsonNode c : root.get("cases")) {
            int[] prompt = tok.encode(c.get("prompt").asText(), Tokenizer.Bos.ADD);
            assertArrayEquals(ints(c.get("prompt_ids")), prompt);
            int[] want = ints(c.get("ids"));
            Generator.Result r = Generator.generate(dec, prompt, want.length - prompt.length,
                    new Sampler(SamplingOptions.greedy()), id -> { });
            assertArrayEquals(want, r.ids(), c.get("prompt").asText());
            assertEquals(c.get("text").asText(), tok.decode(r.ids()));
        }
    }

    @Test
    void seededSamplingIsReproducibleAndRespectsTopK() {
        LlamaDecoder dec = new LlamaDecoder(ModelLoader.load(SharedData.require("data/stories260K.bin")));
        SamplingOptions o = new SamplingOptions(1.0, 5, 0.95, 123);
        int[] a = Generator.generate(dec, new int[] {1}, 40, new Sampler(o), id -> { }).ids();
        int[] b = Generator.generate(dec, new int[] {1}, 40, new Sampler(o), id -> { }).ids();
        assertArrayEquals(a, b);
        int[] c = Generator.generate(dec, new int[] {1}, 40, new Sampler(new SamplingOptions(1.0, 5, 0.95, 124)),
                id -> { }).ids();
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
    }

    @Test
    void samplerKeepsOnlyTopKAndNucleus() {
        float[] logits = {0f, 3f, 2.9f, -1f, 1f};
        // top-k 2: only ids 1 and 2 are ever drawn
        Sampler k2 = new Sampler(new SamplingOptions(1.0, 2, 1.0, 9));
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            seen.add(k2.next(logits));
        }
        assertEquals(Set.of(1, 2), seen);
        // top-p 0.3: the most likely token alone has p > 0.3, so the nucleus is {1}
        double[] p = Sampler.probabilities(logits, 1.0);
        assertTrue(p[1] > 0.3);
        Sampler nucleus = new Sampler(new SamplingOptions(1.0, 0, 0.3, 9));
        for (int i = 0; i < 200; i++) {
            assertEquals(1, nucleus.next(logits));
        }
        // full sampling hits each token with about its probability
        Sampler full = new Sampler(new SamplingOptions(1.0, 0, 1.0, 11));
        int[] count = new int[5];
        int n = 40000;
        for (int i = 0; i < n; i++) {
            count[full.next(logits)]++;
        }
        for (int i = 0; i < 5; i++) {
            double sd = Math.sqrt(n * p[i] * (1 - p[i]));
            assertTrue(Math.abs(count[i] - n * p[i]) < 5 * sd + 1, "token " + i + ": " + count[i] + " vs " + n * p[i]);
        }
        // greedy: argmax
        assertEquals(1, new Sampler(SamplingOptions.greedy()).next(logits));
    }
}

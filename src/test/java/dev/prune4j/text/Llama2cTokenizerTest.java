package dev.prune4j.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prune4j.testkit.SharedData;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The llama2.c tokenizer against fixtures/stories260K/tokenize.json (cross-checked with run.c). */
class Llama2cTokenizerTest {
    @Test
    void encodesLikeTheFixture() throws IOException {
        Llama2cTokenizer t = Llama2cTokenizer.read(SharedData.require("data/tok512.bin"));
        assertEquals(512, t.vocabSize());
        JsonNode root = new ObjectMapper().readTree(SharedData.require("fixtures/stories260K/tokenize.json").toFile());
        int n = 0;
        for (JsonNode c : root.get("cases")) {
            String text = c.get("text").asText();
            int[] want = new int[c.get("ids").size()];
            for (int i = 0; i < want.length; i++) {
                want[i] = c.get("ids").get(i).asInt();
            }
            int[] got = t.encode(text, Tokenizer.Bos.ADD);
            assertArrayEquals(want, got, text);
            // decoding drops BOS and the dummy-prefix space: the text comes back
            assertEquals(text, t.decode(got), text);
            n++;
        }
        assertEquals(10, n);
    }

    @Test
    void omitsBosOnRequestAndFallsBackToBytes() {
        Llama2cTokenizer t = Llama2cTokenizer.read(SharedData.require("data/tok512.bin"));
        int[] ids = t.encode("✓", Tokenizer.Bos.OMIT); // U+2713 is not in the vocabulary: its 3 UTF-8 bytes are
        assertEquals(4, ids.length);
        assertEquals(0xE2 + 3, ids[1]);
        assertEquals(0x9C + 3, ids[2]);
        assertEquals(0x93 + 3, ids[3]);
        assertEquals("✓", t.decode(ids));
        assertArrayEquals(new int[] {1, 410, 503}, t.encode("€", Tokenizer.Bos.ADD)); // € is token 503
    }
}

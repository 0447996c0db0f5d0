package dev.prune4j.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** WordPiece tokenization of the MiniLM tokenizer.json, checked against the file's own vocabulary. */
class BertTokenizerTest {
    private static byte[] tokenizerJson() throws IOException {
        try (InputStream in = BertTokenizerTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            return in.readAllBytes();
        }
    }

    @Test
    void wholeWordsAreVocabularyLookupsBetweenClsAndSep() throws IOException {
        byte[] json = tokenizerJson();
        JsonNode vocab = new ObjectMapper().readTree(json).path("model").path("vocab");
        try (BertTokenizer t = BertTokenizer.load(new ByteArrayInputStream(json), 512, "minilm")) {
            String[] words = {"the", "river", "flooded", "quickly", "."};
            int[] expected = new int[words.length + 2];
            expected[0] = vocab.get("[CLS]").asInt();
            for (int i = 0; i < words.length; i++) {
                expected[i + 1] = vocab.get(words[i]).asInt();
            }
            expected[words.length + 1] = vocab.get("[SEP]").asInt();
            // lower-cased and split on punctuation by the BERT normaliser and pre-tokenizer
            assertArrayEquals(expected, t.encode("The RIVER flooded quickly."));
            // a word outside the vocabulary splits into ## pieces that are in it
            String[] pieces = t.tokens("unflinchingly");
            for (int i = 1; i < pieces.length - 1; i++) {
                assertEquals(true, vocab.has(pieces[i]), pieces[i]);
                assertEquals(i > 1, pieces[i].startsWith("##"), pieces[i]);
            }
        }
    }

    @Test
    void truncatesToMaxLengthKeepingSep() throws IOException {
        try (BertTokenizer t = BertTokenizer.load(new ByteArrayInputStream(tokenizerJson()), 16, "minilm")) {
            int[] ids = t.encode("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen");
            assertEquals(16, ids.length);
            assertEquals(102, ids[15]);
            assertEquals(101, ids[0]);
            // the tokenizer.json's own padding (fixed 128) is overridden: no padding
            assertEquals(4, t.encode("hello world").length);
        }
    }
}

package dev.prune4j.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * DJL's native tokenizers library loads offline from its jar and runs a byte-level BPE
 * tokenizer.json written here, whose merges make the expected ids easy to derive by hand.
 */
class HfTokenizerTest {
    @TempDir
    Path dir;

    // vocabulary: <s>=0, bytes h e l o Ġ w r d = 1..8, merges give he=9 ll=10 hell=11 hello=12 Ġw=13 or=14 Ġwor=15 ld=16
    static final String BYTE_LEVEL_BPE = """
            {"version":"1.0","truncation":null,"padding":null,
             "added_tokens":[{"id":0,"content":"<s>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}],
             "normalizer":null,
             "pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true},
             "post_processor":{"type":"TemplateProcessing",
               "single":[{"SpecialToken":{"id":"<s>","type_id":0}},{"Sequence":{"id":"A","type_id":0}}],
               "pair":[{"SpecialToken":{"id":"<s>","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"Sequence":{"id":"B","type_id":1}}],
               "special_tokens":{"<s>":{"id":"<s>","ids":[0],"tokens":["<s>"]}}},
             "decoder":{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true},
             "model":{"type":"BPE","dropout":null,"unk_token":null,"continuing_subword_prefix":null,"end_of_word_suffix":null,
               "fuse_unk":false,"byte_fallback":false,
               "vocab":{"<s>":0,"h":1,"e":2,"l":3,"o":4,"Ġ":5,"w":6,"r":7,"d":8,"he":9,"ll":10,"hell":11,"hello":12,"Ġw":13,"or":14,"Ġwor":15,"ld":16},
               "merges":["h e","l l","he ll","hell o","Ġ w","o r","Ġw or","l d"]}}
            """;

    @Test
    void byteLevelBpeEncodesAndDecodesOffline() throws Exception {
        Path f = dir.resolve("tokenizer.json");
        Files.writeString(f, BYTE_LEVEL_BPE);
        try (HfTokenizer t = HfTokenizer.read(f, 0)) {
            // "hello" → hello; " world" → Ġwor + ld (no merge makes "Ġworld")
            assertArrayEquals(new int[] {0, 12, 15, 16}, t.encode("hello world", Tokenizer.Bos.ADD));
            // " he" → Ġ + he (no merge "Ġ h"); no BOS when omitted
            assertArrayEquals(new int[] {12, 15, 16, 5, 9}, t.encode("hello world he", Tokenizer.Bos.OMIT));
            assertEquals("hello world", t.decode(new int[] {0, 12, 15, 16}));
            assertEquals(17, t.vocabSize());
        }
    }
}

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

    /**
     * Llama 2's kind of tokenizer.json: SentencePiece-style BPE on "▁"-joined text with byte
     * fallback (<0xXX> = byte + 3) and a BOS template. Vocabulary: <unk> <s> </s>, 256 byte
     * tokens, then ▁=259 h=260 i=261 ▁h=262 ▁hi=263.
     */
    static String sentencePieceBpe() {
        StringBuilder vocab = new StringBuilder("\"<unk>\":0,\"<s>\":1,\"</s>\":2");
        for (int b = 0; b < 256; b++) {
            vocab.append(String.format(",\"<0x%02X>\":%d", b, b + 3));
        }
        vocab.append(",\"▁\":259,\"h\":260,\"i\":261,\"▁h\":262,\"▁hi\":263");
        return """
            {"version":"1.0","truncation":null,"padding":null,
             "added_tokens":[
               {"id":0,"content":"<unk>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true},
               {"id":1,"content":"<s>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true},
               {"id":2,"content":"</s>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}],
             "normalizer":{"type":"Sequence","normalizers":[{"type":"Prepend","prepend":"▁"},
                {"type":"Replace","pattern":{"String":" "},"content":"▁"}]},
             "pre_tokenizer":null,
             "post_processor":{"type":"TemplateProcessing",
               "single":[{"SpecialToken":{"id":"<s>","type_id":0}},{"Sequence":{"id":"A","type_id":0}}],
               "pair":[{"SpecialToken":{"id":"<s>","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"Sequence":{"id":"B","type_id":1}}],
               "special_tokens":{"<s>":{"id":"<s>","ids":[1],"tokens":["<s>"]}}},
             "decoder":{"type":"Sequence","decoders":[{"type":"Replace","pattern":{"String":"▁"},"content":" "},
                {"type":"ByteFallback"},{"type":"Fuse"},{"type":"Strip","content":" ","start":1,"stop":0}]},
             "model":{"type":"BPE","dropout":null,"unk_token":"<unk>","continuing_subword_prefix":null,"end_of_word_suffix":null,
               "fuse_unk":true,"byte_fallback":true,
               "vocab":{%s},
               "merges":["▁ h","▁h i"]}}
            """.formatted(vocab);
    }

    @Test
    void sentencePieceBpeWithByteFallbackLikeLlama2() throws Exception {
        Path f = dir.resolve("llama2-style.json");
        Files.writeString(f, sentencePieceBpe());
        try (HfTokenizer t = HfTokenizer.read(f, 1)) {
            assertArrayEquals(new int[] {1, 263}, t.encode("hi", Tokenizer.Bos.ADD));
            // "▁hi▁é": é is not in the vocabulary → its UTF-8 bytes C3 A9 as byte tokens
            assertArrayEquals(new int[] {263, 259, 0xC3 + 3, 0xA9 + 3}, t.encode("hi é", Tokenizer.Bos.OMIT));
            assertEquals("hi é", t.decode(new int[] {1, 263, 259, 0xC3 + 3, 0xA9 + 3}));
            assertEquals(264, t.vocabSize());
        }
    }
}

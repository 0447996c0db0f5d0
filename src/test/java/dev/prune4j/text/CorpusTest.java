package dev.prune4j.text;

import dev.prune4j.core.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CorpusTest {
    @TempDir
    Path dir;

    @Test
    void paragraphsLinesAndWhole() throws Exception {
        Path f = dir.resolve("t.txt");
        Files.writeString(f, "  One.\nStill one.\n\n\n\nTwo. \n\n \n\nThree");
        assertEquals(List.of("One.\nStill one.", "Two.", "Three"), Corpus.read(f, Corpus.Segmentation.PARAGRAPHS).documents());
        assertEquals(List.of("One.", "Still one.", "Two.", "Three"), Corpus.read(f, Corpus.Segmentation.LINES).documents());
        assertEquals(1, Corpus.read(f, Corpus.Segmentation.WHOLE).documents().size());
    }

    @Test
    void jsonLinesUseTheTextField() throws Exception {
        Path f = dir.resolve("t.jsonl");
        Files.writeString(f, "{\"text\": \"a b\", \"id\": 1}\n\n{\"text\": \"c\\nd\"}\n");
        assertEquals(List.of("a b", "c\nd"), Corpus.read(f, Corpus.Segmentation.PARAGRAPHS).documents());
        Files.writeString(f, "{\"text\": \"ok\"}\n{\"body\": \"no text\"}\n");
        assertEquals(f + ": line 2 has no string field \"text\"",
                assertThrows(BadInputException.class, () -> Corpus.read(f, Corpus.Segmentation.PARAGRAPHS)).getMessage());
    }

    @Test
    void rejectsInvalidUtf8AndEmptyText() throws Exception {
        Path f = dir.resolve("bad.txt");
        Files.write(f, new byte[] {'a', (byte) 0xFF, 'b'});
        assertEquals(f + ": not valid UTF-8 text",
                assertThrows(BadInputException.class, () -> Corpus.read(f, Corpus.Segmentation.PARAGRAPHS)).getMessage());
        Files.writeString(f, "\n\n  \n\n");
        assertThrows(BadInputException.class, () -> Corpus.read(f, Corpus.Segmentation.PARAGRAPHS));
    }

    @Test
    void tokenStreamConcatenatesDocumentsWithBos() {
        Tokenizer chars = new Tokenizer() {
            @Override
            public int[] encode(String text, Bos bos) {
                int[] ids = new int[text.length() + (bos == Bos.ADD ? 1 : 0)];
                int p = 0;
                if (bos == Bos.ADD) {
                    ids[p++] = 1;
                }
                for (char c : text.toCharArray()) {
                    ids[p++] = c;
                }
                return ids;
            }

            @Override
            public String decode(int[] ids, int from, int to) {
                return "";
            }

            @Override
            public int bosId() {
                return 1;
            }

            @Override
            public int vocabSize() {
                return 128;
            }

            @Override
            public String describe() {
                return "chars";
            }
        };
        TokenStream s = TokenStream.encode(new Corpus("x", "y", List.of("ab", "c")), chars, Tokenizer.Bos.ADD);
        assertEquals(List.of(1, 97, 98, 1, 99), java.util.Arrays.stream(s.ids()).boxed().toList());
        // ids [1, 258] as int32 little-endian are the bytes 01 00 00 00 02 01 00 00
        assertEquals(java.util.HexFormat.of().formatHex(sha256(new byte[] {1, 0, 0, 0, 2, 1, 0, 0})),
                new TokenStream(new int[] {1, 258}, "").sha256());
    }

    static byte[] sha256(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.prune4j.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.prune4j.core.BadInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} (SentencePiece-style BPE of Llama 2, byte-level BPE of
 * Llama 3 / Qwen, WordPiece, ...) run by the Rust {@code tokenizers} library through DJL's
 * binding, whose native library ships inside its jar. Truncation and padding are switched off:
 * callers cut windows themselves.
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {
    private final Path file;
    private final HuggingFaceTokenizer tokenizer;
    private final int bosId;
    private final int vocabSize;

    private HfTokenizer(Path file, HuggingFaceTokenizer tokenizer, int bosId, int vocabSize) {
        this.file = file;
        this.tokenizer = tokenizer;
        this.bosId = bosId;
        this.vocabSize = vocabSize;
    }

    /**
     * Loads {@code tokenizer.json}. {@code bosId} (from the model's config, -1 if none) is only
     * reported; whether a BOS is added on {@link Bos#ADD} is the tokenizer's post-processor's
     * decision, as in {@code transformers}.
     */
    public static HfTokenizer read(Path file, int bosId) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file + ": file not found (expected a Hugging Face tokenizer.json)");
        }
        HuggingFaceTokenizer t;
        try {
            t = HuggingFaceTokenizer.newInstance(file, Map.of("truncation", "false", "padding", "false"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new BadInputException(file + ": not a valid Hugging Face tokenizer.json: " + e.getMessage(), e);
        }
        int vocab = vocabularySize(file);
        return new HfTokenizer(file, t, bosId, vocab);
    }

    /** Largest id in model.vocab and added_tokens, plus one (read with Jackson). */
    private static int vocabularySize(Path file) {
        try {
            var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
            int max = -1;
            var vocab = root.path("model").path("vocab");
            if (vocab.isObject()) {
                for (var it = vocab.elements(); it.hasNext(); ) {
                    max = Math.max(max, it.next().asInt());
                }
            } else if (vocab.isArray()) { // Unigram: [[piece, score], ...]
                max = vocab.size() - 1;
            }
            for (var a : root.path("added_tokens")) {
                max = Math.max(max, a.path("id").asInt());
            }
            return max + 1;
        } catch (IOException e) {
            throw new BadInputException(file + ": not well-formed JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public int[] encode(String text, Bos bos) {
        Encoding e = tokenizer.encode(text, bos == Bos.ADD, false);
        long[] ids = e.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    @Override
    public String decode(int[] ids, int from, int to) {
        long[] l = new long[to - from];
        for (int i = from; i < to; i++) {
            l[i - from] = ids[i];
        }
        return tokenizer.decode(l, true);
    }

    @Override
    public int bosId() {
        return bosId;
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public String describe() {
        return "Hugging Face tokenizer " + file + " (Rust tokenizers via DJL)";
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}

package dev.prune4j.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.prune4j.core.BadInputException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A BERT-family tokenizer ({@code tokenizer.json} with a WordPiece model): text → ids with
 * {@code [CLS] … [SEP]}, truncated to {@code maxLength} tokens (specials included), no padding.
 * Truncation and padding settings stored in the tokenizer.json are overridden by ours.
 */
public final class BertTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;
    private final String source;

    private BertTokenizer(HuggingFaceTokenizer tokenizer, int maxLength, String source) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.source = source;
    }

    /** Reads a tokenizer.json file. */
    public static BertTokenizer load(Path tokenizerJson, int maxLength) {
        try (InputStream in = Files.newInputStream(tokenizerJson)) {
            return load(in, maxLength, tokenizerJson.toString());
        } catch (IOException e) {
            throw new BadInputException(tokenizerJson + ": cannot read the tokenizer: " + e.getMessage(), e);
        }
    }

    /** Reads tokenizer.json from a stream; {@code source} names it in messages. */
    public static BertTokenizer load(InputStream tokenizerJson, int maxLength, String source) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be at least 2 ([CLS] and [SEP]), found " + maxLength);
        }
        Map<String, String> options = Map.of(
                "addSpecialTokens", "true",
                "truncation", "true",
                "padding", "false",
                "maxLength", Integer.toString(maxLength));
        try {
            return new BertTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, options), maxLength, source);
        } catch (IOException | RuntimeException e) {
            throw new BadInputException(source + ": not a usable tokenizer.json: " + e.getMessage(), e);
        }
    }

    /** Longest output in tokens, [CLS] and [SEP] included. */
    public int maxLength() {
        return maxLength;
    }

    public String source() {
        return source;
    }

    /** Token ids of one text. */
    public int[] encode(String text) {
        return toInts(tokenizer.encode(text).getIds());
    }

    /** Token ids of many texts (the library tokenizes them in parallel). */
    public List<int[]> encode(List<String> texts) {
        Encoding[] enc = tokenizer.batchEncode(texts);
        List<int[]> out = new ArrayList<>(enc.length);
        for (Encoding e : enc) {
            out.add(toInts(e.getIds()));
        }
        return out;
    }

    /** The tokens (strings) of one text, for display. */
    public String[] tokens(String text) {
        return tokenizer.encode(text).getTokens();
    }

    private static int[] toInts(long[] ids) {
        int[] a = new int[ids.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.toIntExact(ids[i]);
        }
        return a;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}

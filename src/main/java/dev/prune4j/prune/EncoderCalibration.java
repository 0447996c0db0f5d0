package dev.prune4j.prune;

import dev.prune4j.model.bert.SentenceEncoder;
import dev.prune4j.model.bert.TokenBatch;

import java.util.ArrayList;
import java.util.List;

/** Calibration batches for encoders: sentences tokenized by the encoder's own tokenizer. */
public final class EncoderCalibration {
    private EncoderCalibration() {
    }

    /** The sentences in batches of {@code batchSize}, each sentence [CLS] … [SEP], truncated as the encoder does. */
    public static List<TokenBatch> batches(SentenceEncoder encoder, List<String> sentences, int batchSize) {
        List<TokenBatch> out = new ArrayList<>();
        for (int from = 0; from < sentences.size(); from += batchSize) {
            List<String> part = sentences.subList(from, Math.min(sentences.size(), from + batchSize));
            out.add(TokenBatch.of(encoder.tokenizer().encode(part)));
        }
        return out;
    }

    /** The encoder as blocks of linears, calibrated on {@code sentences} (batches of 16). */
    public static EncoderBlocks blocks(SentenceEncoder encoder, List<String> sentences) {
        return new EncoderBlocks(encoder.encoder(), batches(encoder, sentences, 16));
    }
}

package dev.prune4j.model;

import dev.prune4j.core.BadInputException;

import java.util.Arrays;
import java.util.function.IntConsumer;

/** Autoregressive generation: one batched prefill of the prompt, then one token at a time. */
public final class Generator {
    /** Why generation ended. */
    public enum Stop { MAX_TOKENS, END_OF_SEQUENCE }

    /** Prompt and all ids (prompt included), with timings. */
    public record Result(int[] promptIds, int[] ids, Stop stop, double prefillSeconds, double decodeSeconds) {
        public int generated() {
            return ids.length - promptIds.length;
        }
    }

    private Generator() {
    }

    /**
     * Generates up to {@code maxNew} tokens after {@code prompt}; stops early at an
     * end-of-sequence id of the config. {@code onToken} sees each new id as it is chosen.
     */
    public static Result generate(LlamaDecoder decoder, int[] prompt, int maxNew, Sampler sampler, IntConsumer onToken) {
        LlamaConfig c = decoder.config();
        if (prompt.length == 0) {
            throw new BadInputException("the prompt has no tokens; a model needs at least one (usually BOS)");
        }
        if (maxNew < 0) {
            throw new BadInputException("--max-tokens must be >= 0, found " + maxNew);
        }
        long total = (long) prompt.length + maxNew;
        if (total > c.maxPositions()) {
            throw new BadInputException("prompt (" + prompt.length + " tokens) + --max-tokens " + maxNew
                    + " exceeds the model's max_position_embeddings " + c.maxPositions());
        }
        KvCache cache = decoder.newCache((int) total);
        int[] ids = Arrays.copyOf(prompt, (int) total);
        long t0 = System.nanoTime();
        float[] logits = decoder.forward(prompt, 0, prompt.length, cache, LlamaDecoder.Logits.LAST);
        long t1 = System.nanoTime();
        int n = prompt.length;
        Stop stop = Stop.MAX_TOKENS;
        for (int i = 0; i < maxNew; i++) {
            int next = sampler.next(logits);
            ids[n++] = next;
            onToken.accept(next);
            if (c.eosTokenIds().contains(next)) {
                stop = Stop.END_OF_SEQUENCE;
                break;
            }
            if (i + 1 < maxNew) {
                logits = decoder.forward(ids, n - 1, 1, cache, LlamaDecoder.Logits.LAST);
            }
        }
        long t2 = System.nanoTime();
        return new Result(prompt.clone(), Arrays.copyOf(ids, n), stop, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    }
}

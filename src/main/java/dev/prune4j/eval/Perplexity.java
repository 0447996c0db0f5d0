package dev.prune4j.eval;

import dev.prune4j.model.KvCache;
import dev.prune4j.model.LlamaDecoder;

import java.util.List;
import java.util.function.IntConsumer;

/**
 * Perplexity of a decoder on windows of tokens: each window is run as one sequence from position
 * 0, and every token but the first is scored by the natural-log likelihood the model gave it
 * from its prefix; the result is exp(mean negative log-likelihood) over all scored tokens.
 */
public final class Perplexity {
    /** Mean NLL (nats per token), its exponential and how many tokens were scored. */
    public record Result(double meanNll, double perplexity, long scoredTokens) {
    }

    private Perplexity() {
    }

    /** Scores {@code windows}; {@code progress} is told the index of each finished window. */
    public static Result evaluate(LlamaDecoder decoder, List<int[]> windows, IntConsumer progress) {
        int v = decoder.config().vocabSize();
        int maxLen = windows.stream().mapToInt(w -> w.length).max().orElse(1);
        KvCache cache = decoder.newCache(maxLen);
        double nll = 0;
        long scored = 0;
        for (int w = 0; w < windows.size(); w++) {
            int[] ids = windows.get(w);
            cache.clear();
            float[] logits = decoder.forward(ids, 0, ids.length, cache, LlamaDecoder.Logits.ALL); // [len, vocab]
            for (int t = 0; t + 1 < ids.length; t++) {
                nll -= logSoftmaxAt(logits, t * v, v, ids[t + 1]);
                scored++;
            }
            progress.accept(w);
        }
        double mean = nll / scored;
        return new Result(mean, Math.exp(mean), scored);
    }

    /** log softmax(row)[target] in double. */
    static double logSoftmaxAt(float[] logits, int off, int n, int target) {
        double mx = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            mx = Math.max(mx, logits[off + i]);
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.exp(logits[off + i] - mx);
        }
        return logits[off + target] - mx - Math.log(s);
    }
}

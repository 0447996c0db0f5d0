package dev.prune4j.model;

import dev.prune4j.tensor.Rng;

import java.util.Arrays;
import java.util.Comparator;

/** Picks next tokens from logits under {@link SamplingOptions}; deterministic for a seed. */
public final class Sampler {
    private final SamplingOptions options;
    private final Rng rng;

    public Sampler(SamplingOptions options) {
        this.options = options;
        this.rng = new Rng(options.seed());
    }

    public SamplingOptions options() {
        return options;
    }

    /** The next token id for logits: [vocab]. */
    public int next(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        if (options.isGreedy()) {
            return best;
        }
        double[] p = probabilities(logits, options.temperature());
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // most likely first; ties by lower id, so the order is fully determined
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -p[i]).thenComparingInt(i -> i));
        int keep = options.topK() == 0 ? p.length : Math.min(options.topK(), p.length);
        double mass = 0;
        int n = 0;
        while (n < keep) {
            mass += p[order[n]];
            n++;
            if (mass >= options.topP()) {
                break;
            }
        }
        double r = rng.nextDouble() * mass;
        double acc = 0;
        for (int i = 0; i < n; i++) {
            acc += p[order[i]];
            if (r < acc) {
                return order[i];
            }
        }
        return order[n - 1];
    }

    /** softmax(logits / temperature) in double. */
    static double[] probabilities(float[] logits, double temperature) {
        double mx = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            mx = Math.max(mx, l);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp((logits[i] - mx) / temperature);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}

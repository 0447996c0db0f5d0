package dev.prune4j.model;

import dev.prune4j.core.BadInputException;

/**
 * How the next token is chosen. Temperature 0 is greedy (argmax, first index on ties); otherwise
 * logits are divided by the temperature, restricted to the {@code topK} most likely tokens
 * (0 = all), then to the smallest set whose probability reaches {@code topP} (nucleus sampling,
 * Holtzman et al. 2019, arXiv:1904.09751), and sampled with a generator seeded by {@code seed}.
 */
public record SamplingOptions(double temperature, int topK, double topP, long seed) {
    public SamplingOptions {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new BadInputException("--temperature must be a finite number >= 0 (0 = greedy), found " + temperature);
        }
        if (topK < 0) {
            throw new BadInputException("--top-k must be >= 0 (0 = no limit), found " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new BadInputException("--top-p must be in (0, 1], found " + topP);
        }
    }

    /** Greedy decoding. */
    public static SamplingOptions greedy() {
        return new SamplingOptions(0, 0, 1, 0);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}

package dev.prune4j.nn;

import dev.prune4j.tensor.Rng;

/**
 * How a forward pass runs: training (dropout active, batch statistics) or evaluation, and the
 * seeded random stream that stochastic layers draw from.
 */
public record Pass(Mode mode, Rng rng) {
    /** Training or evaluation behaviour of layers. */
    public enum Mode { TRAIN, EVAL }

    public Pass {
        if (mode == null) {
            throw new IllegalArgumentException("mode is required");
        }
        if (mode == Mode.TRAIN && rng == null) {
            throw new IllegalArgumentException("a training pass needs an Rng for its random layers");
        }
    }

    /** An evaluation pass (deterministic; no Rng needed). */
    public static Pass eval() {
        return new Pass(Mode.EVAL, null);
    }

    public static Pass train(Rng rng) {
        return new Pass(Mode.TRAIN, rng);
    }

    public boolean training() {
        return mode == Mode.TRAIN;
    }
}

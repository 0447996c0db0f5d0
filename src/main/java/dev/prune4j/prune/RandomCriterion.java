package dev.prune4j.prune;

import dev.prune4j.tensor.Rng;

/** Uniform random scores: the baseline every real criterion must beat. Seeded per layer name. */
public final class RandomCriterion implements Criterion {
    private final long seed;

    public RandomCriterion(long seed) {
        this.seed = seed;
    }

    @Override
    public float[] score(float[] w, int out, int in, LayerStats stats) {
        float[] s = new float[out * in];
        Rng rng = Rng.derived(seed, out + "x" + in + ":" + Float.floatToIntBits(w.length > 0 ? w[0] : 0f));
        rng.fillUniform(s, 0f, 1f);
        return s;
    }

    @Override
    public boolean needsCalibration() {
        return false;
    }

    @Override
    public String name() {
        return "random";
    }
}

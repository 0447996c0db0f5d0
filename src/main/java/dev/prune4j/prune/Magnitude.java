package dev.prune4j.prune;

/** |W_ij| (Han et al. 2015, "Learning both Weights and Connections for Efficient Neural Networks"). */
public final class Magnitude implements Criterion {
    @Override
    public float[] score(float[] w, int out, int in, LayerStats stats) {
        float[] s = new float[out * in];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.abs(w[i]);
        }
        return s;
    }

    @Override
    public RowScorer rowScorer(float[] w, int out, int in, LayerStats stats) {
        return (r, dst) -> {
            int o = r * in;
            for (int j = 0; j < in; j++) {
                dst[j] = Math.abs(w[o + j]);
            }
        };
    }

    @Override
    public boolean needsCalibration() {
        return false;
    }

    @Override
    public String name() {
        return "magnitude";
    }
}

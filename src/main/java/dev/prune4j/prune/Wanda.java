package dev.prune4j.prune;

import dev.prune4j.kernels.Parallel;

/**
 * Wanda: |W_ij|·‖X_j‖₂, compared within each output row (Sun, Liu, Bair, Kolter 2023, "A Simple
 * and Effective Pruning Approach for Large Language Models", eq. 1).
 */
public final class Wanda implements Criterion {
    @Override
    public float[] score(float[] w, int out, int in, LayerStats stats) {
        float[] norm = stats.columnNorms(); // ‖X_j‖₂: [in]
        float[] s = new float[out * in];  // s: [out, in]
        Parallel.forRange(out, 1, (long) out * in, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                for (int j = 0; j < in; j++) {
                    s[r * in + j] = Math.abs(w[r * in + j]) * norm[j];
                }
            }
        });
        return s;
    }

    @Override
    public RowScorer rowScorer(float[] w, int out, int in, LayerStats stats) {
        float[] norm = stats.columnNorms(); // ‖X_j‖₂: [in]
        return (r, dst) -> {
            int o = r * in;
            for (int j = 0; j < in; j++) {
                dst[j] = Math.abs(w[o + j]) * norm[j];
            }
        };
    }

    @Override
    public boolean needsCalibration() {
        return true;
    }

    @Override
    public String name() {
        return "wanda";
    }
}

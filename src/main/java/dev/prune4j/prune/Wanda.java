package dev.prune4j.prune;

/**
 * Wanda: |W_ij|·‖X_j‖₂, compared within each output row (Sun, Liu, Bair, Kolter 2023, "A Simple
 * and Effective Pruning Approach for Large Language Models", eq. 1).
 */
public final class Wanda implements Criterion {
    @Override
    public float[] score(float[] w, int out, int in, LayerStats stats) {
        float[] norm = stats.columnNorms(); // ‖X_j‖₂: [in]
        float[] s = new float[out * in];
        for (int r = 0; r < out; r++) {
            for (int j = 0; j < in; j++) {
                s[r * in + j] = Math.abs(w[r * in + j]) * norm[j];
            }
        }
        return s;
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

package dev.prune4j.prune;

/**
 * RIA, relative importance and activations (Zhang et al. 2024, "Plug-and-Play: An Efficient
 * Post-training Pruning Method for Large Language Models", eq. 3–4):
 * (|W_ij| / Σ_k |W_ik| + |W_ij| / Σ_k |W_kj|) · ‖X_j‖₂^a, compared within rows like Wanda;
 * a = 0.5 as recommended by the paper.
 */
public final class Ria implements Criterion {
    private final double exponent;

    public Ria(double exponent) {
        if (!(exponent >= 0)) {
            throw new IllegalArgumentException("RIA exponent must be >= 0, found " + exponent);
        }
        this.exponent = exponent;
    }

    public Ria() {
        this(0.5);
    }

    @Override
    public float[] score(float[] w, int out, int in, LayerStats stats) {
        double[] rowSum = new double[out]; // Σ_k |W_ik|: [out]
        double[] colSum = new double[in];  // Σ_k |W_kj|: [in]
        for (int r = 0; r < out; r++) {
            for (int j = 0; j < in; j++) {
                double a = Math.abs(w[r * in + j]);
                rowSum[r] += a;
                colSum[j] += a;
            }
        }
        float[] norm = stats.columnNorms();
        float[] s = new float[out * in];
        for (int r = 0; r < out; r++) {
            for (int j = 0; j < in; j++) {
                double a = Math.abs(w[r * in + j]);
                double ri = (rowSum[r] > 0 ? a / rowSum[r] : 0) + (colSum[j] > 0 ? a / colSum[j] : 0);
                s[r * in + j] = (float) (ri * Math.pow(norm[j], exponent));
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
        return "ria";
    }
}

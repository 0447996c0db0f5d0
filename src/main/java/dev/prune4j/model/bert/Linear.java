package dev.prune4j.model.bert;

import dev.prune4j.kernels.Kernels;

/**
 * A dense layer {@code y = x·Wᵀ + b}. W: [out, in] row-major (the Hugging Face layout), b: [out].
 * The arrays are shared, not copied: pruning writes zeros into {@code weight} in place.
 */
public record Linear(float[] weight, float[] bias, int out, int in) {
    public Linear {
        if (weight.length != (long) out * in || bias.length != out) {
            throw new IllegalArgumentException("Linear [" + out + ", " + in + "] needs " + (long) out * in
                    + " weights and " + out + " biases, found " + weight.length + " and " + bias.length);
        }
    }

    /** y[rows, out] = x[rows, in]·Wᵀ + b. */
    public void apply(Kernels k, float[] x, int rows, float[] y) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(bias, 0, y, r * out, out);
        }
        k.gemmT(rows, out, in, x, 0, in, weight, 0, in, 1f, y, 0, out);
    }
}

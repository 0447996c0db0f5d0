package dev.prune4j.model;

import dev.prune4j.core.BadInputException;

/**
 * RoPE frequency scaling as in Hugging Face configs' {@code rope_scaling}.
 * {@link Kind#LLAMA3}: Llama 3.1's per-frequency rule (low frequencies divided by {@code factor},
 * high frequencies kept, a smooth blend between); {@link Kind#LINEAR}: every frequency divided by
 * {@code factor} (position interpolation, Chen et al. 2023, arXiv:2306.15595).
 */
public record RopeScaling(Kind kind, double factor, double lowFreqFactor, double highFreqFactor,
                          int originalMaxPositions) {
    /** Supported scaling rules. */
    public enum Kind { LLAMA3, LINEAR }

    public RopeScaling {
        if (!(factor >= 1.0) || Double.isInfinite(factor)) {
            throw new BadInputException("rope_scaling.factor must be a number >= 1, found " + factor);
        }
        if (kind == Kind.LLAMA3) {
            if (!(lowFreqFactor > 0) || !(highFreqFactor > lowFreqFactor)) {
                throw new BadInputException("rope_scaling (llama3): need 0 < low_freq_factor < high_freq_factor, found "
                        + lowFreqFactor + " and " + highFreqFactor);
            }
            if (originalMaxPositions <= 0) {
                throw new BadInputException("rope_scaling (llama3): original_max_position_embeddings must be positive, found "
                        + originalMaxPositions);
            }
        }
    }

    /**
     * Inverse frequencies {@code theta^(−2i/d)} for i &lt; d/2, rescaled by this rule (null =
     * unscaled). Computed in double, returned as float for {@code Kernels.rope}.
     */
    public static float[] inverseFrequencies(int headDim, double theta, RopeScaling scaling) {
        float[] out = new float[headDim / 2];
        for (int i = 0; i < out.length; i++) {
            double f = Math.pow(theta, -2.0 * i / headDim);
            out[i] = (float) (scaling == null ? f : scaling.scale(f));
        }
        return out;
    }

    /** One inverse frequency after scaling. */
    double scale(double invFreq) {
        if (kind == Kind.LINEAR) {
            return invFreq / factor;
        }
        double wavelen = 2 * Math.PI / invFreq;
        double lowFreqWavelen = originalMaxPositions / lowFreqFactor;
        double highFreqWavelen = originalMaxPositions / highFreqFactor;
        if (wavelen < highFreqWavelen) {
            return invFreq; // high frequency: unchanged
        }
        if (wavelen > lowFreqWavelen) {
            return invFreq / factor; // low frequency: interpolated
        }
        double smooth = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        return (1 - smooth) * invFreq / factor + smooth * invFreq;
    }
}

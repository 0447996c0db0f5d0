package dev.prune4j.prune;

/**
 * Scores every weight of a linear layer W [out, in]; lower scores are pruned first. A criterion
 * only scores: it neither selects nor changes weights.
 */
public interface Criterion {

    /** Scores [out, in] for the weights {@code w} [out, in] given the layer's calibration statistics. */
    float[] score(float[] w, int out, int in, LayerStats stats);

    /** Whether {@link #score} reads calibration statistics (otherwise stats may be null). */
    boolean needsCalibration();

    /** Short name used in reports and recipes. */
    String name();
}

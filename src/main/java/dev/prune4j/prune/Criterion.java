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

    /**
     * Scores one row at a time, for criteria whose score of W_ij needs only row i and per-column
     * statistics: row-wise selection then never holds all scores. Must give exactly the values of
     * {@link #score}. Null (the default) when the criterion cannot.
     */
    default RowScorer rowScorer(float[] w, int out, int in, LayerStats stats) {
        return null;
    }

    /** Writes the scores of row {@code row} into {@code dst[0, in)}; callable from several threads. */
    @FunctionalInterface
    interface RowScorer {
        void score(int row, float[] dst);
    }

    /** Short name used in reports and recipes. */
    String name();
}

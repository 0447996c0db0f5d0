package dev.prune4j.prune;

/**
 * Prunes one linear layer W [out, in] in place to a target sparsity and returns the mask. The
 * simple kind scores then selects ({@link ScoreAndSelect}); second-order methods choose the mask
 * while updating the remaining weights ({@link SparseGpt}).
 */
public interface LayerPruner {

    /** Prunes {@code w} [out, in] in place (pruned entries become exactly 0) and returns the mask. */
    Mask prune(float[] w, int out, int in, LayerStats stats, Sparsity sparsity);

    /** Whether calibration statistics are needed. */
    boolean needsCalibration();

    /** Whether the Gram matrix XᵀX must be collected. */
    default boolean needsGram() {
        return false;
    }

    String name();

    /** Score with a criterion, select within a granularity, zero the selection (no weight update). */
    record ScoreAndSelect(Criterion criterion, Granularity granularity) implements LayerPruner {
        @Override
        public Mask prune(float[] w, int out, int in, LayerStats stats, Sparsity sparsity) {
            Criterion.RowScorer rows = granularity == Granularity.ROW && sparsity instanceof Sparsity.Fraction
                    ? criterion.rowScorer(w, out, in, stats) : null;
            if (rows != null) {
                // row by row: score, select and zero without holding all scores
                return Selector.selectRows(rows, out, in, (int) Math.floor(sparsity.fraction() * in), w);
            }
            float[] scores = criterion.score(w, out, in, stats);
            Mask m = Selector.select(scores, out, in, sparsity, granularity);
            m.applyTo(w);
            return m;
        }

        @Override
        public boolean needsCalibration() {
            return criterion.needsCalibration();
        }

        @Override
        public String name() {
            return criterion.name();
        }
    }
}

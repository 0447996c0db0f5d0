package dev.prune4j.prune;

/**
 * Which scores compete when a mask is selected. N:M patterns are a {@link Sparsity}, not a
 * granularity: they always compete inside groups of M consecutive inputs of one row.
 */
public enum Granularity {
    /** The whole weight matrix competes: one threshold per layer. */
    LAYER,
    /** Each output row competes on its own (Wanda's comparison group). */
    ROW
}

package dev.prune4j.prune.train;

/** How sparse training spreads the density over layers. */
public enum Layout {
    /** The same density in every layer. */
    UNIFORM,
    /** Erdős–Rényi-Kernel densities ({@link Erk}). */
    ERK
}

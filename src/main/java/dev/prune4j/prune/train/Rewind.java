package dev.prune4j.prune.train;

/** What iterative pruning rewinds between rounds. */
public enum Rewind {
    /** Weights back to their initial values: the lottery ticket (Frankle &amp; Carbin 2019). */
    WEIGHTS_TO_INIT,
    /** Weights and optimizer back to training step k (Frankle et al. 2020, "Linear Mode Connectivity and the Lottery Ticket Hypothesis"). */
    WEIGHTS_TO_STEP,
    /** Keep the trained weights, restart the learning-rate schedule (Renda et al. 2020, "Comparing Rewinding and Fine-tuning"). */
    LEARNING_RATE
}

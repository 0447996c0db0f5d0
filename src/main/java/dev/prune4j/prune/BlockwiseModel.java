package dev.prune4j.prune;

import java.util.List;

/**
 * What sequential one-shot pruning needs of a model: a stack of blocks whose linear layers can
 * be observed and changed, and a fixed list of calibration samples (token windows for decoders,
 * batches of sentences for encoders). Implemented by adapters over the model families.
 */
public interface BlockwiseModel {

    /** Number of blocks. */
    int blocks();

    /** The linear layers of block {@code b}, in forward order. */
    List<Linear> linears(int b);

    /** The names of block {@code b}'s linear layers (without touching their weights). */
    default List<String> linearNames(int b) {
        return linears(b).stream().map(Linear::name).toList();
    }

    /** Called before block {@code b} is calibrated and pruned (a streaming model loads it here). */
    default void beginBlock(int b) {
    }

    /**
     * Called when block {@code b} is pruned and its outputs for the next block are computed (a
     * streaming model writes and drops it here).
     */
    default void endBlock(int b) {
    }

    /** Whether only the block between {@link #beginBlock} and {@link #endBlock} has weights. */
    default boolean streamsBlocks() {
        return false;
    }

    /** Number of calibration samples. */
    int samples();

    /** Tokens in calibration sample {@code s}. */
    int tokens(int s);

    /** Hidden states entering block 0 for calibration sample {@code s}: [tokens(s), hidden]. */
    float[] embed(int s);

    /** Width of the hidden state. */
    int hiddenSize();

    /**
     * Runs block {@code b} in place on {@code hidden} [tokens(s), hiddenSize] of sample {@code s},
     * calling {@code observer} once per distinct linear input before it is used (with the names
     * of every linear that consumes that input, e.g. q/k/v share one input).
     */
    void forwardBlock(int b, float[] hidden, int s, InputObserver observer);

    /**
     * Runs block {@code b} on {@code hidden} of sample {@code s} only as far as needed to show
     * {@code observer} every linear input (calibration statistics): the block's output is not
     * wanted, so a model may skip the work after the last observation, and {@code hidden} holds
     * unspecified values afterwards. By default the whole {@link #forwardBlock}.
     */
    default void observeBlock(int b, float[] hidden, int s, InputObserver observer) {
        forwardBlock(b, hidden, s, observer);
    }

    /** A linear layer: its parameter name, shape and mutable float32 weights [out, in]. */
    record Linear(String name, int out, int in, float[] weight) {
    }

    /** Receives a linear layer's input X [tokens, in]. */
    @FunctionalInterface
    interface InputObserver {
        void observe(List<String> linearNames, float[] x, int tokens, int in);

        InputObserver NONE = (names, x, t, in) -> { };
    }
}

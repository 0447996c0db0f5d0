package dev.prune4j.prune;

import java.util.BitSet;

/**
 * Which weights of a [rows, cols] matrix are pruned (bit set = pruned). A mask is the output of
 * selection and the input of weight updates and sparse formats; it never changes weights itself
 * except through {@link #applyTo(float[])}.
 */
public final class Mask {
    private final int rows;
    private final int cols;
    private final BitSet pruned;

    public Mask(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        this.pruned = new BitSet(rows * cols);
    }

    /** The mask of the exact zeros of {@code w} (for counting what a saved tensor holds). */
    public static Mask ofZeros(float[] w, int rows, int cols) {
        Mask m = new Mask(rows, cols);
        for (int i = 0; i < rows * cols; i++) {
            if (w[i] == 0f) {
                m.pruned.set(i);
            }
        }
        return m;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public boolean isPruned(int r, int c) {
        return pruned.get(r * cols + c);
    }

    public boolean isPruned(int flat) {
        return pruned.get(flat);
    }

    public void set(int r, int c) {
        pruned.set(r * cols + c);
    }

    public void set(int flat) {
        pruned.set(flat);
    }

    public long prunedCount() {
        return pruned.cardinality();
    }

    public double sparsity() {
        return rows * (long) cols == 0 ? 0 : (double) prunedCount() / ((long) rows * cols);
    }

    /** Zeroes the pruned weights of {@code w} [rows, cols]. */
    public void applyTo(float[] w) {
        for (int i = pruned.nextSetBit(0); i >= 0; i = pruned.nextSetBit(i + 1)) {
            w[i] = 0f;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mask m && m.rows == rows && m.cols == cols && m.pruned.equals(pruned);
    }

    @Override
    public int hashCode() {
        return pruned.hashCode() * 31 + rows;
    }
}

package dev.prune4j.prune;

import dev.prune4j.kernels.Parallel;

import java.util.Arrays;

/**
 * Which weights of a [rows, cols] matrix are pruned (bit set = pruned; bit i of word i/64 is the
 * row-major flat index i). A mask is the output of selection and the input of weight updates and
 * sparse formats; it never changes weights itself except through {@link #applyTo(float[])}.
 */
public final class Mask {
    /** Rough cost of zeroing one weight, for the "is it worth a thread" estimate. */
    private static final long NANOS_PER_WEIGHT = 2;

    private final int rows;
    private final int cols;
    private final long[] words;

    public Mask(int rows, int cols) {
        this(rows, cols, new long[words(rows, cols)]);
    }

    /** A mask over the given words (taken, not copied); bits past rows·cols must be clear. */
    Mask(int rows, int cols, long[] words) {
        if (words.length != words(rows, cols)) {
            throw new IllegalArgumentException("Mask: " + words.length + " words for [" + rows + ", " + cols + "]");
        }
        this.rows = rows;
        this.cols = cols;
        this.words = words;
    }

    /** Number of 64-bit words holding a [rows, cols] mask. */
    static int words(int rows, int cols) {
        return (int) (((long) rows * cols + 63) >>> 6);
    }

    /** The mask of the exact zeros of {@code w} (for counting what a saved tensor holds). */
    public static Mask ofZeros(float[] w, int rows, int cols) {
        Mask m = new Mask(rows, cols);
        for (int i = 0; i < rows * cols; i++) {
            if (w[i] == 0f) {
                m.set(i);
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
        return isPruned(r * cols + c);
    }

    public boolean isPruned(int flat) {
        return (words[flat >>> 6] & (1L << flat)) != 0;
    }

    public void set(int r, int c) {
        set(r * cols + c);
    }

    public void set(int flat) {
        words[flat >>> 6] |= 1L << flat;
    }

    public long prunedCount() {
        long n = 0;
        for (long w : words) {
            n += Long.bitCount(w);
        }
        return n;
    }

    public double sparsity() {
        return rows * (long) cols == 0 ? 0 : (double) prunedCount() / ((long) rows * cols);
    }

    /** Zeroes the pruned weights of {@code w} [rows, cols]. */
    public void applyTo(float[] w) {
        Parallel.forRange(words.length, 64, NANOS_PER_WEIGHT * 64L * words.length, (w0, w1) -> {
            for (int i = w0; i < w1; i++) {
                long bits = words[i];
                while (bits != 0) {
                    w[(i << 6) + Long.numberOfTrailingZeros(bits)] = 0f;
                    bits &= bits - 1;
                }
            }
        });
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mask m && m.rows == rows && m.cols == cols && Arrays.equals(m.words, words);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words) * 31 + rows;
    }
}

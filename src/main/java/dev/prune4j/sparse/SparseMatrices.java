package dev.prune4j.sparse;

import dev.prune4j.core.BadInputException;

/**
 * Packs dense matrices into the sparse formats. The pruned entries are either the exact zeros of
 * the dense matrix or the entries whose mask is false (a kept entry may itself be zero).
 */
public final class SparseMatrices {
    private SparseMatrices() {
    }

    /** Packs {@code w: [rows, cols]}; exact zeros are the pruned weights. */
    public static SparseMatrix pack(float[] w, int rows, int cols, SparseSpec spec) {
        return pack(w, null, rows, cols, spec);
    }

    /**
     * Packs {@code w: [rows, cols]} keeping the entries where {@code keep} is true (null: where
     * w ≠ 0).
     *
     * @throws BadInputException when the lengths do not match the shape, or the kept entries do not
     *                           follow the N:M pattern asked for
     */
    public static SparseMatrix pack(float[] w, boolean[] keep, int rows, int cols, SparseSpec spec) {
        if (rows < 1 || cols < 1) {
            throw new BadInputException("matrix shape must be positive, found [" + rows + ", " + cols + "]");
        }
        long size = (long) rows * cols;
        if (w.length != size) {
            throw new BadInputException("weights: expected " + size + " values for [" + rows + ", " + cols + "], found " + w.length);
        }
        if (keep != null && keep.length != size) {
            throw new BadInputException("mask: expected " + size + " entries for [" + rows + ", " + cols + "], found " + keep.length);
        }
        return switch (spec.format()) {
            case DENSE -> spec.valueType() == ValueType.F32 ? DenseMatrix.of(w, keep, rows, cols)
                    : DenseHalfMatrix.of(w, keep, rows, cols, spec.valueType());
            case CSR -> CsrMatrix.of(w, keep, rows, cols, spec.valueType());
            case BITMASK -> BitmaskMatrix.of(w, keep, rows, cols, spec.valueType());
            case N_OF_M -> NofMMatrix.of(w, keep, rows, cols, spec.n(), spec.m(), spec.valueType());
            case BLOCK -> BlockMatrix.of(w, keep, rows, cols, spec.valueType());
        };
    }

    /**
     * Dense float32 over the caller's array, not copied: writes into {@code w} (pruning in place)
     * show in later products. w: [rows, cols].
     */
    public static SparseMatrix wrapDense(float[] w, int rows, int cols) {
        if (w.length != (long) rows * cols) {
            throw new BadInputException("weights: expected " + (long) rows * cols + " values for [" + rows + ", " + cols
                    + "], found " + w.length);
        }
        return new DenseMatrix(w, rows, cols);
    }

    /**
     * Dense BF16 or F16 weights from their raw 16-bit patterns (as stored in a checkpoint), kept at
     * 2 bytes per weight and widened in registers. bits: [rows, cols], copied.
     */
    public static SparseMatrix denseHalf(short[] bits, int rows, int cols, ValueType type) {
        if (bits.length != (long) rows * cols) {
            throw new BadInputException("weights: expected " + (long) rows * cols + " values for [" + rows + ", " + cols
                    + "], found " + bits.length);
        }
        return new DenseHalfMatrix(java.util.Arrays.copyOf(bits, bits.length + PackedValues.PAD), rows, cols, type);
    }

    /** A deep copy of a packed matrix (its own arrays): benchmarks rotate copies to keep weights out of cache. */
    public static SparseMatrix copyOf(SparseMatrix m) {
        if (m instanceof AbstractSparseMatrix a) {
            return a.copy();
        }
        throw new IllegalArgumentException("not a prune4j packed matrix: " + m.getClass().getName());
    }

    /** Whether entry i is kept: {@code keep[i]}, or {@code w[i] != 0} without a mask. */
    static boolean kept(float[] w, boolean[] keep, int i) {
        return keep == null ? w[i] != 0f : keep[i];
    }

    static int countKept(float[] w, boolean[] keep) {
        int n = 0;
        for (int i = 0; i < w.length; i++) {
            if (kept(w, keep, i)) {
                n++;
            }
        }
        return n;
    }
}

package dev.prune4j.sparse;

/**
 * A weight matrix {@code W: [rows, cols]} (layout [out, in]) in a packed format, with the two
 * products a linear layer needs: the decode matvec {@code y = W·x} and the prefill product
 * {@code Y = X·Wᵀ} for a small batch of rows (M = 16…512). Immutable and safe to share between
 * threads. Build one with {@link SparseMatrices}.
 */
public interface SparseMatrix {
    int rows();

    int cols();

    /** Stored non-zeros (explicitly stored zeros of a block or N:M group are not counted). */
    long nnz();

    /** Bytes of the packed representation: values, indices, masks, pointers and scales. */
    long bytes();

    /** {@link #bytes()} per weight of the dense matrix (dense F32 is 4). */
    default double bytesPerWeight() {
        return (double) bytes() / ((double) rows() * cols());
    }

    SparseFormat format();

    ValueType valueType();

    /** A short name of the exact layout, e.g. "csr16", "bitmask", "2:4", "block1x8", "dense". */
    String formatName();

    /** {@code y[yOff + r] = Σ_c W[r, c]·x[xOff + c]}; x: [cols], y: [rows]. */
    void matvec(float[] x, int xOff, float[] y, int yOff);

    /** {@code y = W·x} with x: [cols], y: [rows] at offset 0. */
    default void matvec(float[] x, float[] y) {
        matvec(x, 0, y, 0);
    }

    /**
     * {@code Y = X·Wᵀ}: X: [m, cols] (row stride ldx), Y: [m, rows] (row stride ldy), overwritten.
     */
    void gemmT(int m, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy);

    /** {@code Y = X·Wᵀ} with dense strides. */
    default void gemmT(int m, float[] x, float[] y) {
        gemmT(m, x, 0, cols(), y, 0, rows());
    }

    /**
     * The stored entries of row r, in increasing column order, with the value type's rounding and
     * the INT8 row scale applied: writes columns to {@code cols} and values to {@code vals}
     * (each at least {@link #cols()} long) and returns how many.
     */
    int row(int r, int[] cols, float[] vals);

    /** The dense matrix this one computes with (after value rounding): [rows, cols]. */
    default float[] toDense() {
        float[] d = new float[rows() * cols()];
        int[] c = new int[cols()];
        float[] v = new float[cols()];
        for (int r = 0; r < rows(); r++) {
            int n = row(r, c, v);
            for (int i = 0; i < n; i++) {
                d[r * cols() + c[i]] = v[i];
            }
        }
        return d;
    }
}

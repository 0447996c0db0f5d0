package dev.prune4j.sparse;

import dev.prune4j.kernels.Kernels;

/**
 * Shared plumbing of the packed formats: shape, argument checks and the one switch between the
 * fast kernels and the scalar specification ({@link Kernels#get()}'s choice, so
 * {@code -Dprune4j.kernels=scalar} runs {@link SparseReference} everywhere).
 */
abstract class AbstractSparseMatrix implements SparseMatrix {
    /** True when the fast (Vector API) kernels run; false under {@code prune4j.kernels=scalar}. */
    static final boolean FAST = !"scalar".equals(Kernels.get().name());

    final int rows;
    final int cols;

    AbstractSparseMatrix(int rows, int cols) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("matrix shape must be positive, found [" + rows + ", " + cols + "]");
        }
        this.rows = rows;
        this.cols = cols;
    }

    @Override
    public final int rows() {
        return rows;
    }

    @Override
    public final int cols() {
        return cols;
    }

    @Override
    public final void matvec(float[] x, int xOff, float[] y, int yOff) {
        checkSpan("x", x.length, xOff, cols);
        checkSpan("y", y.length, yOff, rows);
        if (FAST) {
            matvecFast(x, xOff, y, yOff);
        } else {
            SparseReference.matvec(this, x, xOff, y, yOff);
        }
    }

    @Override
    public final void gemmT(int m, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
        if (m < 0 || ldx < cols || ldy < rows) {
            throw new IllegalArgumentException("gemmT: need m >= 0, ldx >= cols (" + cols + "), ldy >= rows (" + rows
                    + "); found m=" + m + ", ldx=" + ldx + ", ldy=" + ldy);
        }
        if (m == 0) {
            return;
        }
        checkSpan("X", x.length, xOff, (long) (m - 1) * ldx + cols);
        checkSpan("Y", y.length, yOff, (long) (m - 1) * ldy + rows);
        if (FAST) {
            gemmTFast(m, x, xOff, ldx, y, yOff, ldy);
        } else {
            SparseReference.gemmT(this, m, x, xOff, ldx, y, yOff, ldy);
        }
    }

    /** A deep copy (own arrays), for benchmarks that need weights that are not in cache. */
    abstract AbstractSparseMatrix copy();

    /** The fast matvec; arguments already checked. */
    abstract void matvecFast(float[] x, int xOff, float[] y, int yOff);

    /** The fast small-M product; default: expand rows into registers-friendly panels ({@link SpMM}). */
    void gemmTFast(int m, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
        if (m < 4) {
            for (int i = 0; i < m; i++) {
                matvecFast(x, xOff + i * ldx, y, yOff + i * ldy);
            }
        } else {
            SpMM.gemmT(this, m, x, xOff, ldx, y, yOff, ldy);
        }
    }

    /** Estimated single-thread nanoseconds to stream {@code bytes} (≈ 8 bytes/ns), for {@code Parallel}. */
    static long streamNanos(long bytes) {
        return bytes / 8;
    }

    private static void checkSpan(String name, int length, int off, long span) {
        if (off < 0 || off + span > length) {
            throw new IllegalArgumentException(name + ": need " + span + " elements from offset " + off
                    + ", array length is " + length);
        }
    }

    @Override
    public String toString() {
        return formatName() + "/" + valueType() + " [" + rows + ", " + cols + "] nnz=" + nnz()
                + String.format(java.util.Locale.ROOT, " %.3f B/weight", bytesPerWeight());
    }
}

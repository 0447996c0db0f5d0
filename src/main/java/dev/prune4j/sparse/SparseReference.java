package dev.prune4j.sparse;

/**
 * The readable specification of every sparse product: walk each row's stored entries
 * ({@link SparseMatrix#row}) and accumulate in float32, in column order. The fast kernels of each
 * format must agree with it up to float reassociation; the tests check both against the dense
 * product. Single-threaded on purpose.
 */
public final class SparseReference {
    private SparseReference() {
    }

    /** {@code y = W·x}. */
    public static void matvec(SparseMatrix w, float[] x, int xOff, float[] y, int yOff) {
        int[] cols = new int[w.cols()];
        float[] vals = new float[w.cols()];
        for (int r = 0; r < w.rows(); r++) {
            int n = w.row(r, cols, vals);
            float s = 0f;
            for (int i = 0; i < n; i++) {
                s += vals[i] * x[xOff + cols[i]];
            }
            y[yOff + r] = s;
        }
    }

    /** {@code Y = X·Wᵀ}; X: [m, cols] (ldx), Y: [m, rows] (ldy). */
    public static void gemmT(SparseMatrix w, int m, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
        int[] cols = new int[w.cols()];
        float[] vals = new float[w.cols()];
        for (int r = 0; r < w.rows(); r++) {
            int n = w.row(r, cols, vals);
            for (int i = 0; i < m; i++) {
                int xo = xOff + i * ldx;
                float s = 0f;
                for (int j = 0; j < n; j++) {
                    s += vals[j] * x[xo + cols[j]];
                }
                y[yOff + i * ldy + r] = s;
            }
        }
    }
}

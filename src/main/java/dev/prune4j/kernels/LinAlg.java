package dev.prune4j.kernels;

/**
 * Float64 dense linear algebra on row-major {@code double[]} matrices [n, n], for second-order
 * pruning (SparseGPT needs H⁻¹ and its Cholesky factor). Readable unblocked versions; callers use
 * only this class, so faster blocked code can replace the bodies without touching them.
 */
public final class LinAlg {
    private LinAlg() {
    }

    /** Thrown when a matrix that must be symmetric positive definite is not. */
    public static final class NotPositiveDefiniteException extends ArithmeticException {
        private final int column;

        public NotPositiveDefiniteException(int column, double pivot) {
            super("matrix is not positive definite: pivot " + pivot + " at column " + column
                    + " (add damping to the diagonal)");
            this.column = column;
        }

        /** The column whose pivot was not positive. */
        public int column() {
            return column;
        }
    }

    /**
     * Cholesky factorisation A = L·Lᵀ in place: on return the lower triangle of {@code a} holds L
     * and the strict upper triangle is zeroed.
     *
     * @throws NotPositiveDefiniteException if a pivot is not positive
     */
    public static void cholesky(double[] a, int n) {
        requireSquare(a, n, "cholesky");
        for (int j = 0; j < n; j++) {
            int rj = j * n;
            double d = a[rj + j];
            for (int p = 0; p < j; p++) {
                d -= a[rj + p] * a[rj + p];
            }
            if (!(d > 0)) {
                throw new NotPositiveDefiniteException(j, d);
            }
            double ljj = Math.sqrt(d);
            a[rj + j] = ljj;
            double inv = 1.0 / ljj;
            for (int i = j + 1; i < n; i++) {
                int ri = i * n;
                double s = a[ri + j];
                for (int p = 0; p < j; p++) {
                    s -= a[ri + p] * a[rj + p];
                }
                a[ri + j] = s * inv;
            }
            for (int i = 0; i < j; i++) {
                a[i * n + j] = 0;
            }
        }
    }

    /**
     * Solves L·X = B in place (B [n, m] row-major, overwritten by X) for lower-triangular L
     * [n, n] ({@code transpose = false}), or Lᵀ·X = B ({@code transpose = true}).
     */
    public static void solveLower(double[] l, int n, double[] b, int m, boolean transpose) {
        requireSquare(l, n, "solveLower");
        if (b.length < (long) n * m) {
            throw new IllegalArgumentException("solveLower: L is [" + n + ", " + n + "] but B has " + b.length
                    + " elements, expected [" + n + ", " + m + "]");
        }
        if (!transpose) {
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < i; p++) {
                    double lip = l[i * n + p];
                    if (lip != 0) {
                        for (int c = 0; c < m; c++) {
                            b[i * m + c] -= lip * b[p * m + c];
                        }
                    }
                }
                double inv = 1.0 / l[i * n + i];
                for (int c = 0; c < m; c++) {
                    b[i * m + c] *= inv;
                }
            }
        } else {
            for (int i = n - 1; i >= 0; i--) {
                for (int p = i + 1; p < n; p++) {
                    double lpi = l[p * n + i];
                    if (lpi != 0) {
                        for (int c = 0; c < m; c++) {
                            b[i * m + c] -= lpi * b[p * m + c];
                        }
                    }
                }
                double inv = 1.0 / l[i * n + i];
                for (int c = 0; c < m; c++) {
                    b[i * m + c] *= inv;
                }
            }
        }
    }

    /**
     * Inverse of a symmetric positive definite matrix in place, via A = L·Lᵀ and
     * A⁻¹ = L⁻ᵀ·L⁻¹ (LAPACK's dpotrf + dpotri). The full symmetric inverse is returned.
     */
    public static void spdInverse(double[] a, int n) {
        cholesky(a, n);
        invertLowerInPlace(a, n);
        // a holds L⁻¹ (lower); A⁻¹ = (L⁻¹)ᵀ·L⁻¹: entry (i, j) = Σ_{p ≥ max(i,j)} Li[p,i]·Li[p,j]
        double[] out = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int p = i; p < n; p++) {
                    s += a[p * n + i] * a[p * n + j];
                }
                out[i * n + j] = s;
                out[j * n + i] = s;
            }
        }
        System.arraycopy(out, 0, a, 0, n * n);
    }

    /** Replaces lower-triangular L (lower part of {@code a}) by L⁻¹. */
    static void invertLowerInPlace(double[] a, int n) {
        for (int j = 0; j < n; j++) {
            a[j * n + j] = 1.0 / a[j * n + j];
            for (int i = j + 1; i < n; i++) {
                double s = 0;
                for (int p = j; p < i; p++) {
                    s += a[i * n + p] * a[p * n + j];
                }
                a[i * n + j] = -s / a[i * n + i];
            }
        }
    }

    /**
     * SparseGPT's factor: the upper Cholesky factor U of A⁻¹ (A⁻¹ = Uᵀ·U) for SPD A, in place
     * ({@code torch.linalg.cholesky(torch.cholesky_inverse(torch.linalg.cholesky(H)), upper=True)}).
     */
    public static void choleskyInverseUpper(double[] a, int n) {
        spdInverse(a, n);
        cholesky(a, n);
        // transpose lower L into upper U = Lᵀ
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                a[i * n + j] = a[j * n + i];
                a[j * n + i] = 0;
            }
        }
    }

    private static void requireSquare(double[] a, int n, String op) {
        if (n < 0 || a.length != (long) n * n) {
            throw new IllegalArgumentException(op + ": expected a [" + n + ", " + n + "] matrix (" + ((long) n * n)
                    + " elements) but found " + a.length + " elements");
        }
    }
}

package dev.prune4j.kernels;

/**
 * The readable specification of {@link LinAlg}: unblocked textbook algorithms on row-major
 * {@code double[]} matrices [n, n] (Golub &amp; Van Loan, <i>Matrix Computations</i>, 4th ed.,
 * Alg. 4.2.1 for Cholesky, §3.1 for triangular solves). Tests compare the blocked, vectorised
 * {@link LinAlg} against these loops; nothing else should call them.
 */
final class LinAlgReference {
    private LinAlgReference() {
    }

    /**
     * Cholesky factorisation A = L·Lᵀ in place: on return the lower triangle of {@code a} holds L
     * and the strict upper triangle is zeroed.
     *
     * @throws LinAlg.NotPositiveDefiniteException if a pivot is not positive
     */
    static void cholesky(double[] a, int n) {
        requireSquare(a, n, "cholesky");
        for (int j = 0; j < n; j++) {
            int rj = j * n;
            double d = a[rj + j];
            for (int p = 0; p < j; p++) {
                d -= a[rj + p] * a[rj + p];
            }
            if (!(d > 0)) {
                throw new LinAlg.NotPositiveDefiniteException(j, d);
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
    static void solveLower(double[] l, int n, double[] b, int m, boolean transpose) {
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
    static void spdInverse(double[] a, int n) {
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
    static void choleskyInverseUpper(double[] a, int n) {
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
        LinAlg.requireSquare(a, n, op);
    }
}

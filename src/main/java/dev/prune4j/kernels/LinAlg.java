package dev.prune4j.kernels;

import dev.prune4j.kernels.DoubleGemm.Op;

import static dev.prune4j.kernels.DoubleGemm.MR;
import static dev.prune4j.kernels.DoubleGemm.NR;

/**
 * Float64 dense linear algebra on row-major {@code double[]} matrices [n, n], for second-order
 * pruning (SparseGPT needs H⁻¹ and its Cholesky factor). Only the lower triangle of a symmetric
 * input is read, like LAPACK's {@code uplo = 'L'}.
 *
 * <p>The algorithms are LAPACK's blocked ones (dpotrf, dtrtri, dlauum; Anderson et al.,
 * <i>LAPACK Users' Guide</i>, 3rd ed., 1999): a small diagonal block is handled by the textbook
 * loop, and the O(n³) rest is matrix products on {@link DoubleGemm}, split over
 * {@link Parallel} threads with the triangular work balanced. {@link LinAlgReference} holds the
 * unblocked loops that specify the results.
 */
public final class LinAlg {
    /** Block size of the factorisations: the depth of the trailing updates. */
    static final int NB = 128;
    /** Rows of C per call in the triangular updates (a multiple of MR and of NR). */
    private static final int RB = 80;
    /** Rough single-thread float64 GEMM speed, for the "is it worth a thread" estimate. */
    private static final double FLOPS_PER_NANO = 30;

    private LinAlg() {
    }

    /** Thrown when a matrix that must be symmetric positive definite is not. */
    public static final class NotPositiveDefiniteException extends ArithmeticException {
        private final int column;
        private final double pivot;

        public NotPositiveDefiniteException(int column, double pivot) {
            super("matrix is not positive definite: pivot " + pivot + " at column " + column
                    + " (add damping to the diagonal)");
            this.column = column;
            this.pivot = pivot;
        }

        /** The pivot value found (≤ 0 or NaN). */
        public double pivot() {
            return pivot;
        }

        /** The column whose pivot was not positive. */
        public int column() {
            return column;
        }
    }

    // ------------------------------------------------------------------------------ Cholesky

    /**
     * Cholesky factorisation A = L·Lᵀ in place: on return the lower triangle of {@code a} holds L
     * and the strict upper triangle is zeroed. Reads only the lower triangle of A.
     *
     * @throws NotPositiveDefiniteException if a pivot is not positive (then {@code a} is partly
     *                                      overwritten)
     */
    public static void cholesky(double[] a, int n) {
        requireSquare(a, n, "cholesky");
        factorLower(a, n);
        zeroStrictUpper(a, n);
    }

    /**
     * Right-looking blocked Cholesky (LAPACK dpotrf, lower). For each block column [k0, k1):
     * factor the diagonal block, solve the panel below it (L21 = A21·L11⁻ᵀ), then update the
     * trailing lower triangle A22 -= L21·L21ᵀ. The panel is kept packed in both GEMM operand
     * layouts, so the trailing update (≈ all the flops) runs the micro-kernel with no further
     * copying. Leaves garbage in the strict upper triangle.
     */
    static void factorLower(double[] a, int n) {
        double[] bp = new double[DoubleGemm.packedBSize(NB, n)]; // L21ᵀ: [kb, m] in NR panels
        double[] ap = new double[DoubleGemm.packedASize(n, NB)]; // -L21: [m, kb] in MR panels
        for (int k0 = 0; k0 < n; k0 += NB) {
            int kb = Math.min(NB, n - k0);
            int k1 = k0 + kb;
            int m = n - k1;
            int c0 = k0;
            potf2(a, n, k0, kb);
            if (m == 0) {
                break;
            }
            // panel: pack A21ᵀ, solve in place across rows, write L21 back and pack it as -A
            int panels = (m + NR - 1) / NR;
            long panelNanos = (long) ((double) m * kb * kb / FLOPS_PER_NANO * 3);
            // chunks start at multiples of both NR and MR, so both packings stay aligned
            Parallel.forRange(panels, MR, panelNanos, (q0, q1) -> {
                int j0 = q0 * NR;
                int nc = Math.min(m, q1 * NR) - j0;
                DoubleGemm.packB(a, k1 * n + c0, n, Op.T, 0, kb, j0, nc, bp, j0 * kb);
                for (int q = q0; q < q1; q++) {
                    trsmPanel(a, n, c0, kb, bp, q * NR * kb);
                }
                unpackPanel(bp, kb, j0, nc, a, (k1 + j0) * n + c0, n);
                DoubleGemm.packA(a, k1 * n + c0, n, Op.N, -1.0, j0, nc, 0, kb, ap, j0 * kb);
            });
            // trailing update of the lower triangle: row i needs columns [k1, i]
            int[] bounds = splitTriangle(m, Parallel.threads(), RB);
            long nanos = (long) ((double) m * m * kb / FLOPS_PER_NANO);
            Parallel.forRange(bounds.length - 1, 1, nanos, (t0, t1) -> {
                for (int i0 = bounds[t0]; i0 < bounds[t1]; i0 += RB) {
                    int rows = Math.min(RB, bounds[t1] - i0);
                    int cols = i0 + rows; // columns [0, i0 + rows) of the trailing block
                    DoubleGemm.kernel(rows, cols, kb, ap, i0 * kb, MR * kb, bp, 0, NR * kb,
                            a, (k1 + i0) * n + k1, n);
                }
            });
        }
    }

    /**
     * Unblocked Cholesky of the diagonal block [k0, k0 + kb) (columns before k0 are already
     * subtracted): the textbook loop with vectorised dot products.
     */
    private static void potf2(double[] a, int n, int k0, int kb) {
        for (int j = 0; j < kb; j++) {
            int rj = (k0 + j) * n + k0;
            double d = a[rj + j] - DoubleVectors.dot(a, rj, a, rj, j);
            if (!(d > 0)) {
                throw new NotPositiveDefiniteException(k0 + j, d);
            }
            double ljj = Math.sqrt(d);
            a[rj + j] = ljj;
            double inv = 1.0 / ljj;
            for (int i = j + 1; i < kb; i++) {
                int ri = (k0 + i) * n + k0;
                a[ri + j] = (a[ri + j] - DoubleVectors.dot(a, ri, a, rj, j)) * inv;
            }
        }
    }

    /**
     * Solves X·L11ᵀ = A21 for one NR-row panel held transposed and packed (element (p, r) at
     * {@code off + p·NR + r}): forward substitution over p, vectorised across the NR rows.
     */
    private static void trsmPanel(double[] a, int n, int k0, int kb, double[] bp, int off) {
        for (int j = 0; j < kb; j++) {
            int lj = (k0 + j) * n + k0; // row j of L11
            DoubleVectors.subtractCombination(bp, off, a, lj, j, off + j * NR);
            DoubleVectors.scale(bp, off + j * NR, NR, 1.0 / a[lj + j]);
        }
    }

    /** A[j0 + q, p] = packed(p, j0 + q) for the nc panel rows starting at row j0. */
    private static void unpackPanel(double[] bp, int kb, int j0, int nc, double[] a, int aOff, int lda) {
        for (int q = 0; q < nc; q++) {
            int j = j0 + q;
            int base = (j / NR) * NR * kb + j % NR;
            int row = aOff + q * lda;
            for (int p = 0; p < kb; p++) {
                a[row + p] = bp[base + p * NR];
            }
        }
    }

    // ------------------------------------------------------------------------------ triangular solves

    /**
     * Solves L·X = B in place (B [n, m] row-major, overwritten by X) for lower-triangular L
     * [n, n] ({@code transpose = false}), or Lᵀ·X = B ({@code transpose = true}). Only the lower
     * triangle of {@code l} is read.
     */
    public static void solveLower(double[] l, int n, double[] b, int m, boolean transpose) {
        requireSquare(l, n, "solveLower");
        if (m < 0 || b.length < (long) n * m) {
            throw new IllegalArgumentException("solveLower: L is [" + n + ", " + n + "] so B must be [" + n + ", "
                    + m + "] (" + ((long) n * m) + " elements) but B has " + b.length + " elements");
        }
        long nanos = (long) ((double) n * n * m / FLOPS_PER_NANO);
        Parallel.forRange(m, NR, nanos, (c0, c1) -> {
            if (transpose) {
                solveUpperColumns(l, n, b, m, c0, c1 - c0);
            } else {
                solveLowerColumns(l, n, b, m, c0, c1 - c0);
            }
        });
    }

    /** L·X = B for columns [c0, c0 + w) of B: blocked forward substitution. */
    private static void solveLowerColumns(double[] l, int n, double[] b, int m, int c0, int w) {
        for (int k0 = 0; k0 < n; k0 += NB) {
            int k1 = Math.min(n, k0 + NB);
            for (int i = k0; i < k1; i++) {
                int bi = i * m + c0;
                for (int p = k0; p < i; p++) {
                    DoubleVectors.axpy(w, -l[i * n + p], b, p * m + c0, b, bi);
                }
                DoubleVectors.scale(b, bi, w, 1.0 / l[i * n + i]);
            }
            // B[k1:n] -= L[k1:n, k0:k1] · X[k0:k1]
            DoubleGemm.update(n - k1, w, k1 - k0, -1.0, l, k1 * n + k0, n, Op.N,
                    b, k0 * m + c0, m, Op.N, b, k1 * m + c0, m);
        }
    }

    /** Lᵀ·X = B for columns [c0, c0 + w) of B: blocked backward substitution. */
    private static void solveUpperColumns(double[] l, int n, double[] b, int m, int c0, int w) {
        int last = (n - 1) / NB * NB;
        for (int k0 = n == 0 ? -1 : last; k0 >= 0; k0 -= NB) {
            int k1 = Math.min(n, k0 + NB);
            // B[k0:k1] -= L[k1:n, k0:k1]ᵀ · X[k1:n]
            DoubleGemm.update(k1 - k0, w, n - k1, -1.0, l, k1 * n + k0, n, Op.T,
                    b, k1 * m + c0, m, Op.N, b, k0 * m + c0, m);
            for (int i = k1 - 1; i >= k0; i--) {
                int bi = i * m + c0;
                for (int p = i + 1; p < k1; p++) {
                    DoubleVectors.axpy(w, -l[p * n + i], b, p * m + c0, b, bi);
                }
                DoubleVectors.scale(b, bi, w, 1.0 / l[i * n + i]);
            }
        }
    }

    // ------------------------------------------------------------------------------ inverses

    /**
     * Inverse of a symmetric positive definite matrix in place, via A = L·Lᵀ and
     * A⁻¹ = L⁻ᵀ·L⁻¹ (LAPACK's dpotrf + dpotri). The full symmetric inverse is returned.
     *
     * @throws NotPositiveDefiniteException if A is not positive definite
     */
    public static void spdInverse(double[] a, int n) {
        requireSquare(a, n, "spdInverse");
        factorLower(a, n);
        zeroStrictUpper(a, n);
        invertLower(a, n);
        lowerGramInPlace(a, n);
    }

    /**
     * SparseGPT's factor: the upper Cholesky factor U of A⁻¹ (A⁻¹ = Uᵀ·U) for SPD A, in place
     * ({@code torch.linalg.cholesky(torch.cholesky_inverse(torch.linalg.cholesky(H)), upper=True)}),
     * computed without forming A⁻¹: with J the reversal permutation, J·A·J = L'·L'ᵀ gives
     * A⁻¹ = (J·L'⁻¹·J)ᵀ·(J·L'⁻¹·J), and J·L'⁻¹·J is upper triangular with a positive diagonal, so
     * it is U (the factor is unique). In row-major storage J·A·J is the element array reversed.
     * Half the flops of the three-step recipe, and no second factorisation of a rounded inverse.
     *
     * @throws NotPositiveDefiniteException if A is not positive definite; the column reported is the
     *                                      first (from the end) whose trailing block is not
     */
    public static void choleskyInverseUpper(double[] a, int n) {
        requireSquare(a, n, "choleskyInverseUpper");
        for (int i = 0; i < n; i++) { // read the lower triangle only, as the other methods do
            for (int j = i + 1; j < n; j++) {
                a[i * n + j] = a[j * n + i];
            }
        }
        reverse(a);
        try {
            factorLower(a, n);
        } catch (NotPositiveDefiniteException e) {
            throw new NotPositiveDefiniteException(n - 1 - e.column(), e.pivot());
        }
        zeroStrictUpper(a, n);
        invertLower(a, n);
        reverse(a);
    }

    /**
     * Replaces lower-triangular L (strict upper triangle zero) by L⁻¹, blocked from the last block
     * column back (LAPACK dtrtri, lower): with L22⁻¹ already in place,
     * L21 ← −L22⁻¹·L21·L11⁻¹, then L11 ← L11⁻¹.
     */
    static void invertLower(double[] a, int n) {
        double[] bp = new double[DoubleGemm.packedBSize(n, NB)];
        double[] t11 = new double[DoubleGemm.packedBSize(NB, NB)];
        int last = n == 0 ? -1 : (n - 1) / NB * NB;
        for (int j0 = last; j0 >= 0; j0 -= NB) {
            int jb = Math.min(NB, n - j0);
            int j1 = j0 + jb;
            int m = n - j1;
            int col = j0;
            trti2(a, n, j0, jb);
            if (m == 0) {
                continue;
            }
            // L21 [m, jb] as the B operand of −L22⁻¹·L21, packed whole (depth m)
            DoubleGemm.packB(a, j1 * n + j0, n, Op.N, 0, m, 0, jb, bp, 0);
            DoubleGemm.packB(a, j0 * n + j0, n, Op.N, 0, jb, 0, jb, t11, 0);
            int[] bounds = splitTriangle(m, Parallel.threads(), RB);
            long nanos = (long) ((double) m * m * jb / FLOPS_PER_NANO);
            Parallel.forRange(bounds.length - 1, 1, nanos, (t0, t1) -> {
                double[] tmp = new double[RB * jb];
                double[] ap = new double[DoubleGemm.packedASize(RB, Math.max(DoubleGemm.KC, jb))];
                for (int i0 = bounds[t0]; i0 < bounds[t1]; i0 += RB) {
                    int rows = Math.min(RB, bounds[t1] - i0);
                    int depth = i0 + rows; // L22⁻¹ row i has entries in columns [0, i]
                    java.util.Arrays.fill(tmp, 0);
                    for (int p0 = 0; p0 < depth; p0 += DoubleGemm.KC) {
                        int kc = Math.min(DoubleGemm.KC, depth - p0);
                        DoubleGemm.packA(a, (j1 + i0) * n + j1, n, Op.N, -1.0, 0, rows, p0, kc, ap, 0);
                        DoubleGemm.kernel(rows, jb, kc, ap, 0, MR * kc, bp, p0 * NR, NR * m, tmp, 0, jb);
                    }
                    // L21 rows ← tmp · L11⁻¹
                    DoubleGemm.packA(tmp, 0, jb, Op.N, 1.0, 0, rows, 0, jb, ap, 0);
                    int c = (j1 + i0) * n + col;
                    for (int r = 0; r < rows; r++) {
                        java.util.Arrays.fill(a, c + r * n, c + r * n + jb, 0);
                    }
                    DoubleGemm.kernel(rows, jb, jb, ap, 0, MR * jb, t11, 0, NR * jb, a, c, n);
                }
            });
        }
    }

    /**
     * Unblocked inverse of the lower-triangular diagonal block [j0, j0 + jb), row by row and in
     * place: from L·X = I, row i of X is −(Σ_{p<i} L[i][p]·X[p][0..p]) / L[i][i], and rows p < i
     * already hold X. Every step is a contiguous vectorised axpy over a row (a column-by-column
     * loop walked the block with stride n, one cache line per flop).
     */
    private static void trti2(double[] a, int n, int j0, int jb) {
        double[] t = new double[jb];
        for (int i = 0; i < jb; i++) {
            int ri = (j0 + i) * n + j0;
            java.util.Arrays.fill(t, 0, i, 0);
            for (int p = 0; p < i; p++) {
                double lip = a[ri + p];
                if (lip != 0) {
                    DoubleVectors.axpy(p + 1, lip, a, (j0 + p) * n + j0, t, 0);
                }
            }
            double d = 1.0 / a[ri + i];
            for (int j = 0; j < i; j++) {
                a[ri + j] = -t[j] * d;
            }
            a[ri + i] = d;
        }
    }

    /**
     * Replaces lower-triangular W (strict upper triangle zero) by the full symmetric Wᵀ·W (LAPACK
     * dlauum's product, here for the lower factor of an inverse): row block [i0, i1) of the lower
     * triangle is Σ over p ≥ i0 of W[p, i0:i1]ᵀ·W[p, 0:i1]; it only reads rows ≥ i0, so block rows
     * are finished top-down, each through a temporary. The zeros of W are skipped in strips of
     * {@link #GRAM_STRIP}: row i of the block needs depth p ≥ i only, and column c ≥ i0 only rows
     * ≥ c (one rectangle per block row did 1.9× the useful flops at n = 1024). The block row's
     * columns are split over the threads by estimated work.
     */
    static void lowerGramInPlace(double[] a, int n) {
        final int rb = 256;
        double[] tmp = new double[Math.min(rb, Math.max(n, 1)) * Math.max(n, 1)];
        for (int i0 = 0; i0 < n; i0 += rb) {
            int i1 = Math.min(n, i0 + rb);
            int rows = i1 - i0;
            int cols = i1;
            int start = i0;
            java.util.Arrays.fill(tmp, 0, rows * cols, 0);
            int[] bounds = splitGramColumns(n, i0, i1, Parallel.threads());
            long nanos = (long) ((double) rows * cols * (n - i0) / FLOPS_PER_NANO);
            Parallel.forRange(bounds.length - 1, 1, nanos, (t0, t1) -> {
                for (int t = t0; t < t1; t++) {
                    gramColumns(a, n, start, start + rows, bounds[t], bounds[t + 1], tmp, cols);
                }
            });
            for (int r = 0; r < rows; r++) {
                System.arraycopy(tmp, r * cols, a, (i0 + r) * n, cols);
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                a[i * n + j] = a[j * n + i];
            }
        }
    }

    /** Depth (and column) strip of the triangular parts of {@link #lowerGramInPlace}. */
    static final int GRAM_STRIP = 64;

    /**
     * tmp[r − i0, c] = Σ over p of W[p, r]·W[p, c] for rows r ∈ [i0, i1), columns c ∈ [c0, c1) with
     * c ≤ r, skipping the blocks where W is zero (p &lt; r or p &lt; c).
     */
    private static void gramColumns(double[] a, int n, int i0, int i1, int c0, int c1, double[] tmp, int ldt) {
        // columns left of the block: every row, depth from the row on
        int left = Math.min(c1, i0);
        if (c0 < left) {
            gramDepthStrips(a, n, i0, i1, c0, left, i0, tmp, ldt, i0);
        }
        // columns inside the block: rows ≥ the strip's first column
        for (int s0 = Math.max(c0, i0); s0 < c1; s0 += GRAM_STRIP) {
            int s1 = Math.min(c1, s0 + GRAM_STRIP);
            gramDepthStrips(a, n, s0, i1, s0, s1, s0, tmp, ldt, i0);
        }
    }

    /**
     * tmp[r − i0, c] += Σ over p ≥ d0 of W[p, r]·W[p, c] for r ∈ [r0, r1), c ∈ [c0, c1), where
     * W[p, r] = 0 for p &lt; r: the depth [d0, r1) goes in strips that feed only the rows they can
     * reach, the rest [r1, n) in one product.
     */
    private static void gramDepthStrips(double[] a, int n, int r0, int r1, int c0, int c1, int d0,
                                        double[] tmp, int ldt, int i0) {
        for (int q0 = d0; q0 < r1; q0 += GRAM_STRIP) {
            int q1 = Math.min(r1, q0 + GRAM_STRIP);
            // rows r < q1 can have W[p, r] ≠ 0 for p ∈ [q0, q1)
            DoubleGemm.update(q1 - r0, c1 - c0, q1 - q0, 1.0, a, q0 * n + r0, n, Op.T,
                    a, q0 * n + c0, n, Op.N, tmp, (r0 - i0) * ldt + c0, ldt);
        }
        if (r1 < n) {
            DoubleGemm.update(r1 - r0, c1 - c0, n - r1, 1.0, a, r1 * n + r0, n, Op.T,
                    a, r1 * n + c0, n, Op.N, tmp, (r0 - i0) * ldt + c0, ldt);
        }
    }

    /**
     * Splits columns [0, i1) of the Gram block row [i0, i1) into at most {@code parts} ranges of
     * about equal work (column c &lt; i0 costs (i1 − i0)·(n − i0), column c ≥ i0 about
     * (i1 − c)·(n − c)), boundaries multiples of NR.
     */
    static int[] splitGramColumns(int n, int i0, int i1, int parts) {
        double[] prefix = new double[i1 + 1];
        for (int c = 0; c < i1; c++) {
            double w = c < i0 ? (double) (i1 - i0) * (n - i0) : (double) (i1 - c) * (n - c);
            prefix[c + 1] = prefix[c] + w;
        }
        int p = Math.max(1, Math.min(parts, (i1 + NR - 1) / NR));
        int[] b = new int[p + 1];
        int c = 0;
        for (int q = 1; q < p; q++) {
            double target = prefix[i1] * q / p;
            while (c < i1 && prefix[c] < target) {
                c++;
            }
            b[q] = Math.max(b[q - 1], Math.min(i1, (c + NR / 2) / NR * NR));
        }
        b[p] = i1;
        return b;
    }

    // ------------------------------------------------------------------------------ products

    /**
     * C [m, n] = A [m, k] · B [k, n] for dense row-major float64 matrices (a new array), on the
     * blocked float64 GEMM, columns split over the kernel threads.
     */
    public static double[] multiply(double[] a, int m, int k, double[] b, int n) {
        if (m < 0 || k < 0 || n < 0 || a.length != (long) m * k || b.length != (long) k * n) {
            throw new IllegalArgumentException("multiply: expected A [" + m + ", " + k + "] and B [" + k + ", " + n
                    + "], found " + a.length + " and " + b.length + " elements");
        }
        double[] c = new double[m * n];
        long nanos = (long) (2.0 * m * n * k / FLOPS_PER_NANO);
        Parallel.forRange(n, NR, nanos, (j0, j1) ->
                DoubleGemm.update(m, j1 - j0, k, 1.0, a, 0, k, Op.N, b, j0, n, Op.N, c, j0, n));
        return c;
    }

    // ------------------------------------------------------------------------------ helpers

    /**
     * Splits rows [0, m) of a lower-triangular update (row i costs ∝ i + 1) into at most
     * {@code parts} ranges of equal work, boundaries multiples of {@code align}.
     */
    static int[] splitTriangle(int m, int parts, int align) {
        int p = Math.max(1, Math.min(parts, (m + align - 1) / align));
        int[] b = new int[p + 1];
        for (int q = 1; q < p; q++) {
            int x = (int) Math.round(m * Math.sqrt((double) q / p) / align) * align;
            b[q] = Math.max(b[q - 1], Math.min(m, x));
        }
        b[p] = m;
        return b;
    }

    private static void zeroStrictUpper(double[] a, int n) {
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(a, i * n + i + 1, i * n + n, 0);
        }
    }

    private static void reverse(double[] a) {
        for (int i = 0, j = a.length - 1; i < j; i++, j--) {
            double t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    static void requireSquare(double[] a, int n, String op) {
        if (n < 0 || a.length != (long) n * n) {
            throw new IllegalArgumentException(op + ": expected a [" + n + ", " + n + "] matrix (" + ((long) n * n)
                    + " elements) but found " + a.length + " elements");
        }
    }
}

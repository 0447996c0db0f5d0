package dev.prune4j.kernels;

import jdk.incubator.vector.FloatVector;

import static dev.prune4j.kernels.VectorKernels.L;
import static dev.prune4j.kernels.VectorKernels.S;

/**
 * Blocked float32 GEMM on the Vector API (the GotoBLAS/BLIS scheme): B panels are packed so the
 * micro-kernel streams contiguous vectors, A rows are broadcast, C tiles live in registers.
 * Parallel over column panels of C.
 */
final class Gemm {
    private Gemm() {
    }

    /** C = A·Bᵀ (+ beta·C); B: [n, k]. Transposes B into [k, n] panels while packing. */
    static void gemmT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        blocked(m, n, k, a, aOff, lda, b, bOff, ldb, true, beta, c, cOff, ldc);
    }

    /** C = A·B (+ beta·C); B: [k, n]. */
    static void gemmNN(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float beta, float[] c, int cOff, int ldc) {
        blocked(m, n, k, a, aOff, lda, b, bOff, ldb, false, beta, c, cOff, ldc);
    }

    private static final int KC = 256;
    private static final int NR = 2; // vectors per micro-tile row
    private static final int MR = 4;

    private static void blocked(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                boolean transB, float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        // scale or clear C first; the micro-kernel then accumulates
        for (int i = 0; i < m; i++) {
            int o = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[o + j] = beta == 0f ? 0f : beta * c[o + j];
            }
        }
        if (k == 0) {
            return;
        }
        int nb = NR * L;
        int panels = (n + nb - 1) / nb;
        long nanos = (long) m * n * k / 50; // ~50 flop/ns single-thread
        Parallel.forRange(panels, 1, nanos, (p0, p1) -> {
            float[] bp = new float[KC * nb];
            for (int p = p0; p < p1; p++) {
                int j0 = p * nb;
                int nw = Math.min(nb, n - j0);
                for (int k0 = 0; k0 < k; k0 += KC) {
                    int kc = Math.min(KC, k - k0);
                    packB(b, bOff, ldb, transB, k0, kc, j0, nw, nb, bp);
                    for (int i = 0; i < m; i += MR) {
                        int mr = Math.min(MR, m - i);
                        micro(mr, kc, a, aOff + i * lda + k0, lda, bp, nb, nw, c, cOff + i * ldc + j0, ldc);
                    }
                }
            }
        });
    }

    /** bp[p*nb + j] = B(k0+p, j0+j), zero-padded to nb columns. */
    private static void packB(float[] b, int bOff, int ldb, boolean transB, int k0, int kc, int j0, int nw, int nb, float[] bp) {
        for (int p = 0; p < kc; p++) {
            int o = p * nb;
            if (transB) {
                for (int j = 0; j < nw; j++) {
                    bp[o + j] = b[bOff + (j0 + j) * ldb + k0 + p];
                }
            } else {
                System.arraycopy(b, bOff + (k0 + p) * ldb + j0, bp, o, nw);
            }
            for (int j = nw; j < nb; j++) {
                bp[o + j] = 0f;
            }
        }
    }

    private static void micro(int mr, int kc, float[] a, int aOff, int lda, float[] bp, int nb, int nw,
                              float[] c, int cOff, int ldc) {
        float[] tile = new float[MR * nb];
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        int a1 = mr > 1 ? aOff + lda : aOff;
        int a2 = mr > 2 ? aOff + 2 * lda : aOff;
        int a3 = mr > 3 ? aOff + 3 * lda : aOff;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, p * nb);
            FloatVector b1 = FloatVector.fromArray(S, bp, p * nb + L);
            FloatVector x = FloatVector.broadcast(S, a[aOff + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, nb);
        c11.intoArray(tile, nb + L);
        c20.intoArray(tile, 2 * nb);
        c21.intoArray(tile, 2 * nb + L);
        c30.intoArray(tile, 3 * nb);
        c31.intoArray(tile, 3 * nb + L);
        for (int i = 0; i < mr; i++) {
            int o = cOff + i * ldc;
            for (int j = 0; j < nw; j++) {
                c[o + j] += tile[i * nb + j];
            }
        }
    }
}

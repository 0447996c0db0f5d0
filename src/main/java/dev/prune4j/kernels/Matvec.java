package dev.prune4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

import static dev.prune4j.kernels.VectorKernels.L;
import static dev.prune4j.kernels.VectorKernels.S;

/**
 * {@code y = W·x} on the Vector API: the decode step of a language model, bound by how fast W
 * streams from memory. Rows are split across the kernel threads; each pass takes four rows so
 * that one load of x feeds four FMAs and four independent streams keep the prefetchers busy.
 */
final class Matvec {
    /** Rows per pass. */
    private static final int ROWS = 4;

    private Matvec() {
    }

    /** y [n] = W [n, k] (ldw) · x [k]. Arguments already checked. */
    static void run(int n, int k, float[] w, int wOff, int ldw, float[] x, int xOff, float[] y, int yOff, Gemm.Fork fork) {
        if (fork == Gemm.Fork.SERIAL) {
            rows(0, n, k, w, wOff, ldw, x, xOff, y, yOff);
            return;
        }
        // ≈ 4 bytes per weight at ≈ 12 GB/s on one thread → ⅓ ns per weight
        long nanos = (long) n * k / 3;
        Parallel.forRange(n, ROWS, nanos, (r0, r1) -> rows(r0, r1, k, w, wOff, ldw, x, xOff, y, yOff));
    }

    static void rows(int r0, int r1, int k, float[] w, int wOff, int ldw, float[] x, int xOff, float[] y, int yOff) {
        int kv = S.loopBound(k);
        float[] lt = new float[L]; // lanes for Lanes.sumStored: no vector crosses a call
        int r = r0;
        for (; r + ROWS - 1 < r1; r += ROWS) {
            int w0 = wOff + r * ldw;
            int w1 = w0 + ldw;
            int w2 = w1 + ldw;
            int w3 = w2 + ldw;
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = FloatVector.zero(S);
            FloatVector s2 = FloatVector.zero(S);
            FloatVector s3 = FloatVector.zero(S);
            int p = 0;
            for (; p < kv; p += L) {
                FloatVector xv = FloatVector.fromArray(S, x, xOff + p);
                s0 = FloatVector.fromArray(S, w, w0 + p).fma(xv, s0);
                s1 = FloatVector.fromArray(S, w, w1 + p).fma(xv, s1);
                s2 = FloatVector.fromArray(S, w, w2 + p).fma(xv, s2);
                s3 = FloatVector.fromArray(S, w, w3 + p).fma(xv, s3);
            }
            s0.intoArray(lt, 0);
            float t0 = Lanes.sumStored(lt, L);
            s1.intoArray(lt, 0);
            float t1 = Lanes.sumStored(lt, L);
            s2.intoArray(lt, 0);
            float t2 = Lanes.sumStored(lt, L);
            s3.intoArray(lt, 0);
            float t3 = Lanes.sumStored(lt, L);
            for (; p < k; p++) {
                float xp = x[xOff + p];
                t0 += w[w0 + p] * xp;
                t1 += w[w1 + p] * xp;
                t2 += w[w2 + p] * xp;
                t3 += w[w3 + p] * xp;
            }
            y[yOff + r] = t0;
            y[yOff + r + 1] = t1;
            y[yOff + r + 2] = t2;
            y[yOff + r + 3] = t3;
        }
        for (; r < r1; r++) {
            y[yOff + r] = VectorKernels.dotV(k, w, wOff + r * ldw, x, xOff);
        }
    }
}

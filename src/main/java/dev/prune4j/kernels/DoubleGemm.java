package dev.prune4j.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float64 GEMM update C += α·op(A)·op(B) on row-major arrays, the one compute engine under
 * {@link LinAlg}: the blocked factorisations turn almost all their flops into calls of this
 * method on sub-blocks (Goto &amp; van de Geijn, "Anatomy of high-performance matrix
 * multiplication", ACM TOMS 34(3), 2008). Panels of op(A) and op(B) are packed so the
 * micro-kernel streams contiguous memory; an {@value #MR}×{@code NR} tile of C lives in registers.
 *
 * <p>Single-threaded: callers split work across threads themselves, because only they know the
 * triangular shape of their work and how to balance it.
 */
final class DoubleGemm {
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    static final int VL = S.length();
    /** Rows of the register tile (see {@link #micro} for why five). */
    static final int MR = 5;
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * VL;
    /** Depth of a packed panel; KC·NR doubles of B stay in L1/L2 while A streams. */
    static final int KC = 192;
    /** Rows of A packed at once (fits L2 with KC; a multiple of MR). */
    static final int MC = 80;
    /** Columns of B packed at once. */
    static final int NC = 1536;
    /**
     * NR-column strips of C walked per MR-row step in {@link #kernel}: C rows are touched
     * GROUP·NR doubles at a time, not one strip per row (measured on the n = 4096 factorisation,
     * loaded machine, best of 4: 1.20 s with 8 strips vs 1.42 s with 1; 4 and 16 were between).
     */
    static final int GROUP = 8;

    /** Whether an operand is used as stored or transposed. */
    enum Op { N, T }

    private static final ThreadLocal<double[][]> BUFFERS =
            ThreadLocal.withInitial(() -> new double[][] {new double[MC * KC], new double[KC * (NC + NR)], new double[MR * NR]});

    private DoubleGemm() {
    }

    /** Doubles needed to pack m rows × k depth of op(A) (m rounded up to MR). */
    static int packedASize(int m, int k) {
        return roundUp(m, MR) * k;
    }

    /** Doubles needed to pack k depth × n columns of op(B) (n rounded up to NR). */
    static int packedBSize(int k, int n) {
        return roundUp(n, NR) * k;
    }

    static int roundUp(int x, int to) {
        return (x + to - 1) / to * to;
    }

    /**
     * C[m, n] += alpha · op(A)[m, k] · op(B)[k, n], where op(X) is X for {@link Op#N} or Xᵀ for
     * {@link Op#T}; every matrix is row-major with the given offset and leading dimension.
     */
    static void update(int m, int n, int k, double alpha,
                       double[] a, int aOff, int lda, Op opA,
                       double[] b, int bOff, int ldb, Op opB,
                       double[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0 || k <= 0 || alpha == 0) {
            return;
        }
        double[][] buf = BUFFERS.get();
        double[] ap = buf[0];
        double[] bp = buf[1];
        for (int j0 = 0; j0 < n; j0 += NC) {
            int nc = Math.min(NC, n - j0);
            for (int p0 = 0; p0 < k; p0 += KC) {
                int kc = Math.min(KC, k - p0);
                packB(b, bOff, ldb, opB, p0, kc, j0, nc, bp, 0);
                for (int i0 = 0; i0 < m; i0 += MC) {
                    int mc = Math.min(MC, m - i0);
                    packA(a, aOff, lda, opA, alpha, i0, mc, p0, kc, ap, 0);
                    kernel(mc, nc, kc, ap, 0, kc * MR, bp, 0, kc * NR, c, cOff + i0 * ldc + j0, ldc);
                }
            }
        }
    }

    /**
     * The macro-kernel on packed operands: C[m, n] += Apacked · Bpacked over depth k. The MR-row
     * panel number r of A starts at {@code apOff + r·apStride}, the NR-column panel number q of B
     * at {@code bpOff + q·bpStride}; within a panel step p of the depth is at p·MR (p·NR).
     */
    static void kernel(int m, int n, int k, double[] ap, int apOff, int apStride, double[] bp, int bpOff,
                       int bpStride, double[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0 || k <= 0) {
            return;
        }
        double[] tile = null;
        // column groups of GROUP strips; in a group, row steps outside, strips inside: the C rows
        // of a tile stream GROUP·NR contiguous doubles instead of one strip each (big C misses less)
        int group = GROUP * NR;
        for (int jg = 0; jg < n; jg += group) {
          int jEnd = Math.min(n, jg + group);
          for (int ir = 0, r = 0; ir < m; ir += MR, r++) {
            int mr = Math.min(MR, m - ir);
            int ao = apOff + r * apStride;
            for (int jr = jg, q = jg / NR; jr < jEnd; jr += NR, q++) {
                int nr = Math.min(NR, n - jr);
                int bo = bpOff + q * bpStride;
                int co = cOff + ir * ldc + jr;
                if (mr == MR && nr == NR) {
                    micro(k, ap, ao, bp, bo, c, co, ldc);
                } else {
                    if (tile == null) {
                        tile = BUFFERS.get()[2];
                    }
                    java.util.Arrays.fill(tile, 0);
                    micro(k, ap, ao, bp, bo, tile, 0, NR);
                    for (int i = 0; i < mr; i++) {
                        for (int j = 0; j < nr; j++) {
                            c[co + i * ldc + j] += tile[i * NR + j];
                        }
                    }
                }
            }
          }
        }
    }

    /**
     * Packs rows [i0, i0 + mc) × depth [p0, p0 + kc) of alpha·op(A) into MR-row panels at
     * {@code dst + (ir/MR)·kc·MR}, element (r, p) at p·MR + r; rows past mc are zero.
     */
    static void packA(double[] a, int aOff, int lda, Op opA, double alpha, int i0, int mc, int p0, int kc,
                      double[] ap, int dst) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int base = dst + ir * kc;
            if (opA == Op.N) {
                for (int r = 0; r < MR; r++) {
                    if (r < mr) {
                        int src = aOff + (i0 + ir + r) * lda + p0;
                        for (int p = 0; p < kc; p++) {
                            ap[base + p * MR + r] = alpha * a[src + p];
                        }
                    } else {
                        for (int p = 0; p < kc; p++) {
                            ap[base + p * MR + r] = 0;
                        }
                    }
                }
            } else {
                // op(A)[i, p] = A[p, i]: MR consecutive i are contiguous in row p of A
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (p0 + p) * lda + i0 + ir;
                    int d = base + p * MR;
                    for (int r = 0; r < MR; r++) {
                        ap[d + r] = r < mr ? alpha * a[src + r] : 0;
                    }
                }
            }
        }
    }

    /**
     * Packs depth [p0, p0 + kc) × columns [j0, j0 + nc) of op(B) into NR-column panels at
     * {@code dst + (jr/NR)·kc·NR}, element (p, q) at p·NR + q; columns past nc are zero.
     */
    static void packB(double[] b, int bOff, int ldb, Op opB, int p0, int kc, int j0, int nc, double[] bp, int dst) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int base = dst + jr * kc;
            if (opB == Op.N) {
                for (int p = 0; p < kc; p++) {
                    int d = base + p * NR;
                    System.arraycopy(b, bOff + (p0 + p) * ldb + j0 + jr, bp, d, nr);
                    for (int q = nr; q < NR; q++) {
                        bp[d + q] = 0;
                    }
                }
            } else {
                // op(B)[p, j] = B[j, p]: walk each source row once
                for (int q = 0; q < NR; q++) {
                    if (q < nr) {
                        int src = bOff + (j0 + jr + q) * ldb + p0;
                        for (int p = 0; p < kc; p++) {
                            bp[base + p * NR + q] = b[src + p];
                        }
                    } else {
                        for (int p = 0; p < kc; p++) {
                            bp[base + p * NR + q] = 0;
                        }
                    }
                }
            }
        }
    }

    /**
     * C[MR, NR] (at cOff, ldc) += packed A panel · packed B panel over kc steps: five rows × two
     * vectors, ten accumulators. With 16 vector registers (AVX2) the tile must leave C2 room for
     * the two B vectors and the broadcasts it schedules ahead: the 6×2 and 8×2 tiles (12 and 16
     * accumulators) made it spill an accumulator to the stack inside the loop (seen in the
     * disassembly of 6×2), which puts a store-to-load round trip on that FMA chain. Measured
     * (thread CPU time, C += A·Bᵀ at 1024×1024×256, fresh JVM per tile, load ≈ 5–8): 5×2
     * 34–38 GFLOP/s, 3×3 30–31, 8×2 25–27, 4×2 21–32, 6×2 14–17, against OpenBLAS dgemm's 29–37.
     */
    private static void micro(int kc, double[] ap, int ao, double[] bp, int bo, double[] c, int cOff, int ldc) {
        DoubleVector c00 = DoubleVector.zero(S), c01 = DoubleVector.zero(S);
        DoubleVector c10 = DoubleVector.zero(S), c11 = DoubleVector.zero(S);
        DoubleVector c20 = DoubleVector.zero(S), c21 = DoubleVector.zero(S);
        DoubleVector c30 = DoubleVector.zero(S), c31 = DoubleVector.zero(S);
        DoubleVector c40 = DoubleVector.zero(S), c41 = DoubleVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bi = bo + p * NR;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, bi);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, bi + VL);
            int ai = ao + p * MR;
            DoubleVector x = DoubleVector.broadcast(S, ap[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = DoubleVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = DoubleVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = DoubleVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = DoubleVector.broadcast(S, ap[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
        }
        // written out, not a helper: a vector passed to a call C2 does not inline gets boxed
        int o = cOff;
        DoubleVector.fromArray(S, c, o).add(c00).intoArray(c, o);
        DoubleVector.fromArray(S, c, o + VL).add(c01).intoArray(c, o + VL);
        o += ldc;
        DoubleVector.fromArray(S, c, o).add(c10).intoArray(c, o);
        DoubleVector.fromArray(S, c, o + VL).add(c11).intoArray(c, o + VL);
        o += ldc;
        DoubleVector.fromArray(S, c, o).add(c20).intoArray(c, o);
        DoubleVector.fromArray(S, c, o + VL).add(c21).intoArray(c, o + VL);
        o += ldc;
        DoubleVector.fromArray(S, c, o).add(c30).intoArray(c, o);
        DoubleVector.fromArray(S, c, o + VL).add(c31).intoArray(c, o + VL);
        o += ldc;
        DoubleVector.fromArray(S, c, o).add(c40).intoArray(c, o);
        DoubleVector.fromArray(S, c, o + VL).add(c41).intoArray(c, o + VL);
    }
}

package dev.prune4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import static dev.prune4j.kernels.VectorKernels.L;
import static dev.prune4j.kernels.VectorKernels.S;

/**
 * Blocked float32 GEMM on the Vector API, after Goto &amp; van de Geijn, "Anatomy of
 * High-Performance Matrix Multiplication" (ACM TOMS 34(3), 2008) and the BLIS refinement (Van Zee
 * &amp; van de Geijn, ACM TOMS 41(3), 2015).
 *
 * <p>Everything is phrased as one product {@code P = X·Y}: X [mp, k] is read by rows and
 * broadcast one element at a time, Y [k, np] is packed into k-major slivers of {@link #NR}
 * columns that the micro-kernel loads as vectors, and an MR×NR tile of P lives in registers.
 * The two public products map onto it so that the big operand of a linear layer (the weights)
 * is never transposed:
 * <ul>
 *   <li>{@code C = A·Bᵀ} (linear layer, B = W [n, k]): {@code Cᵀ = W·Aᵀ}, i.e. X = W read row by
 *   row (copied, not transposed, into an L2-sized block when it is reused), Y = Aᵀ (the
 *   activations, small, transposed while packing) and P written back transposed into C.</li>
 *   <li>{@code C = A·B}: X = A, Y = B (packing is a plain copy), P written straight into C.</li>
 * </ul>
 * With few activation rows (m ≤ 2·NR) Y is a single sliver that stays in L1 and the weights are
 * streamed straight from memory into the broadcasts, once: that is the small-M kernel.
 *
 * <p>Loop order (per thread, over its rows of X): for each MC×KC block of X (L2), for each
 * Y sliver KC×NR (L1), for each MR rows: micro-kernel. Partial products accumulate in a
 * thread-local MC×NC tile of P, which is written to C once, with {@code beta}. Parallel over
 * row blocks of X (or over Y slivers when X has few rows); the packed Y is shared.
 */
final class Gemm {
    /** Rows of X per micro-tile (broadcasts). */
    static final int MR = 6;
    /** Columns of Y per micro-tile: two vectors. */
    static final int NR = 2 * L;
    /** Depth of a block: one X block (MC×KC) sits in L2, one Y sliver (KC×NR) in L1. */
    static final int KC = 256;
    /** Rows of X per L2 block (a multiple of MR). */
    static final int MC = 144;
    /** Columns of Y packed at once (a multiple of NR). */
    static final int NC = 16 * NR;
    /**
     * Padding of the P tile's rows (floats): a row stride that is a multiple of 4 KiB would map
     * the rows read in one column walk onto the same few L1 sets.
     */
    private static final int TILE_PAD = 16;
    /** Single-thread throughput estimate for the parallel/serial decision (flop per ns). */
    private static final long FLOP_PER_NS = 80;

    /** How Y's elements are stored: {@code Y[p][j]} at {@code p·ld + j} or at {@code j·ld + p}. */
    enum YLayout { ROW_MAJOR, TRANSPOSED }

    /** Where P goes: {@code C[i][j] = P[i][j]} or {@code C[j][i] = P[i][j]}. */
    enum CLayout { SAME, TRANSPOSED }

    /** Whether a call may hand work to the pool (false inside an already parallel region). */
    enum Fork { ALLOWED, SERIAL }

    private Gemm() {
    }

    /** Per-thread packing buffers, grown on demand and reused across calls. */
    private static final class Scratch {
        float[] y = new float[0];
        float[] x = new float[MC * (KC + TILE_PAD)];
        float[] p = new float[MC * (NC + TILE_PAD)];

        float[] y(int size) {
            if (y.length < size) {
                y = new float[size];
            }
            return y;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** C = A·Bᵀ (+ beta·C); A: [m, k], B: [n, k], C: [m, n]. Arguments already checked. */
    static void gemmT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc, Fork fork) {
        if (m == 1 && beta == 0f && k > 0) {
            // one activation row: y = W·x, a memory-bound matvec
            Matvec.run(n, k, b, bOff, ldb, a, aOff, c, cOff, fork);
            return;
        }
        // Cᵀ [n, m] = B [n, k] · Aᵀ [k, m]
        multiply(n, m, k, b, bOff, ldb, a, aOff, lda, YLayout.TRANSPOSED, beta, c, cOff, ldc, CLayout.TRANSPOSED, fork);
    }

    /** C = A·B (+ beta·C); A: [m, k], B: [k, n], C: [m, n]. Arguments already checked. */
    static void gemmNN(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float beta, float[] c, int cOff, int ldc, Fork fork) {
        multiply(m, n, k, a, aOff, lda, b, bOff, ldb, YLayout.ROW_MAJOR, beta, c, cOff, ldc, CLayout.SAME, fork);
    }

    /** P [mp, np] = X [mp, k] · Y [k, np], stored into C as {@code cLayout} says, with beta. */
    private static void multiply(int mp, int np, int k, float[] x, int xOff, int ldx,
                                 float[] y, int yOff, int ldy, YLayout yLayout,
                                 float beta, float[] c, int cOff, int ldc, CLayout cLayout, Fork fork) {
        if (mp == 0 || np == 0) {
            return;
        }
        if (k == 0) {
            scaleC(mp, np, beta, c, cOff, ldc, cLayout);
            return;
        }
        panels(mp, np, k, y, yOff, ldy, yLayout, fork,
                (r0, r1, s0, s1, yp, j0, nc) -> block(r0, r1, s0, s1, k, x, xOff, ldx, yp, j0, nc, beta, c, cOff, ldc, cLayout));
    }

    /** Rows [r0, r1) of X times slivers [s0, s1) of the packed Y panel {@code yp} that starts at column j0 (nc wide). */
    @FunctionalInterface
    private interface BlockBody {
        void run(int r0, int r1, int s0, int s1, float[] yp, int j0, int nc);
    }

    /**
     * The driver shared by the float32 and BF16 products: for each NC-wide panel of Y, pack it
     * (in parallel), then run {@code body} over the rows of X (when there are enough of them) or
     * over the panel's slivers, on the calling thread and the pool unless {@code fork} is SERIAL.
     */
    private static void panels(int mp, int np, int k, float[] y, int yOff, int ldy, YLayout yLayout, Fork fork,
                               BlockBody body) {
        float[] yp = SCRATCH.get().y(NC * k);
        for (int jc = 0; jc < np; jc += NC) {
            int nc = Math.min(NC, np - jc);
            int slivers = (nc + NR - 1) / NR;
            int j0 = jc;
            // Y panel [k, nc] → slivers [slivers][k][NR], zero-padded
            Parallel.RangeBody pack = (s0, s1) -> packY(y, yOff, ldy, yLayout, k, j0, np, s0, s1, yp);
            long packNanos = (long) k * nc / 2;
            if (fork == Fork.ALLOWED) {
                Parallel.forRange(slivers, 1, packNanos, pack);
            } else {
                pack.run(0, slivers);
            }
            long nanos = 2L * mp * nc * k / FLOP_PER_NS;
            int rowUnits = (mp + MR - 1) / MR;
            if (fork == Fork.SERIAL) {
                body.run(0, mp, 0, slivers, yp, j0, nc);
            } else if (rowUnits >= 4 * slivers || rowUnits >= 2 * MC / MR) {
                Parallel.forRange(mp, MR, nanos, (r0, r1) -> body.run(r0, r1, 0, slivers, yp, j0, nc));
            } else {
                Parallel.forRange(slivers, 1, nanos, (s0, s1) -> body.run(0, mp, s0, s1, yp, j0, nc));
            }
        }
    }

    /** Rows [r0, r1) of P times slivers [s0, s1) of the packed panel that starts at column jc. */
    private static void block(int r0, int r1, int s0, int s1, int k, float[] x, int xOff, int ldx,
                              float[] yp, int jc, int nc, float beta, float[] c, int cOff, int ldc, CLayout cLayout) {
        Scratch s = SCRATCH.get();
        int width = (s1 - s0) * NR; // P tile: [MC, width], rows ldp apart
        int ldp = width + TILE_PAD;
        float[] pt = s.p;
        // copying the X block pays only when it is reused over several slivers
        boolean copyX = s1 - s0 > 2;
        float[] xp = s.x;
        int cols = Math.min(width, nc - s0 * NR);
        for (int ic = r0; ic < r1; ic += MC) {
            int mc = Math.min(MC, r1 - ic);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                float[] xb;
                int xbOff;
                int xbLd;
                if (copyX) {
                    xbLd = kc + TILE_PAD;
                    for (int i = 0; i < mc; i++) {
                        System.arraycopy(x, xOff + (ic + i) * ldx + pc, xp, i * xbLd, kc);
                    }
                    xb = xp;
                    xbOff = 0;
                } else {
                    xb = x;
                    xbOff = xOff + ic * ldx + pc;
                    xbLd = ldx;
                }
                boolean first = pc == 0;
                int last = mc - 1;
                for (int sl = s0; sl < s1; sl++) {
                    int yo = (sl * k + pc) * NR;
                    int po = (sl - s0) * NR;
                    for (int ir = 0; ir < mc; ir += MR) {
                        // rows past the block repeat the last row; their results are never written out
                        micro(kc, xb,
                                xbOff + ir * xbLd,
                                xbOff + Math.min(ir + 1, last) * xbLd,
                                xbOff + Math.min(ir + 2, last) * xbLd,
                                xbOff + Math.min(ir + 3, last) * xbLd,
                                xbOff + Math.min(ir + 4, last) * xbLd,
                                xbOff + Math.min(ir + 5, last) * xbLd,
                                yp, yo, pt, ir * ldp + po, ldp, first);
                    }
                }
            }
            writeBack(pt, ldp, mc, cols, ic, jc + s0 * NR, beta, c, cOff, ldc, cLayout);
        }
    }

    /**
     * The register tile: P[0..6, 0..NR) (+)= X rows x0..x5 [kc] · Y sliver [kc, NR]. Twelve
     * accumulators, two vector loads and six broadcasts per step of k.
     */
    private static void micro(int kc, float[] x, int x0, int x1, int x2, int x3, int x4, int x5,
                              float[] y, int yo, float[] p, int po, int ldp, boolean first) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S);
        FloatVector c51 = FloatVector.zero(S);
        for (int q = 0; q < kc; q++) {
            int yq = yo + q * NR;
            FloatVector b0 = FloatVector.fromArray(S, y, yq);
            FloatVector b1 = FloatVector.fromArray(S, y, yq + L);
            FloatVector a = FloatVector.broadcast(S, x[x0 + q]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, x[x1 + q]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, x[x2 + q]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, x[x3 + q]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, x[x4 + q]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, x[x5 + q]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
        }
        if (!first) {
            c00 = c00.add(FloatVector.fromArray(S, p, po));
            c01 = c01.add(FloatVector.fromArray(S, p, po + L));
            c10 = c10.add(FloatVector.fromArray(S, p, po + ldp));
            c11 = c11.add(FloatVector.fromArray(S, p, po + ldp + L));
            c20 = c20.add(FloatVector.fromArray(S, p, po + 2 * ldp));
            c21 = c21.add(FloatVector.fromArray(S, p, po + 2 * ldp + L));
            c30 = c30.add(FloatVector.fromArray(S, p, po + 3 * ldp));
            c31 = c31.add(FloatVector.fromArray(S, p, po + 3 * ldp + L));
            c40 = c40.add(FloatVector.fromArray(S, p, po + 4 * ldp));
            c41 = c41.add(FloatVector.fromArray(S, p, po + 4 * ldp + L));
            c50 = c50.add(FloatVector.fromArray(S, p, po + 5 * ldp));
            c51 = c51.add(FloatVector.fromArray(S, p, po + 5 * ldp + L));
        }
        c00.intoArray(p, po);
        c01.intoArray(p, po + L);
        c10.intoArray(p, po + ldp);
        c11.intoArray(p, po + ldp + L);
        c20.intoArray(p, po + 2 * ldp);
        c21.intoArray(p, po + 2 * ldp + L);
        c30.intoArray(p, po + 3 * ldp);
        c31.intoArray(p, po + 3 * ldp + L);
        c40.intoArray(p, po + 4 * ldp);
        c41.intoArray(p, po + 4 * ldp + L);
        c50.intoArray(p, po + 5 * ldp);
        c51.intoArray(p, po + 5 * ldp + L);
    }

    /** Slivers [s0, s1) of the Y panel starting at column j0: yp[(s·k + p)·NR + j] = Y[p][j0 + s·NR + j]. */
    private static void packY(float[] y, int yOff, int ldy, YLayout layout, int k, int j0, int np,
                              int s0, int s1, float[] yp) {
        for (int s = s0; s < s1; s++) {
            int js = j0 + s * NR;
            int w = Math.min(NR, np - js);
            int base = s * k * NR;
            if (layout == YLayout.ROW_MAJOR) {
                for (int p = 0; p < k; p++) {
                    int src = yOff + p * ldy + js;
                    int dst = base + p * NR;
                    if (w == NR) {
                        FloatVector.fromArray(S, y, src).intoArray(yp, dst);
                        FloatVector.fromArray(S, y, src + L).intoArray(yp, dst + L);
                    } else {
                        for (int j = 0; j < w; j++) {
                            yp[dst + j] = y[src + j];
                        }
                        for (int j = w; j < NR; j++) {
                            yp[dst + j] = 0f;
                        }
                    }
                }
            } else {
                // Y[p][j] = y[(js + j)·ldy + p]: transpose in KC-deep strips to stay in cache
                for (int p0 = 0; p0 < k; p0 += KC) {
                    int p1 = Math.min(k, p0 + KC);
                    for (int j = 0; j < NR; j++) {
                        if (j < w) {
                            int src = yOff + (js + j) * ldy;
                            for (int p = p0; p < p1; p++) {
                                yp[base + p * NR + j] = y[src + p];
                            }
                        } else {
                            for (int p = p0; p < p1; p++) {
                                yp[base + p * NR + j] = 0f;
                            }
                        }
                    }
                }
            }
        }
    }

    /** C block ← P tile [mc, cols] (+ beta·C), placed at P rows i0.., columns j0.. */
    private static void writeBack(float[] pt, int ldp, int mc, int cols, int i0, int j0, float beta,
                                  float[] c, int cOff, int ldc, CLayout layout) {
        if (layout == CLayout.SAME) {
            for (int i = 0; i < mc; i++) {
                int co = cOff + (i0 + i) * ldc + j0;
                int po = i * ldp;
                if (beta == 0f) {
                    System.arraycopy(pt, po, c, co, cols);
                } else {
                    for (int j = 0; j < cols; j++) {
                        c[co + j] = pt[po + j] + beta * c[co + j];
                    }
                }
            }
        } else {
            // C[j0 + j][i0 + i] = P[i][j]: contiguous writes; the column walk over P stays in L1
            for (int j = 0; j < cols; j++) {
                int co = cOff + (j0 + j) * ldc + i0;
                if (beta == 0f) {
                    for (int i = 0; i < mc; i++) {
                        c[co + i] = pt[i * ldp + j];
                    }
                } else {
                    for (int i = 0; i < mc; i++) {
                        c[co + i] = pt[i * ldp + j] + beta * c[co + i];
                    }
                }
            }
        }
    }

    /** k == 0: C = beta·C (or zeros: NaNs in C must not leak when beta == 0). */
    private static void scaleC(int mp, int np, float beta, float[] c, int cOff, int ldc, CLayout layout) {
        int rows = layout == CLayout.SAME ? mp : np;
        int cols = layout == CLayout.SAME ? np : mp;
        for (int i = 0; i < rows; i++) {
            int o = cOff + i * ldc;
            for (int j = 0; j < cols; j++) {
                c[o + j] = beta == 0f ? 0f : beta * c[o + j];
            }
        }
    }

    // ---- BF16 weights: W widened to float32 while it is copied, MC rows at a time (issue 4) ----

    /** Per-thread float32 copy of MC rows of a BF16 W ([MC, k]), grown on demand. */
    private static final ThreadLocal<float[][]> WIDE = ThreadLocal.withInitial(() -> new float[1][0]);

    /**
     * C [m, n] = A [m, k] · Wᵀ with W [n, k] given as BF16 bits (rows ldw apart); no beta. The
     * same blocked product as {@link #gemmT}: the activations are packed once per panel, and W,
     * the operand that is copied block by block anyway, is widened to float32 on the way (MC rows
     * at a time, into a per-thread buffer), so BF16 weights cost no extra pass and no float32
     * copy of the whole matrix. Arguments already checked.
     */
    static void gemmTBf16(int m, int n, int k, float[] a, int aOff, int lda, short[] w, int wOff, int ldw,
                          float[] c, int cOff, int ldc, Fork fork) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            scaleC(n, m, 0f, c, cOff, ldc, CLayout.TRANSPOSED);
            return;
        }
        // Cᵀ [n, m] = W [n, k] · Aᵀ [k, m]: X = W (widened), Y = Aᵀ
        panels(n, m, k, a, aOff, lda, YLayout.TRANSPOSED, fork,
                (r0, r1, s0, s1, yp, j0, nc) -> blockBf16(r0, r1, s0, s1, k, w, wOff, ldw, yp, j0, nc, c, cOff, ldc));
    }

    /** Rows [r0, r1) of W (BF16) times slivers [s0, s1): each MC-row block widened, then {@link #block}. */
    private static void blockBf16(int r0, int r1, int s0, int s1, int k, short[] w, int wOff, int ldw,
                                  float[] yp, int jc, int nc, float[] c, int cOff, int ldc) {
        float[][] holder = WIDE.get();
        if (holder[0].length < MC * k) {
            holder[0] = new float[MC * k];
        }
        float[] wide = holder[0]; // wide: [mc, k], row i = W row ic + i
        for (int ic = r0; ic < r1; ic += MC) {
            int mc = Math.min(MC, r1 - ic);
            for (int i = 0; i < mc; i++) {
                widenBf16(w, wOff + (ic + i) * ldw, wide, i * k, k);
            }
            // block addresses X row r at xOff + r·ldx: with xOff = −ic·k, row ic + i is wide[i·k]
            block(ic, ic + mc, s0, s1, k, wide, -ic * k, k, yp, jc, nc, 0f, c, cOff, ldc, CLayout.TRANSPOSED);
        }
    }

    /** out[to … to + k) = the BF16 values w[from … from + k) as float32 (a BF16 is a float's top half). */
    static void widenBf16(short[] w, int from, float[] out, int to, int k) {
        int i = 0;
        for (; i + 8 <= k; i += 8) {
            ((IntVector) ShortVector.fromArray(ShortVector.SPECIES_128, w, from + i).castShape(IntVector.SPECIES_256, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(out, to + i);
        }
        for (; i < k; i++) {
            out[to + i] = Float.intBitsToFloat(w[from + i] << 16);
        }
    }
}

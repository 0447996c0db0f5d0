package dev.prune4j.sparse;

import dev.prune4j.kernels.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast small-M product {@code Y = X·Wᵀ} shared by all sparse formats, computing only on the
 * stored entries. X is transposed once into M-tiles {@code XT: [tiles][cols][MT]} (MT = four
 * vectors: 32 rows on 8 lanes, 64 on 16); each block of 16 weight rows is expanded once into
 * (column, value) lists ({@link SparseMatrix#row}); then for each M-tile and each 16 KiB panel
 * of XT (resident in L1) every stored weight {@code w[r, c]} adds {@code w · XT[c, tile]} to row
 * r's MT accumulators — broadcast, four vector loads, four FMAs, with two accumulator sets so
 * eight FMA chains are in flight. Panels are 4096 / tile-width columns, so always 16 KiB of XT.
 * On 16-lane machines the tile is 64 rows wide (32, as two 16-lane vectors, for products of at
 * most 32 rows: {@link #panel2Wide}): on a Sapphire Rapids-class Xeon (2 vCPUs, M = 128, 4096²
 * weights) a 2:4 product took 50–63 ms against 76–81 ms with 8-lane tiles, dense 23–42 ms in the
 * same runs.
 */
final class SpMM {
    /** Lanes of the tile vectors: 16 where {@link Vec16#WIDE}, else 8. */
    private static final VectorSpecies<Float> S = Vec16.WIDE ? Vec16.F : Vec8.F;
    private static final int L = S.length();
    /** M-tile width: 4 vectors (32 rows on 8 lanes, 64 on 16). */
    static final int MT = 4 * L;
    /** Weight rows expanded together. */
    static final int RB = 16;

    private SpMM() {
    }

    static void gemmT(SparseMatrix w, int m, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
        int rows = w.rows();
        int cols = w.cols();
        // up to 32 rows on 16 lanes: 2 vectors (a 64-row tile would be at least half padding)
        boolean narrowTile = MT == 64 && m <= 32;
        int tw = narrowTile ? 32 : MT;
        int kp = 4096 / tw;
        int tiles = (m + tw - 1) / tw;
        float[] xt = new float[tiles * cols * tw]; // xt: [tiles, cols, tw], zero-padded past m
        for (int i = 0; i < m; i++) {
            int t = i / tw;
            int lane = i % tw;
            int xo = xOff + i * ldx;
            int base = t * cols * tw + lane;
            for (int c = 0; c < cols; c++) {
                xt[base + c * tw] = x[xo + c];
            }
        }
        long nanos = w.nnz() * (long) tiles * tw / 16; // ≈ 16 multiply-adds per ns per core
        Parallel.forRange(rows, RB, nanos, (r0, r1) -> {
            int[] cIdx = new int[RB * cols];
            float[] vals = new float[RB * cols];
            int[] start = new int[RB + 1];
            int panels = (cols + kp - 1) / kp;
            int[] cut = new int[RB * (panels + 1)]; // row i's entries of panel k: [cut[i·(panels+1)+k], … +k+1)
            float[] acc = new float[RB * tw];
            int[] rowCols = new int[cols];
            float[] rowVals = new float[cols];
            for (int rb = r0; rb < r1; rb += RB) {
                int nr = Math.min(RB, r1 - rb);
                // expand the block's rows: cIdx/vals[start[i] … start[i+1]) belong to row rb + i
                int n = 0;
                for (int i = 0; i < nr; i++) {
                    start[i] = n;
                    int k = w.row(rb + i, rowCols, rowVals);
                    System.arraycopy(rowCols, 0, cIdx, n, k);
                    System.arraycopy(rowVals, 0, vals, n, k);
                    n += k;
                }
                start[nr] = n;
                for (int i = 0; i < nr; i++) { // panel boundaries once per block, shared by the M-tiles
                    int p = start[i];
                    int o = i * (panels + 1);
                    for (int k = 0; k < panels; k++) {
                        cut[o + k] = p;
                        int kEnd = Math.min(cols, (k + 1) * kp);
                        while (p < start[i + 1] && cIdx[p] < kEnd) {
                            p++;
                        }
                    }
                    cut[o + panels] = start[i + 1];
                }
                for (int t = 0; t < tiles; t++) {
                    java.util.Arrays.fill(acc, 0f);
                    int tileBase = t * cols * tw;
                    for (int k = 0; k < panels; k++) {
                        for (int i = 0; i < nr; i++) {
                            int o = i * (panels + 1) + k;
                            if (narrowTile) {
                                panel2Wide(acc, i * tw, cIdx, vals, cut[o], cut[o + 1], xt, tileBase);
                            } else {
                                panel(acc, i * tw, cIdx, vals, cut[o], cut[o + 1], xt, tileBase);
                            }
                        }
                    }
                    int mt = Math.min(tw, m - t * tw);
                    for (int i = 0; i < nr; i++) {
                        for (int j = 0; j < mt; j++) {
                            y[yOff + (t * tw + j) * ldy + rb + i] = acc[i * tw + j];
                        }
                    }
                }
            }
        });
    }

    /** acc[a … a+MT) += Σ vals[p]·xt[tileBase + cIdx[p]·MT …] over p in [p, end). */
    private static void panel(float[] acc, int a, int[] cIdx, float[] vals, int p, int end, float[] xt, int tileBase) {
        if (p >= end) {
            return;
        }
        FloatVector a0 = FloatVector.fromArray(S, acc, a);
        FloatVector a1 = FloatVector.fromArray(S, acc, a + L);
        FloatVector a2 = FloatVector.fromArray(S, acc, a + 2 * L);
        FloatVector a3 = FloatVector.fromArray(S, acc, a + 3 * L);
        FloatVector b0 = FloatVector.zero(S);
        FloatVector b1 = FloatVector.zero(S);
        FloatVector b2 = FloatVector.zero(S);
        FloatVector b3 = FloatVector.zero(S);
        for (; p + 1 < end; p += 2) {
            FloatVector w0 = FloatVector.broadcast(S, vals[p]);
            int o0 = tileBase + cIdx[p] * MT;
            a0 = FloatVector.fromArray(S, xt, o0).fma(w0, a0);
            a1 = FloatVector.fromArray(S, xt, o0 + L).fma(w0, a1);
            a2 = FloatVector.fromArray(S, xt, o0 + 2 * L).fma(w0, a2);
            a3 = FloatVector.fromArray(S, xt, o0 + 3 * L).fma(w0, a3);
            FloatVector w1 = FloatVector.broadcast(S, vals[p + 1]);
            int o1 = tileBase + cIdx[p + 1] * MT;
            b0 = FloatVector.fromArray(S, xt, o1).fma(w1, b0);
            b1 = FloatVector.fromArray(S, xt, o1 + L).fma(w1, b1);
            b2 = FloatVector.fromArray(S, xt, o1 + 2 * L).fma(w1, b2);
            b3 = FloatVector.fromArray(S, xt, o1 + 3 * L).fma(w1, b3);
        }
        if (p < end) {
            FloatVector w0 = FloatVector.broadcast(S, vals[p]);
            int o0 = tileBase + cIdx[p] * MT;
            a0 = FloatVector.fromArray(S, xt, o0).fma(w0, a0);
            a1 = FloatVector.fromArray(S, xt, o0 + L).fma(w0, a1);
            a2 = FloatVector.fromArray(S, xt, o0 + 2 * L).fma(w0, a2);
            a3 = FloatVector.fromArray(S, xt, o0 + 3 * L).fma(w0, a3);
        }
        a0.add(b0).intoArray(acc, a);
        a1.add(b1).intoArray(acc, a + L);
        a2.add(b2).intoArray(acc, a + 2 * L);
        a3.add(b3).intoArray(acc, a + 3 * L);
    }

    /**
     * As {@link #panel} with a 32-row tile of two 16-lane vectors, for products of at most 32 rows
     * on 16-lane machines, where a 64-row tile would be mostly padding (three quarters of it at
     * M = 16). Measured at M = 16 (4096², 2:4, Xeon, 2 vCPUs): 32–42 ms, against 39–42 ms with the
     * 64-row tile and 20–43 ms with the 8-lane 32-row one (dense 7–13 ms) — differences within
     * the machine's noise, so the padding is the reason.
     */
    private static void panel2Wide(float[] acc, int a, int[] cIdx, float[] vals, int p, int end, float[] xt, int tileBase) {
        if (p >= end) {
            return;
        }
        FloatVector a0 = FloatVector.fromArray(Vec16.F, acc, a);
        FloatVector a1 = FloatVector.fromArray(Vec16.F, acc, a + 16);
        FloatVector b0 = FloatVector.zero(Vec16.F);
        FloatVector b1 = FloatVector.zero(Vec16.F);
        for (; p + 1 < end; p += 2) {
            FloatVector w0 = FloatVector.broadcast(Vec16.F, vals[p]);
            int o0 = tileBase + cIdx[p] * 32;
            a0 = FloatVector.fromArray(Vec16.F, xt, o0).fma(w0, a0);
            a1 = FloatVector.fromArray(Vec16.F, xt, o0 + 16).fma(w0, a1);
            FloatVector w1 = FloatVector.broadcast(Vec16.F, vals[p + 1]);
            int o1 = tileBase + cIdx[p + 1] * 32;
            b0 = FloatVector.fromArray(Vec16.F, xt, o1).fma(w1, b0);
            b1 = FloatVector.fromArray(Vec16.F, xt, o1 + 16).fma(w1, b1);
        }
        if (p < end) {
            FloatVector w0 = FloatVector.broadcast(Vec16.F, vals[p]);
            int o0 = tileBase + cIdx[p] * 32;
            a0 = FloatVector.fromArray(Vec16.F, xt, o0).fma(w0, a0);
            a1 = FloatVector.fromArray(Vec16.F, xt, o0 + 16).fma(w0, a1);
        }
        a0.add(b0).intoArray(acc, a);
        a1.add(b1).intoArray(acc, a + 16);
    }
}

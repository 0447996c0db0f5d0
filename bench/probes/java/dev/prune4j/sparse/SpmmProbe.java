package dev.prune4j.sparse;

import dev.prune4j.kernels.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A copy of {@code SpMM} at 421e97a (64-row tiles on 16 lanes) that can skip its parts, to see where
 * a prefill product's time goes (docs/PERFORMANCE.md, Xeon 2026-12-08, "SpMM on 16 lanes"). Arg: M.
 * Mode 0 = all of it, 1 = without the multiply-adds, 2 = also without the tile loop, 3 = only the
 * transpose of X and the expansion of the weight rows.
 */
public class SpmmProbe {
    static int MODE = 0;
    /** Lanes of the tile vectors: 16 where {@link Vec16#WIDE}, else 8. */
    private static final VectorSpecies<Float> S = Vec16.WIDE ? Vec16.F : Vec8.F;
    private static final int L = S.length();
    /** M-tile width: 4 vectors (32 rows on 8 lanes, 64 on 16). */
    static final int MT = 4 * L;
    /** Columns per panel: 16 KiB of XT (128 columns × 32 floats, or 64 × 64). */
    static final int KP = 4096 / MT;
    /** Weight rows expanded together. */
    static final int RB = 16;

    private SpmmProbe() {
    }

    static void gemmT(SparseMatrix w, int m, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
        int rows = w.rows();
        int cols = w.cols();
        int tiles = (m + MT - 1) / MT;
        float[] xt = new float[tiles * cols * MT]; // xt: [tiles, cols, MT], zero-padded past m
        for (int i = 0; i < m; i++) {
            int t = i / MT;
            int lane = i % MT;
            int xo = xOff + i * ldx;
            int base = t * cols * MT + lane;
            for (int c = 0; c < cols; c++) {
                xt[base + c * MT] = x[xo + c];
            }
        }
        long nanos = w.nnz() * (long) tiles * MT / 16; // ≈ 16 multiply-adds per ns per core
        Parallel.forRange(rows, RB, nanos, (r0, r1) -> {
            int[] cIdx = new int[RB * cols];
            float[] vals = new float[RB * cols];
            int[] start = new int[RB + 1];
            int panels = (cols + KP - 1) / KP;
            int[] cut = new int[RB * (panels + 1)]; // row i's entries of panel k: [cut[i·(panels+1)+k], … +k+1)
            float[] acc = new float[RB * MT];
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
                if (MODE == 3) continue;
                for (int i = 0; i < nr; i++) { // panel boundaries once per block, shared by the M-tiles
                    int p = start[i];
                    int o = i * (panels + 1);
                    for (int k = 0; k < panels; k++) {
                        cut[o + k] = p;
                        int kEnd = Math.min(cols, (k + 1) * KP);
                        while (p < start[i + 1] && cIdx[p] < kEnd) {
                            p++;
                        }
                    }
                    cut[o + panels] = start[i + 1];
                }
                for (int t = 0; t < tiles && MODE < 2; t++) {
                    java.util.Arrays.fill(acc, 0f);
                    int tileBase = t * cols * MT;
                    for (int k = 0; k < panels; k++) {
                        for (int i = 0; i < nr; i++) {
                            int o = i * (panels + 1) + k;
                            if (MODE != 1) panel(acc, i * MT, cIdx, vals, cut[o], cut[o + 1], xt, tileBase);
                        }
                    }
                    int mt = Math.min(MT, m - t * MT);
                    for (int i = 0; i < nr; i++) {
                        for (int j = 0; j < mt; j++) {
                            y[yOff + (t * MT + j) * ldy + rb + i] = acc[i * MT + j];
                        }
                    }
                }
            }
        });
    }

    public static void main(String[] a) {
        int rows = 4096, cols = 4096, m = Integer.parseInt(a[0]);
        java.util.Random rnd = new java.util.Random(1);
        float[] w24 = new float[rows * cols];
        for (int g = 0; g < w24.length / 4; g++) {
            int p = rnd.nextInt(4), q = (p + 1 + rnd.nextInt(3)) % 4;
            for (int k = 0; k < 4; k++) w24[4 * g + k] = (k == p || k == q) ? (float) rnd.nextGaussian() : 0f;
        }
        float[] x = new float[m * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        SparseMatrix nm = SparseMatrices.pack(w24, rows, cols, SparseSpec.nOfM(2, 4, ValueType.F32));
        float[] y = new float[m * rows];
        for (int round = 0; round < 4; round++) {
            StringBuilder sb = new StringBuilder();
            for (int mode = 0; mode < 4; mode++) {
                MODE = mode;
                int reps = 5;
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) gemmT(nm, m, x, 0, cols, y, 0, rows);
                sb.append(String.format("mode %d %.2f ms  ", mode, (System.nanoTime() - t0) / 1e6 / reps));
            }
            System.out.println(sb);
        }
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
}

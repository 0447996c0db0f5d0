package dev.prune4j.prune;

import dev.prune4j.kernels.Parallel;
import dev.prune4j.tensor.Rng;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LayerStats against a naive float64 XᵀX: rows arrive in uneven batches that cross the pending
 * buffer (a flush in the middle of a batch and a partial last chunk), the width is not a multiple
 * of the row panel, and statistics are read, extended and read again.
 */
class LayerStatsTest {
    static final int IN = 300; // one full row panel of 256 and a partial one

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Parallel.maxThreads());
    }

    @Test
    void gramMatchesNaiveProductAcrossBatchesAndFlushes() {
        int[] batches = {700, 700, 700, 300, 1}; // 2401 rows: one full buffer of 2048, then 353
        int total = 0;
        for (int b : batches) {
            total += b;
        }
        Rng rng = new Rng(42);
        float[] all = new float[total * IN];
        for (int i = 0; i < all.length; i++) {
            all[i] = (float) (rng.nextGaussian() * (1 + (i % IN) % 7)); // feature scales 1…7
        }
        for (int threads : Parallel.maxThreads() >= 2 ? new int[]{1, 2} : new int[]{1}) {
            Parallel.setThreads(threads);
            LayerStats st = new LayerStats(IN, true);
            int done = 0;
            // first read after the first three batches, then more rows, then read again
            for (int bi = 0; bi < batches.length; bi++) {
                float[] x = new float[batches[bi] * IN];
                System.arraycopy(all, done * IN, x, 0, x.length);
                st.accumulate(x, batches[bi]);
                done += batches[bi];
                if (bi == 2 || bi == batches.length - 1) {
                    check(st, all, done, threads);
                }
            }
        }
    }

    private static void check(LayerStats st, float[] x, int rows, int threads) {
        double[] h = st.hessian();
        float[] norms = st.columnNorms();
        for (int i = 0; i < IN; i++) {
            double sq = 0;
            for (int r = 0; r < rows; r++) {
                sq += (double) x[r * IN + i] * x[r * IN + i];
            }
            assertEquals(Math.sqrt(sq), norms[i], 1e-6 * Math.sqrt(sq), "‖X_" + i + "‖");
            for (int j = 0; j < IN; j++) {
                double s = 0;
                double abs = 0;
                for (int r = 0; r < rows; r++) {
                    double p = (double) x[r * IN + i] * x[r * IN + j];
                    s += p;
                    abs += Math.abs(p);
                }
                // float32 partial sums of ≤ 256 products, added in float64: |error| ≤ 256·2⁻²⁴·Σ|x_i·x_j|
                double tol = 2.0 / rows * 256 * 0x1p-24 * abs;
                assertEquals(2.0 / rows * s, h[i * IN + j], tol, "H[" + i + ", " + j + "] after " + rows + " rows, "
                        + threads + " threads");
                assertEquals(h[i * IN + j], h[j * IN + i], 0.0, "H symmetric at (" + i + ", " + j + ")");
            }
        }
    }

    @Test
    void reconstructionErrorMatchesItsDefinition() {
        int rows = 5;
        int tokens = 600;
        Rng rng = new Rng(7);
        float[] x = new float[tokens * IN];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        float[] w = new float[rows * IN];
        float[] wp = new float[rows * IN];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rng.nextGaussian();
            wp[i] = i % 3 == 0 ? 0f : w[i] + 0.01f * (float) rng.nextGaussian();
        }
        LayerStats st = new LayerStats(IN, true);
        st.accumulate(x, tokens);
        double[] got = st.reconstructionError(w, wp, rows);
        // ‖X·Wᵀ − X·Ŵᵀ‖² and ‖X·Wᵀ‖² straight from X
        double err = 0;
        double ref = 0;
        for (int t = 0; t < tokens; t++) {
            for (int r = 0; r < rows; r++) {
                double y = 0;
                double yp = 0;
                for (int j = 0; j < IN; j++) {
                    y += (double) x[t * IN + j] * w[r * IN + j];
                    yp += (double) x[t * IN + j] * wp[r * IN + j];
                }
                err += (y - yp) * (y - yp);
                ref += y * y;
            }
        }
        assertEquals(err, got[0], 1e-5 * err, "absolute error");
        assertEquals(err / ref, got[1], 1e-5 * err / ref, "relative error");
        assertTrue(got[1] > 0.1 && got[1] < 1, "a third of the weights gone: relative error " + got[1]);
    }
}

package dev.prune4j.prune;

import dev.prune4j.tensor.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DsnotTest {
    @Test
    void keepsEachRowsCountAndShrinksItsExpectedError() {
        int out = 24;
        int in = 96;
        int tokens = 300;
        Rng rng = new Rng(5);
        float[] w = new float[out * in];
        rng.fillGaussian(w, 0, 1);
        float[] x = new float[tokens * in];
        for (int t = 0; t < tokens; t++) {
            for (int j = 0; j < in; j++) {
                x[t * in + j] = (float) (0.5 + (j % 5) * 0.3 + rng.nextGaussian()); // non-zero means
            }
        }
        LayerStats stats = new LayerStats(in, false);
        stats.accumulate(x, tokens);
        Sparsity s = new Sparsity.Fraction(0.7);
        float[] wandaW = w.clone();
        Mask wanda = new LayerPruner.ScoreAndSelect(new Wanda(), Granularity.ROW).prune(wandaW, out, in, stats, s);
        float[] dsnotW = w.clone();
        Mask dsnot = new Dsnot().prune(dsnotW, out, in, stats, s);

        double[] mean = stats.columnMeans();
        int changedRows = 0;
        for (int r = 0; r < out; r++) {
            int a = 0;
            int b = 0;
            double ea = 0;
            double eb = 0;
            for (int j = 0; j < in; j++) {
                double dj = w[r * in + j] * mean[j];
                if (wanda.isPruned(r, j)) {
                    a++;
                    ea += dj;
                }
                if (dsnot.isPruned(r, j)) {
                    b++;
                    eb += dj;
                    assertEquals(0f, dsnotW[r * in + j], "pruned weights are zero");
                } else {
                    assertEquals(w[r * in + j], dsnotW[r * in + j], "kept weights are unchanged (no weight update)");
                }
            }
            assertEquals(a, b, "row " + r + " keeps its pruned count");
            assertTrue(Math.abs(eb) <= Math.abs(ea) + 1e-9, "row " + r + ": |ε| " + Math.abs(ea) + " -> " + Math.abs(eb));
            assertTrue(eb == 0 || ea == 0 || Math.signum(eb) == Math.signum(ea), "row " + r + " keeps the sign of ε");
            if (!sameRow(wanda, dsnot, r, in)) {
                changedRows++;
            }
        }
        assertTrue(changedRows > out / 2, "DSnoT changed " + changedRows + " of " + out + " rows");
    }

    static boolean sameRow(Mask a, Mask b, int r, int in) {
        for (int j = 0; j < in; j++) {
            if (a.isPruned(r, j) != b.isPruned(r, j)) {
                return false;
            }
        }
        return true;
    }
}

package dev.prune4j.prune;

import dev.prune4j.kernels.Select;
import dev.prune4j.tensor.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Row-wise selection (bucketed + radix) against the plain quickselect rule of {@link Select#smallestK}. */
class SelectorTest {

    /** The naive mask: smallestK per row, the specification of the tie rule. */
    private static boolean[] naive(float[] scores, int rows, int cols, int k) {
        boolean[] sel = new boolean[rows * cols];
        for (int r = 0; r < rows; r++) {
            Select.smallestK(scores, r * cols, cols, k, sel, r * cols);
        }
        return sel;
    }

    private static void check(float[] scores, int rows, int cols, double sparsity, String what) {
        int k = (int) Math.floor(sparsity * cols);
        boolean[] want = naive(scores, rows, cols, k);
        Mask got = Selector.select(scores, rows, cols, new Sparsity.Fraction(sparsity), Granularity.ROW);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got.isPruned(i), what + " [" + rows + ", " + cols + "] s=" + sparsity + " at flat " + i);
        }
        assertEquals((long) k * rows, got.prunedCount(), what);
    }

    @Test
    void agreesWithQuickselectOnOddShapesAndSparsities() {
        Rng rng = new Rng(7);
        for (int[] shape : new int[][] {{1, 1}, {3, 7}, {5, 63}, {4, 65}, {9, 130}, {2, 1000}, {17, 129}, {300, 1000}, {601, 130}}) {
            float[] s = new float[shape[0] * shape[1]];
            rng.fillGaussian(s, 0, 1);
            for (double sp : new double[] {0, 0.1, 0.5, 0.9, 0.999}) {
                check(s, shape[0], shape[1], sp, "gaussian");
            }
        }
    }

    @Test
    void tiesNegativeZerosInfinitiesAndNaN() {
        Rng rng = new Rng(11);
        int rows = 13;
        int cols = 101;
        float[] pool = {0f, -0f, 1f, 1f, -1f, 2.5f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1e-30f, 3e38f, -3e38f};
        float[] s = new float[rows * cols];
        for (int i = 0; i < s.length; i++) {
            s[i] = pool[(int) (rng.nextDouble() * pool.length)];
        }
        for (double sp : new double[] {0.2, 0.5, 0.8}) {
            check(s, rows, cols, sp, "special values");
        }
        // heavy ties inside the value bucket of the threshold, finite range
        float[] t = new float[rows * cols];
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) Math.floor(rng.nextDouble() * 4) * 0.25f + (i % 3 == 0 ? 1e-7f : 0f);
        }
        check(t, rows, cols, 0.5, "ties");
        float[] same = new float[rows * cols];
        java.util.Arrays.fill(same, 3f);
        check(same, rows, cols, 0.5, "all equal");
    }

    @Test
    void wandaPrunesInPlaceExactlyTheSelectedWeights() {
        Rng rng = new Rng(3);
        int out = 37;
        int in = 96;
        float[] w = new float[out * in];
        float[] x = new float[50 * in];
        rng.fillGaussian(w, 0, 1);
        rng.fillGaussian(x, 0, 1);
        LayerStats st = new LayerStats(in, false);
        st.accumulate(x, 50);
        float[] scores = new Wanda().score(w, out, in, st);
        boolean[] want = naive(scores, out, in, in / 2);
        float[] pruned = w.clone();
        Mask m = new LayerPruner.ScoreAndSelect(new Wanda(), Granularity.ROW).prune(pruned, out, in, st, new Sparsity.Fraction(0.5));
        for (int i = 0; i < w.length; i++) {
            assertEquals(want[i], m.isPruned(i), "mask at " + i);
            assertEquals(want[i] ? 0f : w[i], pruned[i], "weight at " + i);
        }
    }
}

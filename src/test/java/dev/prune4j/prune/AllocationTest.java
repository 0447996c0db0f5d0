package dev.prune4j.prune;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AllocationTest {
    @Test
    void owlKeepsTheMeanAndGivesOutlierHeavyBlocksMoreWeights() {
        var owl = new Allocation.OutlierWeighted(0.08, 5);
        double[] ratios = {0.01, 0.03, 0.02, 0.05};
        double[] s = owl.sparsities(ratios, 0.7);
        double mean = 0;
        for (double v : s) {
            mean += v;
        }
        assertEquals(0.7, mean / s.length, 1e-12, "mean sparsity equals the target");
        // densities (r − min)/(max − min)·2λ = [0, .08, .04, .16], mean .07, keep = d − .07 + .3
        assertArrayEquals(new double[] {0.77, 0.69, 0.73, 0.61}, s, 1e-12);
        assertEquals(2 * 0.08, s[0] - s[3], 1e-12, "spread is 2λ between extremes");
    }

    @Test
    void owlWithEqualRatiosIsUniform() {
        double[] s = new Allocation.OutlierWeighted().sparsities(new double[] {0.1, 0.1, 0.1}, 0.5);
        assertArrayEquals(new double[] {0.5, 0.5, 0.5}, s, 1e-12);
    }

    @Test
    void outlierRatioCountsScoresAboveMTimesTheMean() {
        float[] scores = new float[100];
        java.util.Arrays.fill(scores, 1f);
        scores[0] = 100f; // mean = 1.99; 5×mean = 9.95
        scores[1] = 50f;  // mean becomes 2.47; threshold 12.35
        assertEquals(0.02, new Allocation.OutlierWeighted(0.08, 5).outlierRatio(scores), 1e-12);
    }
}

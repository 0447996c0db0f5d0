package dev.prune4j.prune;

import dev.prune4j.core.BadInputException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OneShotPrunerTest {
    static List<int[]> windows() {
        List<int[]> w = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int[] t = new int[10];
            for (int j = 0; j < t.length; j++) {
                t[j] = (i * 7 + j * 5) % 32;
            }
            w.add(t);
        }
        return w;
    }

    @Test
    void sequentialOrderMatchesAHandWrittenSweep() {
        ToyBlockModel model = new ToyBlockModel(8, 3, 1, windows());
        ToyBlockModel expected = new ToyBlockModel(8, 3, 1, windows());
        List<int[]> windows = windows();
        LayerPruner wanda = new LayerPruner.ScoreAndSelect(new Wanda(), Granularity.ROW);
        var plan = new OneShotPruner.Plan(wanda, new Sparsity.Fraction(0.5), new Allocation.Uniform(), List.of(), Map.of());
        List<OneShotPruner.LayerResult> results = OneShotPruner.run(model, plan, Progress.NONE);

        // by hand: block inputs come from the already-pruned earlier blocks; the stats of both
        // linears of a block come from one forward with the block's dense weights
        List<float[]> hidden = new ArrayList<>();
        windows.forEach(w -> hidden.add(expected.embedTokens(w)));
        for (int b = 0; b < 3; b++) {
            LayerStats s1 = new LayerStats(8, false);
            LayerStats s2 = new LayerStats(32, false);
            for (int i = 0; i < windows.size(); i++) {
                float[] h = hidden.get(i).clone();
                expected.forwardBlock(b, h, i, (names, x, t, in) -> (in == 8 ? s1 : s2).accumulate(x, t));
            }
            wanda.prune(expected.w1[b], 32, 8, s1, new Sparsity.Fraction(0.5));
            wanda.prune(expected.w2[b], 8, 32, s2, new Sparsity.Fraction(0.5));
            for (int i = 0; i < windows.size(); i++) {
                expected.forwardBlock(b, hidden.get(i), i, BlockwiseModel.InputObserver.NONE);
            }
        }
        for (int b = 0; b < 3; b++) {
            assertArrayEquals(expected.w1[b], model.w1[b], "block " + b + " w1");
            assertArrayEquals(expected.w2[b], model.w2[b], "block " + b + " w2");
        }
        assertEquals(6, results.size());
        for (OneShotPruner.LayerResult r : results) {
            assertEquals(0.5, r.achieved(), 1e-12, r.name());
            assertTrue(r.reconErrorRelative() > 0 && r.reconErrorRelative() < 1, r.name() + " " + r.reconErrorRelative());
        }
    }

    @Test
    void scopeLimitsLayersAndAnUnmatchedPatternIsAnError() {
        ToyBlockModel model = new ToyBlockModel(8, 2, 2, windows());
        float[] w2Before = model.w2[0].clone();
        var plan = new OneShotPruner.Plan(new LayerPruner.ScoreAndSelect(new Magnitude(), Granularity.ROW),
                new Sparsity.Fraction(0.5), new Allocation.Uniform(), List.of("blocks\\.\\d+\\.w1"), Map.of());
        var results = OneShotPruner.run(model, plan, Progress.NONE);
        assertEquals(2, results.size());
        assertArrayEquals(w2Before, model.w2[0], "w2 is out of scope and untouched");

        var bad = new OneShotPruner.Plan(new LayerPruner.ScoreAndSelect(new Magnitude(), Granularity.ROW),
                new Sparsity.Fraction(0.5), new Allocation.Uniform(), List.of("mlp\\..*"), Map.of());
        BadInputException e = assertThrows(BadInputException.class, () -> OneShotPruner.run(model, bad, Progress.NONE));
        assertEquals("scope pattern 'mlp\\..*' matches no linear layer; layers of block 0 are [blocks.0.w1, blocks.0.w2]", e.getMessage());
    }

    @Test
    void owlSpreadsSparsityAroundTheTargetAndGlobalHitsTheOverallTarget() {
        ToyBlockModel model = new ToyBlockModel(8, 4, 3, windows());
        var owl = new OneShotPruner.Plan(new LayerPruner.ScoreAndSelect(new Wanda(), Granularity.ROW),
                new Sparsity.Fraction(0.6), new Allocation.OutlierWeighted(0.08, 5), List.of(), Map.of());
        var results = OneShotPruner.run(model, owl, Progress.NONE);
        double mean = results.stream().mapToDouble(r -> Double.parseDouble(r.target())).average().orElseThrow();
        assertEquals(0.6, mean, 1e-9, "OWL keeps the mean target over blocks (2 equal-size linears per block)");

        ToyBlockModel g = new ToyBlockModel(8, 4, 3, windows());
        var global = new OneShotPruner.Plan(new LayerPruner.ScoreAndSelect(new Magnitude(), Granularity.LAYER),
                new Sparsity.Fraction(0.6), new Allocation.Global(), List.of(), Map.of());
        var gr = OneShotPruner.run(g, global, Progress.NONE);
        long pruned = gr.stream().mapToLong(OneShotPruner.LayerResult::pruned).sum();
        long total = gr.stream().mapToLong(r -> (long) r.out() * r.in()).sum();
        assertEquals(0.6, (double) pruned / total, 2.0 / total * gr.size(), "global threshold prunes the overall target");
    }
}

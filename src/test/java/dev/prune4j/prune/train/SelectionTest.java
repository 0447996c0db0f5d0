package dev.prune4j.prune.train;

import dev.prune4j.nn.Parameter;
import dev.prune4j.nn.Sequential;
import dev.prune4j.tensor.Rng;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Masks, schedules and layer budgets against naive re-computations and their formulas. */
class SelectionTest {
    private static Map<String, float[]> magnitude(Map<String, Parameter> w) {
        Map<String, float[]> s = new LinkedHashMap<>();
        w.forEach((k, p) -> s.put(k, new Criterion.Magnitude().scores(p)));
        return s;
    }

    @Test
    void layerAllocationPrunesTheSmallestOfEachLayer() {
        Sequential m = Fixtures.mlp(new Rng(1), 20, 13, 7, 3);
        Map<String, Parameter> w = m.weights();
        Map<String, float[]> masks = Masks.select(w, magnitude(w), Allocation.LAYER, 0.6);
        masks.forEach((k, mask) -> {
            float[] v = w.get(k).value();
            int pruned = 0;
            float maxPruned = 0;
            float minKept = Float.MAX_VALUE;
            for (int i = 0; i < v.length; i++) {
                if (mask[i] == 0f) {
                    pruned++;
                    maxPruned = Math.max(maxPruned, Math.abs(v[i]));
                } else {
                    minKept = Math.min(minKept, Math.abs(v[i]));
                }
            }
            assertEquals(Math.round(0.6 * v.length), pruned, k);
            assertTrue(maxPruned <= minKept, k);
        });
    }

    @Test
    void globalAllocationMatchesASortOfAllMagnitudes() {
        Sequential m = Fixtures.mlp(new Rng(2), 30, 10, 4);
        Map<String, Parameter> w = m.weights();
        List<Float> all = new ArrayList<>();
        w.values().forEach(p -> {
            for (float v : p.value()) {
                all.add(Math.abs(v));
            }
        });
        all.sort(null);
        int k = (int) Math.round(0.8 * all.size());
        float threshold = all.get(k - 1);
        Map<String, float[]> masks = Masks.select(w, magnitude(w), Allocation.GLOBAL, 0.8);
        int pruned = 0;
        for (Map.Entry<String, float[]> e : masks.entrySet()) {
            float[] v = w.get(e.getKey()).value();
            for (int i = 0; i < v.length; i++) {
                if (e.getValue()[i] == 0f) {
                    pruned++;
                    assertTrue(Math.abs(v[i]) <= threshold);
                } else {
                    assertTrue(Math.abs(v[i]) >= threshold);
                }
            }
        }
        assertEquals(k, pruned);
        // the layers end up with different sparsities: the 30→10 layer has smaller weights (1/√30 bound)
        masks.forEach((name, mask) -> w.get(name).setMask(mask));
        Map<String, Double> ls = Masks.layerSparsity(w);
        assertTrue(ls.get("fc1.weight") > ls.get("fc2.weight"), ls.toString());
    }

    @Test
    void prunedWeightsStayPrunedWhenScoresChange() {
        Sequential m = Fixtures.mlp(new Rng(3), 10, 10, 2);
        Map<String, Parameter> w = m.weights();
        Masks.select(w, magnitude(w), Allocation.LAYER, 0.5).forEach((k, mask) -> w.get(k).setMask(mask));
        Map<String, float[]> inverted = new LinkedHashMap<>();
        magnitude(w).forEach((k, s) -> {
            float[] r = new float[s.length];
            for (int i = 0; i < s.length; i++) {
                r[i] = 10f - s[i]; // the pruned zeros now score highest
            }
            inverted.put(k, r);
        });
        Map<String, float[]> next = Masks.select(w, inverted, Allocation.LAYER, 0.7);
        next.forEach((k, mask) -> {
            float[] old = w.get(k).mask();
            for (int i = 0; i < mask.length; i++) {
                assertTrue(old[i] == 1f || mask[i] == 0f, "a pruned weight came back in " + k);
            }
        });
    }

    @Test
    void cubicScheduleFollowsZhuAndGupta() {
        SparsitySchedule s = new SparsitySchedule(0.0, 0.9, 100, 10, 5);
        assertEquals(0.0, s.at(50), 1e-12);
        assertEquals(0.0, s.at(100), 1e-12);
        assertEquals(0.9 * (1 - Math.pow(0.8, 3)), s.at(110), 1e-12);
        assertEquals(0.9 * (1 - Math.pow(0.4, 3)), s.at(135), 1e-12);
        assertEquals(0.9, s.at(150), 1e-12);
        assertEquals(0.9, s.at(1000), 1e-12);
        assertTrue(s.isPruningStep(120) && !s.isPruningStep(125) && !s.isPruningStep(160));
    }

    @Test
    void erkDensitiesMeetTheBudgetAndFollowTheShapeRule() {
        Sequential m = Fixtures.mlp(new Rng(4), 784, 300, 100, 10);
        Map<String, Parameter> w = m.weights();
        Map<String, Double> d = Erk.densities(w, 0.1);
        double nonZeros = 0;
        double total = 0;
        for (Map.Entry<String, Parameter> e : w.entrySet()) {
            nonZeros += d.get(e.getKey()) * e.getValue().size();
            total += e.getValue().size();
            assertTrue(d.get(e.getKey()) <= 1.0);
        }
        assertEquals(0.1, nonZeros / total, 1e-9);
        // sparse layers: density ratio equals the ratio of (n_in + n_out)/(n_in·n_out)
        double r1 = (784.0 + 300) / (784.0 * 300);
        double r2 = (300.0 + 100) / (300.0 * 100);
        assertEquals(r2 / r1, d.get("fc2.weight") / d.get("fc1.weight"), 1e-9);
        // at high density the small last layer is capped at dense
        Map<String, Double> dd = Erk.densities(w, 0.5);
        assertEquals(1.0, dd.get("fc3.weight"));
    }

    @Test
    void dropGrowKeepsDensityAndGrowsTheHighestScores() {
        Rng rng = new Rng(5);
        Parameter p = Parameter.of(Parameter.Role.WEIGHT, new float[100], 10, 10);
        rng.fillUniform(p.value(), -1, 1);
        float[] mask = new float[100];
        for (int i = 0; i < 100; i += 4) {
            mask[i] = 1f;
        }
        p.setMask(mask);
        float[] grow = new float[100];
        rng.fillUniform(grow, 0.1f, 1);
        for (int i = 0; i < 100; i += 4) {
            grow[i] = 0f; // active positions score lowest, so a dropped one is never grown back here
        }
        float[] before = p.value().clone();
        int k = DropGrow.update(p, 0.2, grow);
        assertEquals(5, k);
        assertEquals(75, p.pruned());
        int grown = 0;
        for (int i = 0; i < 100; i++) {
            if (mask[i] == 0f && p.mask()[i] == 1f) {
                grown++;
                assertEquals(0f, p.value()[i], "grown weights start at zero");
                // every grown position scores at least as high as every still-inactive one
                for (int j = 0; j < 100; j++) {
                    if (p.mask()[j] == 0f && mask[j] == 0f) {
                        assertTrue(grow[i] >= grow[j]);
                    }
                }
            }
        }
        assertEquals(5, grown);
        int kept = 0;
        for (int i = 0; i < 100; i++) {
            if (mask[i] == 1f && p.mask()[i] == 1f) {
                kept++;
                assertEquals(before[i], p.value()[i]);
            }
        }
        assertEquals(20, kept);
    }
}

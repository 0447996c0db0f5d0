package dev.prune4j.prune.train;

import dev.prune4j.data.ImageDataset;
import dev.prune4j.nn.Parameter;
import dev.prune4j.nn.Sequential;
import dev.prune4j.nn.Trainer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-layer sensitivity analysis (Han et al. 2015, Fig. 6): prune one layer at a time by
 * magnitude across a sweep of sparsities, without retraining, and measure accuracy; the curves
 * show which layers tolerate pruning, and {@link #budgets} turns them into per-layer sparsities.
 */
public final class Sensitivity {
    private Sensitivity() {
    }

    /** Accuracy per layer (by weight name) at each sparsity of the sweep. The model is not changed. */
    public static Map<String, double[]> curves(Sequential model, ImageDataset data, double[] sparsities) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String name : model.weights().keySet()) {
            double[] acc = new double[sparsities.length];
            for (int i = 0; i < sparsities.length; i++) {
                Sequential m = model.copy();
                Parameter p = m.weights().get(name);
                Map<String, Parameter> one = Map.of(name, p);
                Map<String, float[]> scores = Map.of(name, new Criterion.Magnitude().scores(p));
                p.setMask(Masks.perLayer(one, scores, Map.of(name, sparsities[i])).get(name));
                acc[i] = Trainer.accuracy(m, data);
            }
            out.put(name, acc);
        }
        return out;
    }

    /** For each layer the largest sparsity of the sweep whose accuracy is within {@code maxDrop} of {@code baseline}. */
    public static Map<String, Double> budgets(Map<String, double[]> curves, double[] sparsities, double baseline, double maxDrop) {
        Map<String, Double> out = new LinkedHashMap<>();
        curves.forEach((k, acc) -> {
            double best = 0;
            for (int i = 0; i < acc.length; i++) {
                if (baseline - acc[i] <= maxDrop) {
                    best = Math.max(best, sparsities[i]);
                }
            }
            out.put(k, best);
        });
        return out;
    }
}

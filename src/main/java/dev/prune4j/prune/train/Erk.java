package dev.prune4j.prune.train;

import dev.prune4j.nn.Parameter;
import dev.prune4j.tensor.Rng;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Erdős–Rényi-Kernel layer densities (Evci et al. 2020, "Rigging the Lottery", §3; the
 * Erdős–Rényi rule of Mocanu et al. 2018 extended to kernels): density_l ∝ Σ dims / Π dims of
 * the weight (n_in + n_out + k_h + k_w over their product), scaled so that the overall density
 * is the target, with layers whose density would exceed 1 made dense and the rest re-scaled.
 */
public final class Erk {
    private Erk() {
    }

    public static Map<String, Double> densities(Map<String, Parameter> params, double density) {
        if (!(density > 0 && density <= 1)) {
            throw new IllegalArgumentException("ERK: density must be in (0, 1], found " + density);
        }
        Set<String> dense = new HashSet<>();
        while (true) {
            double raw = 0; // Σ over still-sparse layers of ratio_l·n_l
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                if (!dense.contains(e.getKey())) {
                    raw += shapeRatio(e.getValue().shape()) * e.getValue().size();
                }
            }
            long total = 0;
            long sparseN = 0;
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                total += e.getValue().size();
                if (!dense.contains(e.getKey())) {
                    sparseN += e.getValue().size();
                }
            }
            // Σ_sparse ε·ratio_l·n_l = density·total − n_dense
            double nonZerosForSparse = density * total - (total - sparseN);
            double eps = nonZerosForSparse / raw;
            String worst = null;
            double worstD = 1;
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                if (!dense.contains(e.getKey())) {
                    double d = eps * shapeRatio(e.getValue().shape());
                    if (d > worstD) {
                        worstD = d;
                        worst = e.getKey();
                    }
                }
            }
            if (worst == null) {
                Map<String, Double> out = new LinkedHashMap<>();
                for (Map.Entry<String, Parameter> e : params.entrySet()) {
                    out.put(e.getKey(), dense.contains(e.getKey()) ? 1.0 : eps * shapeRatio(e.getValue().shape()));
                }
                return out;
            }
            dense.add(worst);
        }
    }

    static double shapeRatio(int[] shape) {
        double sum = 0;
        double prod = 1;
        for (int d : shape) {
            sum += d;
            prod *= d;
        }
        return sum / prod;
    }

    /** Random masks with exactly round(density·n) kept entries per layer, drawn from {@code rng}. */
    public static Map<String, float[]> randomMasks(Map<String, Parameter> params, Map<String, Double> densities, Rng rng) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            int n = e.getValue().size();
            int keep = (int) Math.round(densities.get(e.getKey()) * n);
            int[] perm = rng.permutation(n);
            float[] m = new float[n];
            for (int i = 0; i < keep; i++) {
                m[perm[i]] = 1f;
            }
            out.put(e.getKey(), m);
        }
        return out;
    }
}

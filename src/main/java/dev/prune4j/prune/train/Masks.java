package dev.prune4j.prune.train;

import dev.prune4j.kernels.Select;
import dev.prune4j.nn.Parameter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns scores into masks. Entries already pruned stay pruned (their score is treated as −∞),
 * so masks only grow, as iterative and gradual pruning require. Ties: lower index first
 * ({@link Select#smallestK}).
 */
public final class Masks {
    private Masks() {
    }

    /** Scores with already-pruned entries at −∞. */
    static float[] respectingMask(Parameter p, float[] scores) {
        float[] s = scores.clone();
        float[] m = p.mask();
        if (m != null) {
            for (int i = 0; i < s.length; i++) {
                if (m[i] == 0f) {
                    s[i] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        return s;
    }

    /** Masks pruning ⌊sparsity·n⌉ lowest-scored entries of each layer (sparsity per layer). */
    public static Map<String, float[]> perLayer(Map<String, Parameter> params, Map<String, float[]> scores, Map<String, Double> sparsity) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Parameter p = e.getValue();
            double s = sparsity.getOrDefault(e.getKey(), 0.0);
            checkSparsity(e.getKey(), s);
            float[] sc = respectingMask(p, scores.get(e.getKey()));
            int k = Math.max((int) Math.round(s * sc.length), p.pruned());
            boolean[] sel = new boolean[sc.length];
            Select.smallestK(sc, 0, sc.length, k, sel, 0);
            out.put(e.getKey(), toMask(sel, 0, sc.length));
        }
        return out;
    }

    /** One threshold over all layers: prunes ⌊sparsity·N⌉ entries in total. */
    public static Map<String, float[]> global(Map<String, Parameter> params, Map<String, float[]> scores, double sparsity) {
        checkSparsity("global", sparsity);
        int total = 0;
        int already = 0;
        for (Parameter p : params.values()) {
            total += p.size();
            already += p.pruned();
        }
        float[] all = new float[total];
        int o = 0;
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            float[] sc = respectingMask(e.getValue(), scores.get(e.getKey()));
            System.arraycopy(sc, 0, all, o, sc.length);
            o += sc.length;
        }
        boolean[] sel = new boolean[total];
        Select.smallestK(all, 0, total, Math.max((int) Math.round(sparsity * total), already), sel, 0);
        Map<String, float[]> out = new LinkedHashMap<>();
        o = 0;
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            out.put(e.getKey(), toMask(sel, o, e.getValue().size()));
            o += e.getValue().size();
        }
        return out;
    }

    /** Allocation-driven selection at one overall sparsity. */
    public static Map<String, float[]> select(Map<String, Parameter> params, Map<String, float[]> scores, Allocation a, double sparsity) {
        if (a == Allocation.GLOBAL) {
            return global(params, scores, sparsity);
        }
        Map<String, Double> s = new LinkedHashMap<>();
        params.keySet().forEach(k -> s.put(k, sparsity));
        return perLayer(params, scores, s);
    }

    private static float[] toMask(boolean[] pruned, int off, int n) {
        float[] m = new float[n];
        for (int i = 0; i < n; i++) {
            m[i] = pruned[off + i] ? 0f : 1f;
        }
        return m;
    }

    private static void checkSparsity(String what, double s) {
        if (!(s >= 0 && s <= 1)) {
            throw new IllegalArgumentException(what + ": sparsity must be in [0, 1], found " + s);
        }
    }

    /** Fraction of pruned (exactly zero) weights over the given parameters, counted from the values. */
    public static double sparsity(Map<String, Parameter> params) {
        long z = 0;
        long n = 0;
        for (Parameter p : params.values()) {
            z += p.zeros();
            n += p.size();
        }
        return n == 0 ? 0 : (double) z / n;
    }

    /** Per-layer fraction of exactly-zero weights. */
    public static Map<String, Double> layerSparsity(Map<String, Parameter> params) {
        Map<String, Double> m = new LinkedHashMap<>();
        params.forEach((k, p) -> m.put(k, (double) p.zeros() / p.size()));
        return m;
    }
}

package dev.prune4j.prune.train;

import java.util.LinkedHashMap;
import java.util.Map;

/** The initial random masks of sparse training from scratch. */
final class SparseInit {
    private SparseInit() {
    }

    static void apply(Session s, double density, Layout layout) {
        Map<String, Double> d;
        if (layout == Layout.ERK) {
            d = Erk.densities(s.weights(), density);
        } else {
            d = new LinkedHashMap<>();
            for (String k : s.weights().keySet()) {
                d.put(k, density);
            }
        }
        s.applyMasks(Erk.randomMasks(s.weights(), d, s.rng()));
    }
}

package dev.prune4j.prune.train;

import dev.prune4j.nn.Parameter;

import java.util.Map;

/**
 * Sparse Evolutionary Training (Mocanu et al. 2018, "Scalable training of artificial neural
 * networks with adaptive sparse connectivity inspired by network science"): start from a
 * random sparse mask, and after each epoch drop the fraction ζ of active weights with the
 * smallest magnitude and regrow as many at random inactive positions (initialised to zero).
 */
public record SparseEvolutionary(double density, Layout layout, double zeta, int epochs) implements Method {
    public SparseEvolutionary {
        if (!(density > 0 && density < 1) || !(zeta > 0 && zeta < 1) || epochs < 1) {
            throw new IllegalArgumentException("SET needs 0 < density < 1, 0 < zeta < 1, epochs ≥ 1");
        }
    }

    @Override
    public void run(Session s) {
        SparseInit.apply(s, density, layout);
        for (int e = 0; e < epochs; e++) {
            s.train(1);
            if (e + 1 < epochs) {
                for (Map.Entry<String, Parameter> w : s.weights().entrySet()) {
                    float[] random = new float[w.getValue().size()];
                    s.rng().fillUniform(random, 0, 1);
                    DropGrow.update(w.getValue(), zeta, random);
                }
            }
        }
        s.record("SET density " + density);
    }

    @Override
    public String describe() {
        return "SET, " + layout + " density " + density + ", zeta " + zeta + ", " + epochs + " epochs";
    }
}

package dev.prune4j.nn;

import dev.prune4j.tensor.Rng;

import java.util.ArrayList;
import java.util.List;

/** Small model builders for tests. */
final class Models {
    private Models() {
    }

    /** Flatten, then Linear+ReLU for each hidden size, then a Linear to {@code sizes[last]}. */
    static Sequential mlp(Rng rng, Activation act, int... sizes) {
        List<Sequential.Named> layers = new ArrayList<>();
        layers.add(new Sequential.Named("flatten", new Flatten()));
        for (int i = 0; i + 1 < sizes.length; i++) {
            layers.add(new Sequential.Named("fc" + (i + 1), Linear.init(sizes[i], sizes[i + 1], rng)));
            if (i + 2 < sizes.length) {
                layers.add(new Sequential.Named("act" + (i + 1), new Act(act)));
            }
        }
        return new Sequential(layers);
    }
}

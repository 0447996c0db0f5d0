package dev.prune4j.nn;

import dev.prune4j.tensor.Rng;

/** Weight initialisation. */
final class Init {
    private Init() {
    }

    /**
     * PyTorch's default for Linear and Conv2d (kaiming_uniform with a = √5, He et al. 2015):
     * U(−1/√fanIn, 1/√fanIn), for weights and biases alike.
     */
    static float[] uniformFanIn(Rng rng, int size, int fanIn) {
        float bound = (float) (1 / Math.sqrt(fanIn));
        float[] a = new float[size];
        rng.fillUniform(a, -bound, bound);
        return a;
    }

    static Parameter copy(Parameter p) {
        Parameter c = Parameter.of(p.role(), p.value().clone(), p.shape());
        if (p.mask() != null) {
            c.setMask(p.mask());
        }
        return c;
    }
}

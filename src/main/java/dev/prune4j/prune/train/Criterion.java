package dev.prune4j.prune.train;

import dev.prune4j.nn.Parameter;

/**
 * Importance scores of single weights: low scores are pruned first. Scores are not masks; the
 * selection happens in {@link Masks}. Gradient criteria read the gradient accumulated in the
 * parameter (the {@link Session} accumulates it over a few batches first).
 */
public sealed interface Criterion {
    /** Scores for every entry of {@code p} (same length as its value). */
    float[] scores(Parameter p);

    /** Whether {@link #scores} reads gradients. */
    default boolean needsGradients() {
        return false;
    }

    /** |w| (Han et al. 2015, "Learning both Weights and Connections for Efficient Neural Networks"). */
    record Magnitude() implements Criterion {
        @Override
        public float[] scores(Parameter p) {
            float[] w = p.value();
            float[] s = new float[w.length];
            for (int i = 0; i < w.length; i++) {
                s[i] = Math.abs(w[i]);
            }
            return s;
        }
    }

    /** |∂L/∂w| (gradient magnitude; Molchanov et al. 2017 discuss it as a baseline). */
    record GradientMagnitude() implements Criterion {
        @Override
        public float[] scores(Parameter p) {
            float[] g = grad(p);
            float[] s = new float[g.length];
            for (int i = 0; i < g.length; i++) {
                s[i] = Math.abs(g[i]);
            }
            return s;
        }

        @Override
        public boolean needsGradients() {
            return true;
        }
    }

    /**
     * First-order Taylor estimate of the loss change when w is removed, |w·∂L/∂w|
     * (Molchanov et al. 2017, "Pruning Convolutional Neural Networks for Resource Efficient
     * Inference", eq. 8; Molchanov et al. 2019, "Importance Estimation for Neural Network Pruning").
     */
    record Taylor() implements Criterion {
        @Override
        public float[] scores(Parameter p) {
            float[] g = grad(p);
            float[] w = p.value();
            float[] s = new float[g.length];
            for (int i = 0; i < g.length; i++) {
                s[i] = Math.abs(w[i] * g[i]);
            }
            return s;
        }

        @Override
        public boolean needsGradients() {
            return true;
        }
    }

    /**
     * α·|w|/max|w| + (1 − α)·|w·g|/max|w·g|: magnitude and Taylor, each normalised per layer by
     * its maximum so that the two terms are comparable.
     */
    record Hybrid(double alpha) implements Criterion {
        public Hybrid {
            if (!(alpha >= 0 && alpha <= 1)) {
                throw new IllegalArgumentException("hybrid criterion: alpha must be in [0, 1], found " + alpha);
            }
        }

        @Override
        public float[] scores(Parameter p) {
            float[] m = new Magnitude().scores(p);
            float[] t = new Taylor().scores(p);
            float mm = max(m);
            float mt = max(t);
            float[] s = new float[m.length];
            for (int i = 0; i < s.length; i++) {
                s[i] = (float) (alpha * (mm > 0 ? m[i] / mm : 0) + (1 - alpha) * (mt > 0 ? t[i] / mt : 0));
            }
            return s;
        }

        @Override
        public boolean needsGradients() {
            return true;
        }

        private static float max(float[] a) {
            float m = 0;
            for (float v : a) {
                m = Math.max(m, v);
            }
            return m;
        }
    }

    private static float[] grad(Parameter p) {
        float[] g = p.variable().grad();
        if (g == null) {
            throw new IllegalStateException("gradient criterion: no gradient accumulated for this parameter");
        }
        return g;
    }
}

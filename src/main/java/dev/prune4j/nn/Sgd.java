package dev.prune4j.nn;

import java.util.HashMap;
import java.util.Map;

/**
 * Stochastic gradient descent with momentum, optionally Nesterov (Sutskever et al. 2013), and
 * L2 weight decay, with PyTorch's conventions: g ← g + λw; b ← μb + g; step = g + μb (Nesterov)
 * or b; w ← w − η·step.
 */
public final class Sgd extends Optimizer {
    /** Momentum μ ∈ [0, 1), Nesterov or classical momentum, weight decay λ ≥ 0. */
    public record Options(double momentum, boolean nesterov, double weightDecay) {
        public Options {
            if (!(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("momentum must be in [0, 1), found " + momentum);
            }
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("weight decay must be ≥ 0, found " + weightDecay);
            }
            if (nesterov && momentum == 0) {
                throw new IllegalArgumentException("Nesterov needs momentum > 0");
            }
        }
    }

    private final Options options;
    private final Map<String, float[]> buffers = new HashMap<>();

    public Sgd(Map<String, Parameter> params, Options options) {
        super(params);
        this.options = options;
        params.forEach((k, p) -> buffers.put(k, new float[p.size()]));
    }

    @Override
    protected void update(String name, float[] w, float[] g, double lr) {
        float[] b = buffers.get(name);
        float mu = (float) options.momentum();
        float wd = (float) options.weightDecay();
        float eta = (float) lr;
        for (int i = 0; i < w.length; i++) {
            float gi = g[i] + wd * w[i];
            if (mu > 0) {
                b[i] = mu * b[i] + gi;
                gi = options.nesterov() ? gi + mu * b[i] : b[i];
            }
            w[i] -= eta * gi;
        }
    }

    @Override
    protected Map<String, float[]> stateOf(String name) {
        return options.momentum() > 0 ? Map.of("momentum", buffers.get(name)) : Map.of();
    }

    @Override
    public String describe() {
        return "SGD(momentum=" + options.momentum() + ", nesterov=" + options.nesterov() + ", weightDecay=" + options.weightDecay() + ")";
    }
}

package dev.prune4j.nn;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam (Kingma &amp; Ba 2015) with bias correction; with {@link Decay#DECOUPLED} weight decay it
 * is AdamW (Loshchilov &amp; Hutter 2019: w ← w − ηλw before the Adam step), with
 * {@link Decay#L2} the decay is added to the gradient.
 */
public final class Adam extends Optimizer {
    /** How weight decay enters. */
    public enum Decay { L2, DECOUPLED }

    /** β₁, β₂ ∈ [0, 1), ε &gt; 0, weight decay λ ≥ 0 and its kind. */
    public record Options(double beta1, double beta2, double eps, double weightDecay, Decay decay) {
        public Options {
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("Adam betas must be in [0, 1), found " + beta1 + ", " + beta2);
            }
            if (!(eps > 0) || !(weightDecay >= 0) || decay == null) {
                throw new IllegalArgumentException("Adam needs eps > 0, weight decay ≥ 0 and a decay kind");
            }
        }

        public static Options defaults() {
            return new Options(0.9, 0.999, 1e-8, 0, Decay.L2);
        }
    }

    private final Options options;
    private final Map<String, float[]> m = new HashMap<>();
    private final Map<String, float[]> v = new HashMap<>();

    public Adam(Map<String, Parameter> params, Options options) {
        super(params);
        this.options = options;
        params.forEach((k, p) -> {
            m.put(k, new float[p.size()]);
            v.put(k, new float[p.size()]);
        });
    }

    @Override
    protected void update(String name, float[] w, float[] g, double lr) {
        float[] mm = m.get(name);
        float[] vv = v.get(name);
        double b1 = options.beta1();
        double b2 = options.beta2();
        long t = steps();
        double c1 = 1 - Math.pow(b1, t);
        double c2 = 1 - Math.pow(b2, t);
        float wd = (float) options.weightDecay();
        boolean decoupled = options.decay() == Decay.DECOUPLED;
        for (int i = 0; i < w.length; i++) {
            float gi = decoupled ? g[i] : g[i] + wd * w[i];
            if (decoupled) {
                w[i] -= (float) (lr * wd) * w[i];
            }
            mm[i] = (float) (b1 * mm[i] + (1 - b1) * gi);
            vv[i] = (float) (b2 * vv[i] + (1 - b2) * gi * gi);
            double mhat = mm[i] / c1;
            double vhat = vv[i] / c2;
            w[i] -= (float) (lr * mhat / (Math.sqrt(vhat) + options.eps()));
        }
    }

    @Override
    protected Map<String, float[]> stateOf(String name) {
        Map<String, float[]> s = new LinkedHashMap<>();
        s.put("m", m.get(name));
        s.put("v", v.get(name));
        return s;
    }

    @Override
    public String describe() {
        return (options.decay() == Decay.DECOUPLED ? "AdamW" : "Adam") + options;
    }
}

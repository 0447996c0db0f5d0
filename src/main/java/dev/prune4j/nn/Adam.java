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

    /** The vector twin of the update rule follows the one kernel switch. */
    private static final boolean VECTOR = "vector".equals(dev.prune4j.kernels.Kernels.get().name());

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
        long t = steps();
        Step st = new Step(lr, options.beta1(), options.beta2(), 1 - Math.pow(options.beta1(), t), 1 - Math.pow(options.beta2(), t),
                options.eps(), (float) options.weightDecay(), options.decay() == Decay.DECOUPLED);
        float[] mm = m.get(name);
        float[] vv = v.get(name);
        int done = VECTOR ? AdamVector.update(st, w, g, mm, vv) : 0;
        update(st, w, g, mm, vv, done);
    }

    /** The constants of one step: learning rate, betas, bias corrections c = 1 − βᵗ, ε, decay. */
    record Step(double lr, double b1, double b2, double c1, double c2, double eps, float wd, boolean decoupled) {
    }

    /**
     * The update rule, entries [from, w.length): the readable specification ({@link AdamVector}
     * computes the same operations in the same order, so the results are bit-identical).
     */
    static void update(Step s, float[] w, float[] g, float[] mm, float[] vv, int from) {
        for (int i = from; i < w.length; i++) {
            float gi = s.decoupled() ? g[i] : g[i] + s.wd() * w[i];
            if (s.decoupled()) {
                w[i] -= (float) (s.lr() * s.wd()) * w[i];
            }
            mm[i] = (float) (s.b1() * mm[i] + (1 - s.b1()) * gi);
            vv[i] = (float) (s.b2() * vv[i] + (1 - s.b2()) * gi * gi);
            double mhat = mm[i] / s.c1();
            double vhat = vv[i] / s.c2();
            w[i] -= (float) (s.lr() * mhat / (Math.sqrt(vhat) + s.eps()));
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

package dev.prune4j.nn;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Updates parameters from their gradients, keeping pruning masks: before the update the
 * gradient of pruned entries is zeroed, after it the pruned weights and every per-entry state
 * buffer (momentum, Adam moments) are zeroed again, so nothing — weight decay, momentum, a
 * stale moment — can revive a pruned weight. Subclasses implement only the update rule.
 */
public abstract class Optimizer {
    private final Map<String, Parameter> params;
    private long steps;

    protected Optimizer(Map<String, Parameter> params) {
        this.params = new LinkedHashMap<>(params);
    }

    public final Map<String, Parameter> parameters() {
        return params;
    }

    /** Steps taken so far. */
    public final long steps() {
        return steps;
    }

    /** One update with learning rate {@code lr}, then the gradients are zeroed. */
    public final void step(double lr) {
        steps++;
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Parameter p = e.getValue();
            float[] g = p.variable().grad();
            if (g == null) {
                continue;
            }
            p.applyMask(g);
            update(e.getKey(), p.value(), g, lr);
            p.applyMask(p.value());
            for (float[] s : stateOf(e.getKey()).values()) {
                p.applyMask(s);
            }
            p.variable().zeroGrad();
        }
    }

    public final void zeroGrad() {
        for (Parameter p : params.values()) {
            p.variable().zeroGrad();
        }
    }

    /** Updates {@code w} in place from gradient {@code g} (already masked). */
    protected abstract void update(String name, float[] w, float[] g, double lr);

    /** The per-entry state of one parameter by state name ("momentum", "m", "v"). */
    protected abstract Map<String, float[]> stateOf(String name);

    /** All state as "param/state" → values, for checkpoints (the arrays are live). */
    public final Map<String, float[]> state() {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (String name : params.keySet()) {
            stateOf(name).forEach((k, v) -> m.put(name + "/" + k, v));
        }
        return m;
    }

    /** Restores the step count (with {@link #state()} arrays filled by the caller). */
    public final void setSteps(long steps) {
        this.steps = steps;
    }

    /** Resets all state (momentum, moments, step count) to zero: a fresh optimizer. */
    public final void reset() {
        steps = 0;
        for (float[] s : state().values()) {
            java.util.Arrays.fill(s, 0f);
        }
    }

    /** A short description with the hyper-parameters, for reports. */
    public abstract String describe();
}

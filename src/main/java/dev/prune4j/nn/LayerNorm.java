package dev.prune4j.nn;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** LayerNorm over the last dimension with learned scale γ and shift β. */
public final class LayerNorm implements Module {
    private final Parameter gamma;
    private final Parameter beta;
    private final float eps;

    public LayerNorm(Parameter gamma, Parameter beta, float eps) {
        this.gamma = gamma;
        this.beta = beta;
        this.eps = eps;
    }

    public static LayerNorm init(int features) {
        float[] ones = new float[features];
        Arrays.fill(ones, 1f);
        return new LayerNorm(Parameter.of(Parameter.Role.NORM_SCALE, ones, features),
                Parameter.of(Parameter.Role.NORM_SHIFT, new float[features], features), 1e-5f);
    }

    @Override
    public Variable forward(Variable x, Pass pass) {
        return F.layerNorm(x, gamma.variable(), beta.variable(), eps);
    }

    @Override
    public Map<String, Parameter> parameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("weight", gamma);
        m.put("bias", beta);
        return m;
    }

    @Override
    public LayerNorm copy() {
        return new LayerNorm(Init.copy(gamma), Init.copy(beta), eps);
    }
}

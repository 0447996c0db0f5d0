package dev.prune4j.nn;

import dev.prune4j.tensor.Rng;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * y = x·Wᵀ + b with W: [out, in]. Optional DropConnect (Wan et al. 2013, "Regularization of
 * Neural Networks using DropConnect"): while training, each weight is dropped with probability
 * p and the kept ones scaled by 1/(1 − p) (a fresh mask per batch).
 */
public final class Linear implements Module {
    private final Parameter weight;
    private final Parameter bias;
    private final double dropConnect;

    public Linear(Parameter weight, Parameter bias, double dropConnect) {
        if (weight.shape().length != 2) {
            throw new IllegalArgumentException("Linear weight must be [out, in]");
        }
        if (bias != null && bias.size() != weight.shape()[0]) {
            throw new IllegalArgumentException("Linear bias must have " + weight.shape()[0] + " values, found " + bias.size());
        }
        if (!(dropConnect >= 0 && dropConnect < 1)) {
            throw new IllegalArgumentException("dropConnect must be in [0, 1), found " + dropConnect);
        }
        this.weight = weight;
        this.bias = bias;
        this.dropConnect = dropConnect;
    }

    /** A layer with PyTorch's default initialisation drawn from {@code rng}. */
    public static Linear init(int in, int out, Rng rng) {
        return new Linear(Parameter.of(Parameter.Role.WEIGHT, Init.uniformFanIn(rng, out * in, in), out, in),
                Parameter.of(Parameter.Role.BIAS, Init.uniformFanIn(rng, out, in), out), 0);
    }

    /** The same layer (sharing parameters) with DropConnect probability p. */
    public Linear withDropConnect(double p) {
        return new Linear(weight, bias, p);
    }

    /** DropConnect probability (0 = off). */
    public double dropConnect() {
        return dropConnect;
    }

    public int in() {
        return weight.shape()[1];
    }

    public int out() {
        return weight.shape()[0];
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null. */
    public Parameter bias() {
        return bias;
    }

    @Override
    public Variable forward(Variable x, Pass pass) {
        Variable w = weight.variable();
        if (dropConnect > 0 && pass.training()) {
            w = F.dropout(w, dropConnect, pass.rng());
        }
        return F.linear(x, w, bias == null ? null : bias.variable());
    }

    @Override
    public Map<String, Parameter> parameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("weight", weight);
        if (bias != null) {
            m.put("bias", bias);
        }
        return m;
    }

    @Override
    public Linear copy() {
        return new Linear(Init.copy(weight), bias == null ? null : Init.copy(bias), dropConnect);
    }
}

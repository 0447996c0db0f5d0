package dev.prune4j.nn;

import dev.prune4j.tensor.Rng;

import java.util.LinkedHashMap;
import java.util.Map;

/** 2-D convolution, weight [O, C, k, k] ({@link F#conv2d}: direct for LeNet-sized stride-1 convs, else im2col on the GEMM). */
public final class Conv2d implements Module {
    private final Parameter weight;
    private final Parameter bias;
    private final Conv2dSpec spec;

    public Conv2d(Parameter weight, Parameter bias, Conv2dSpec spec) {
        if (weight.shape().length != 4) {
            throw new IllegalArgumentException("Conv2d weight must be [out, in, kh, kw]");
        }
        if (bias != null && bias.size() != weight.shape()[0]) {
            throw new IllegalArgumentException("Conv2d bias must have " + weight.shape()[0] + " values, found " + bias.size());
        }
        this.weight = weight;
        this.bias = bias;
        this.spec = spec;
    }

    /** A k×k convolution with PyTorch's default initialisation. */
    public static Conv2d init(int in, int out, int k, Conv2dSpec spec, Rng rng) {
        int fanIn = in * k * k;
        return new Conv2d(Parameter.of(Parameter.Role.WEIGHT, Init.uniformFanIn(rng, out * fanIn, fanIn), out, in, k, k),
                Parameter.of(Parameter.Role.BIAS, Init.uniformFanIn(rng, out, fanIn), out), spec);
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    public Conv2dSpec spec() {
        return spec;
    }

    public int outChannels() {
        return weight.shape()[0];
    }

    public int inChannels() {
        return weight.shape()[1];
    }

    @Override
    public Variable forward(Variable x, Pass pass) {
        return F.conv2d(x, weight.variable(), bias == null ? null : bias.variable(), spec);
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
    public Conv2d copy() {
        return new Conv2d(Init.copy(weight), bias == null ? null : Init.copy(bias), spec);
    }
}

package dev.prune4j.nn;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * BatchNorm over channel dimension 1 (Ioffe &amp; Szegedy 2015): batch statistics while training
 * (updating running mean/variance with momentum 0.1), running statistics in evaluation.
 */
public final class BatchNorm implements Module {
    private final Parameter gamma;
    private final Parameter beta;
    private final float[] runMean;
    private final float[] runVar;
    private final float momentum;
    private final float eps;

    public BatchNorm(Parameter gamma, Parameter beta, float[] runMean, float[] runVar, float momentum, float eps) {
        int c = gamma.size();
        if (beta.size() != c || runMean.length != c || runVar.length != c) {
            throw new IllegalArgumentException("BatchNorm: γ, β and running statistics need " + c + " channels each");
        }
        this.gamma = gamma;
        this.beta = beta;
        this.runMean = runMean;
        this.runVar = runVar;
        this.momentum = momentum;
        this.eps = eps;
    }

    public static BatchNorm init(int channels) {
        float[] ones = new float[channels];
        Arrays.fill(ones, 1f);
        return new BatchNorm(Parameter.of(Parameter.Role.NORM_SCALE, ones.clone(), channels),
                Parameter.of(Parameter.Role.NORM_SHIFT, new float[channels], channels),
                new float[channels], ones, 0.1f, 1e-5f);
    }

    public Parameter gamma() {
        return gamma;
    }

    public Parameter beta() {
        return beta;
    }

    public float[] runningMean() {
        return runMean;
    }

    public float[] runningVar() {
        return runVar;
    }

    public float momentum() {
        return momentum;
    }

    public float eps() {
        return eps;
    }

    @Override
    public Variable forward(Variable x, Pass pass) {
        return pass.training()
                ? F.batchNormTrain(x, gamma.variable(), beta.variable(), runMean, runVar, momentum, eps)
                : F.batchNormEval(x, gamma.variable(), beta.variable(), runMean, runVar, eps);
    }

    @Override
    public Map<String, Parameter> parameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("weight", gamma);
        m.put("bias", beta);
        return m;
    }

    @Override
    public Map<String, float[]> buffers() {
        Map<String, float[]> m = new LinkedHashMap<>();
        m.put("running_mean", runMean);
        m.put("running_var", runVar);
        return m;
    }

    @Override
    public BatchNorm copy() {
        return new BatchNorm(Init.copy(gamma), Init.copy(beta), runMean.clone(), runVar.clone(), momentum, eps);
    }
}

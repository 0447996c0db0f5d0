package dev.prune4j.nn;

import dev.prune4j.tensor.Rng;

/**
 * The differentiable functions (the functional API, like {@code torch.nn.functional}). Each
 * records one {@link Op} with one backward rule; losses that are compositions (MSE, KL) are
 * built from them.
 */
public final class F {
    private F() {
    }

    /** y = a·bᵀ. a: [m, k], b: [n, k] → y: [m, n] (linear layer with W: [out, in]). */
    public static Variable matmulT(Variable a, Variable b) {
        return MatMulOps.MatMulT.apply(a, b);
    }

    /** y = a·b. a: [m, k], b: [k, n] → y: [m, n]. */
    public static Variable matmul(Variable a, Variable b) {
        return MatMulOps.MatMul.apply(a, b);
    }

    /** y[.., c] = x[.., c] + b[c]. */
    public static Variable addRowBias(Variable x, Variable b) {
        return MatMulOps.AddRowBias.apply(x, b);
    }

    /** y = x·Wᵀ + b; x: [batch, in], W: [out, in], b: [out] or null. */
    public static Variable linear(Variable x, Variable w, Variable b) {
        Variable y = matmulT(x, w);
        return b == null ? y : addRowBias(y, b);
    }

    public static Variable add(Variable a, Variable b) {
        return PointwiseOps.AddScaled.apply(a, b, 1f);
    }

    public static Variable sub(Variable a, Variable b) {
        return PointwiseOps.AddScaled.apply(a, b, -1f);
    }

    public static Variable mul(Variable a, Variable b) {
        return PointwiseOps.Mul.apply(a, b);
    }

    public static Variable scale(Variable x, float s) {
        return PointwiseOps.Scale.apply(x, s);
    }

    public static Variable activation(Variable x, Activation f) {
        return PointwiseOps.Apply.apply(x, f);
    }

    public static Variable relu(Variable x) {
        return activation(x, Activation.RELU);
    }

    public static Variable gelu(Variable x) {
        return activation(x, Activation.GELU);
    }

    /** Σ of all elements, shape [1]. */
    public static Variable sum(Variable x) {
        return PointwiseOps.Sum.apply(x);
    }

    /** Mean of all elements, shape [1]. */
    public static Variable mean(Variable x) {
        return scale(sum(x), 1f / x.size());
    }

    public static Variable reshape(Variable x, int... shape) {
        return PointwiseOps.Reshape.apply(x, shape);
    }

    /** [N, ...] → [N, rest]. */
    public static Variable flatten(Variable x) {
        return reshape(x, x.dim(0), x.size() / Math.max(1, x.dim(0)));
    }

    public static Variable dropout(Variable x, double p, Rng rng) {
        return PointwiseOps.Dropout.apply(x, p, rng);
    }

    public static Variable softmax(Variable x) {
        return NormOps.Softmax.apply(x);
    }

    public static Variable logSoftmax(Variable x) {
        return NormOps.LogSoftmax.apply(x);
    }

    public static Variable layerNorm(Variable x, Variable gamma, Variable beta, float eps) {
        return NormOps.LayerNorm.apply(x, gamma, beta, eps);
    }

    public static Variable rmsNorm(Variable x, Variable weight, float eps) {
        return NormOps.RmsNorm.apply(x, weight, eps);
    }

    /** BatchNorm with batch statistics (training; updates the running statistics). */
    public static Variable batchNormTrain(Variable x, Variable gamma, Variable beta, float[] runMean, float[] runVar, float momentum, float eps) {
        return NormOps.BatchNorm.apply(x, gamma, beta, runMean, runVar, momentum, eps, NormOps.BatchStats.BATCH);
    }

    /** BatchNorm with the running statistics (evaluation). */
    public static Variable batchNormEval(Variable x, Variable gamma, Variable beta, float[] runMean, float[] runVar, float eps) {
        return NormOps.BatchNorm.apply(x, gamma, beta, runMean, runVar, 0f, eps, NormOps.BatchStats.RUNNING);
    }

    /** x: [N, C, H, W], w: [O, C, kh, kw], b: [O] or null. */
    public static Variable conv2d(Variable x, Variable w, Variable b, Conv2dSpec spec) {
        return ConvOps.Conv2d.apply(x, w, b, spec);
    }

    public static Variable maxPool2d(Variable x, int k, Conv2dSpec spec) {
        return ConvOps.Pool2d.apply(x, ConvOps.PoolKind.MAX, k, spec);
    }

    public static Variable avgPool2d(Variable x, int k, Conv2dSpec spec) {
        return ConvOps.Pool2d.apply(x, ConvOps.PoolKind.AVG, k, spec);
    }

    /** Mean softmax cross-entropy of logits [B, C] against labels. */
    public static Variable crossEntropy(Variable logits, int[] labels) {
        return LossOps.CrossEntropy.apply(logits, labels);
    }

    /** Mean squared error mean((a − b)²). */
    public static Variable mse(Variable a, Variable b) {
        Variable d = sub(a, b);
        return mean(mul(d, d));
    }

    /**
     * KL(p_t^(T) ‖ p_s^(T)) averaged over the batch, with p^(T) = softmax(z/T) (Hinton et al. 2015,
     * "Distilling the Knowledge in a Neural Network"). Logits [B, C]; the teacher is usually a
     * constant. Multiply by T² to keep gradient magnitudes comparable to the hard loss.
     */
    public static Variable klDiv(Variable studentLogits, Variable teacherLogits, float temperature) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, found " + temperature);
        }
        Shapes.same("klDiv", studentLogits, teacherLogits);
        Variable logPs = logSoftmax(scale(studentLogits, 1f / temperature));
        Variable logPt = logSoftmax(scale(teacherLogits, 1f / temperature));
        Variable pt = softmax(scale(teacherLogits, 1f / temperature));
        return scale(sum(mul(pt, sub(logPt, logPs))), 1f / studentLogits.dim(0));
    }
}

package dev.prune4j.nn;

import dev.prune4j.tensor.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every op's backward rule against central finite differences on random shapes. */
class OpGradientTest {
    private final Rng rng = new Rng(1234);

    private int dim(int lo, int hi) {
        return lo + rng.nextInt(hi - lo + 1);
    }

    /** Values in ±[0.1, 1]: away from ReLU's kink at 0. */
    private Variable awayFromZero(int... shape) {
        Variable v = GradCheck.param(rng, 0.1f, 1f, shape);
        float[] a = v.value();
        for (int i = 0; i < a.length; i++) {
            if (rng.nextInt(2) == 0) {
                a[i] = -a[i];
            }
        }
        return v;
    }

    @Test
    void matmulT() {
        for (int t = 0; t < 3; t++) {
            int m = dim(1, 7), n = dim(1, 9), k = dim(1, 11);
            GradCheck.check("matmulT", v -> F.matmulT(v[0], v[1]),
                    GradCheck.param(rng, -1, 1, m, k), GradCheck.param(rng, -1, 1, n, k));
        }
    }

    @Test
    void matmul() {
        for (int t = 0; t < 3; t++) {
            int m = dim(1, 7), n = dim(1, 9), k = dim(1, 11);
            GradCheck.check("matmul", v -> F.matmul(v[0], v[1]),
                    GradCheck.param(rng, -1, 1, m, k), GradCheck.param(rng, -1, 1, k, n));
        }
    }

    @Test
    void linearWithBias() {
        int b = dim(1, 6), in = dim(2, 9), out = dim(1, 8);
        GradCheck.check("linear", v -> F.linear(v[0], v[1], v[2]),
                GradCheck.param(rng, -1, 1, b, in), GradCheck.param(rng, -1, 1, out, in), GradCheck.param(rng, -1, 1, out));
    }

    @Test
    void elementwise() {
        int r = dim(1, 5), c = dim(1, 7);
        Variable a = GradCheck.param(rng, -1, 1, r, c);
        Variable b = GradCheck.param(rng, -1, 1, r, c);
        GradCheck.check("add", v -> F.add(v[0], v[1]), a, b);
        GradCheck.check("sub", v -> F.sub(v[0], v[1]), a, b);
        GradCheck.check("mul", v -> F.mul(v[0], v[1]), a, b);
        GradCheck.check("scale", v -> F.scale(v[0], -2.5f), a);
        GradCheck.check("sum", v -> F.sum(v[0]), a);
        GradCheck.check("mean", v -> F.mean(v[0]), a);
        GradCheck.check("reshape", v -> F.mul(F.reshape(v[0], c, r), F.reshape(v[1], c, r)), a, b);
        GradCheck.check("reuse (a·a + a)", v -> F.add(F.mul(v[0], v[0]), v[0]), a);
    }

    @Test
    void activations() {
        int n = dim(3, 20);
        for (Activation f : Activation.values()) {
            GradCheck.check(f.name(), v -> F.activation(v[0], f), awayFromZero(2, n));
        }
    }

    @Test
    void softmaxAndLogSoftmax() {
        int r = dim(1, 5), c = dim(2, 9);
        GradCheck.check("softmax", v -> F.softmax(v[0]), GradCheck.param(rng, -3, 3, r, c));
        GradCheck.check("logSoftmax", v -> F.logSoftmax(v[0]), GradCheck.param(rng, -3, 3, r, c));
    }

    @Test
    void norms() {
        int r = dim(1, 5), c = dim(2, 9);
        GradCheck.check("layerNorm", v -> F.layerNorm(v[0], v[1], v[2], 1e-5f),
                GradCheck.param(rng, -2, 2, r, c), GradCheck.param(rng, 0.5f, 1.5f, c), GradCheck.param(rng, -1, 1, c));
        GradCheck.check("rmsNorm", v -> F.rmsNorm(v[0], v[1], 1e-5f),
                GradCheck.param(rng, -2, 2, r, c), GradCheck.param(rng, 0.5f, 1.5f, c));
    }

    @Test
    void batchNormTrainAndEval() {
        int n = dim(2, 4), c = dim(1, 3), h = dim(1, 3), w = dim(1, 3);
        Variable x = GradCheck.param(rng, -2, 2, n, c, h, w);
        Variable g = GradCheck.param(rng, 0.5f, 1.5f, c);
        Variable b = GradCheck.param(rng, -1, 1, c);
        GradCheck.check("batchNorm(train, 4-D)", v -> F.batchNormTrain(v[0], v[1], v[2], new float[c], ones(c), 0.1f, 1e-5f), x, g, b);
        float[] rm = new float[c];
        float[] rv = ones(c);
        rng.fillUniform(rm, -0.5f, 0.5f);
        GradCheck.check("batchNorm(eval)", v -> F.batchNormEval(v[0], v[1], v[2], rm, rv, 1e-5f), x, g, b);
        GradCheck.check("batchNorm(train, 2-D)", v -> F.batchNormTrain(v[0], v[1], v[2], new float[c], ones(c), 0.1f, 1e-5f),
                GradCheck.param(rng, -2, 2, 5, c), g, b);
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    @Test
    void conv2d() {
        for (int t = 0; t < 3; t++) {
            int n = dim(1, 2), c = dim(1, 3), o = dim(1, 3), k = dim(1, 3);
            int s = dim(1, 2), p = dim(0, 1);
            int h = dim(k, k + 4), w = dim(k, k + 4);
            Conv2dSpec spec = new Conv2dSpec(s, p);
            GradCheck.check("conv2d " + spec, v -> F.conv2d(v[0], v[1], v[2], spec),
                    GradCheck.param(rng, -1, 1, n, c, h, w), GradCheck.param(rng, -1, 1, o, c, k, k), GradCheck.param(rng, -1, 1, o));
        }
    }

    /** The forward pass against the convolution written as a direct sum (no im2col, no GEMM). */
    @Test
    void conv2dForwardIsTheDirectSum() {
        for (int t = 0; t < 6; t++) {
            int n = dim(1, 3), c = dim(1, 4), o = dim(1, 7), k = dim(1, 5);
            int s = dim(1, 3), p = dim(0, 2);
            int h = dim(k, k + 9), w = dim(k, k + 9);
            Conv2dSpec spec = new Conv2dSpec(s, p);
            Variable x = GradCheck.param(rng, -1, 1, n, c, h, w);
            Variable wt = GradCheck.param(rng, -1, 1, o, c, k, k);
            Variable b = GradCheck.param(rng, -1, 1, o);
            float[] y = F.conv2d(x, wt, b, spec).value();
            int oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1;
            assertEquals(n * o * oh * ow, y.length);
            for (int i = 0; i < n; i++) {
                for (int oc = 0; oc < o; oc++) {
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            double sum = b.value()[oc];
                            for (int ic = 0; ic < c; ic++) {
                                for (int ky = 0; ky < k; ky++) {
                                    for (int kx = 0; kx < k; kx++) {
                                        int iy = oy * s + ky - p, ix = ox * s + kx - p;
                                        if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                            sum += (double) x.value()[((i * c + ic) * h + iy) * w + ix]
                                                    * wt.value()[((oc * c + ic) * k + ky) * k + kx];
                                        }
                                    }
                                }
                            }
                            assertEquals(sum, y[((i * o + oc) * oh + oy) * ow + ox], 1e-5, "conv2d " + spec + " at " + i + "," + oc + "," + oy + "," + ox);
                        }
                    }
                }
            }
        }
    }

    @Test
    void pooling() {
        int n = dim(1, 2), c = dim(1, 3);
        // distinct values spaced by 0.05 so that no perturbation changes a window's maximum
        Variable x = Variable.leaf(new float[n * c * 36], n, c, 6, 6);
        int[] perm = rng.permutation(x.size());
        for (int i = 0; i < perm.length; i++) {
            x.value()[i] = perm[i] * 0.05f - 2f;
        }
        GradCheck.check("maxPool2d", v -> F.maxPool2d(v[0], 2, new Conv2dSpec(2, 0)), x);
        GradCheck.check("maxPool2d stride 1", v -> F.maxPool2d(v[0], 3, new Conv2dSpec(1, 1)), x);
        GradCheck.check("maxPool2d 3x3 unpadded", v -> F.maxPool2d(v[0], 3, new Conv2dSpec(2, 0)), x);
        GradCheck.check("avgPool2d", v -> F.avgPool2d(v[0], 3, new Conv2dSpec(2, 1)), x);
    }

    /** Ties: the gradient goes to the first largest element of each window (row-major order). */
    @Test
    void maxPoolRoutesTiesToTheFirstLargest() {
        // one 4×4 plane, 2×2 windows: all equal; max at the end twice; max at the start and end
        float[] v = {
            1, 1, 0, 5,
            1, 1, 5, 5,
            3, 2, -1, -1,
            1, 3, -1, -1};
        for (int k : new int[] {2, 4}) {
            Variable x = Variable.leaf(v.clone(), 1, 1, 4, 4);
            Variable y = F.maxPool2d(x, k, new Conv2dSpec(k, 0));
            F.sum(y).backward();
            float[] want = new float[16];
            if (k == 2) {
                want[0] = 1; // all ones: the first
                want[3] = 1; // 5 at (0,3), (1,2), (1,3): the first in row-major order
                want[8] = 1; // 3 at (2,0) and (3,1)
                want[10] = 1; // all −1
            } else {
                want[3] = 1;
            }
            for (int i = 0; i < 16; i++) {
                assertEquals(want[i], x.grad()[i], 0, "k " + k + " at " + i);
            }
        }
    }

    @Test
    void losses() {
        int b = dim(1, 6), c = dim(2, 7);
        int[] y = new int[b];
        for (int i = 0; i < b; i++) {
            y[i] = rng.nextInt(c);
        }
        GradCheck.check("crossEntropy", v -> F.crossEntropy(v[0], y), GradCheck.param(rng, -3, 3, b, c));
        GradCheck.check("mse", v -> F.mse(v[0], v[1]), GradCheck.param(rng, -1, 1, b, c), GradCheck.param(rng, -1, 1, b, c));
        GradCheck.check("klDiv T=3", v -> F.klDiv(v[0], v[1], 3f), GradCheck.param(rng, -3, 3, b, c), GradCheck.param(rng, -3, 3, b, c));
    }

    @Test
    void dropoutUsesItsMask() {
        Variable x = GradCheck.param(rng, -1, 1, 4, 50);
        long seed = 7;
        GradCheck.check("dropout", v -> F.dropout(v[0], 0.3, new Rng(seed)), x);
        float[] y = F.dropout(x, 0.3, new Rng(seed)).value();
        int zeros = 0;
        for (int i = 0; i < y.length; i++) {
            if (y[i] == 0f) {
                zeros++;
            } else {
                assertEquals(x.value()[i] / 0.7f, y[i], 1e-6f);
            }
        }
        assertEquals(60, zeros, 25, "about 30% of 200 dropped");
    }

    @Test
    void crossEntropyMatchesComposition() {
        Variable z = GradCheck.param(rng, -3, 3, 3, 5);
        int[] y = {0, 4, 2};
        float[] onehot = new float[15];
        for (int i = 0; i < 3; i++) {
            onehot[i * 5 + y[i]] = 1f;
        }
        float composed = -F.mean(F.mul(F.logSoftmax(z), Variable.constant(onehot, 3, 5))).item() * 5;
        assertEquals(composed, F.crossEntropy(z, y).item(), 1e-5f);
    }

    /** The check is sharp: a rule that is wrong by a transposition fails it. */
    @Test
    void detectsAWrongRule() {
        class BrokenRelu extends Op {
            BrokenRelu(Variable x) {
                super(x);
            }

            @Override
            public String name() {
                return "brokenRelu";
            }

            @Override
            protected void backward(Variable out) {
                float[] dx = gradOf(0);
                float[] dy = out.grad();
                for (int i = 0; i < dx.length; i++) {
                    dx[i] += dy[dx.length - 1 - i]; // wrong: reversed, and ignores the kink
                }
            }

            Variable apply(Variable x) {
                float[] y = x.value().clone();
                for (int i = 0; i < y.length; i++) {
                    y[i] = Math.max(0, y[i]);
                }
                return output(y, x.shape());
            }
        }
        Variable x = awayFromZero(1, 8);
        assertThrows(AssertionError.class, () -> GradCheck.check("broken", v -> new BrokenRelu(v[0]).apply(v[0]), x));
    }
}

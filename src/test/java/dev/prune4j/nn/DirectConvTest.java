package dev.prune4j.nn;

import dev.prune4j.nn.ConvOps.Conv2d.Algorithm;
import dev.prune4j.tensor.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The direct convolution against its readable twin, im2col on the GEMM: outputs and all three
 * gradients on LeNet's shapes and on odd ones (channel counts around the micro-tile of 6, widths
 * around the vector length), plus finite differences on the direct path itself.
 */
class DirectConvTest {
    private final Rng rng = new Rng(77);

    private int dim(int lo, int hi) {
        return lo + rng.nextInt(hi - lo + 1);
    }

    /** Output, dx, dw and db of both algorithms for one shape, compared to 1e-4 relative. */
    private void compare(int n, int c, int h, int w, int o, int k, int pad) {
        Conv2dSpec spec = new Conv2dSpec(1, pad);
        float[] xv = new float[n * c * h * w];
        float[] wv = new float[o * c * k * k];
        float[] bv = new float[o];
        rng.fillUniform(xv, -1, 1);
        rng.fillUniform(wv, -1, 1);
        rng.fillUniform(bv, -1, 1);
        float[][] results = new float[2][];
        float[][] dx = new float[2][], dw = new float[2][], db = new float[2][];
        int oh = spec.out(h, k), ow = spec.out(w, k);
        float[] r = new float[n * o * oh * ow];
        rng.fillUniform(r, -1, 1);
        Algorithm[] algs = {Algorithm.IM2COL, Algorithm.DIRECT};
        for (int a = 0; a < 2; a++) {
            Variable x = Variable.leaf(xv.clone(), n, c, h, w);
            Variable wt = Variable.leaf(wv.clone(), o, c, k, k);
            Variable b = Variable.leaf(bv.clone(), o);
            Variable y = ConvOps.Conv2d.apply(x, wt, b, spec, algs[a]);
            F.sum(F.mul(y, Variable.constant(r, y.shape()))).backward();
            results[a] = y.value();
            dx[a] = x.grad();
            dw[a] = wt.grad();
            db[a] = b.grad();
        }
        String what = "n" + n + " c" + c + " " + h + "x" + w + " o" + o + " k" + k + " pad" + pad;
        close(what + " y", results[0], results[1]);
        close(what + " dx", dx[0], dx[1]);
        close(what + " dw", dw[0], dw[1]);
        close(what + " db", db[0], db[1]);
    }

    private static void close(String what, float[] want, float[] got) {
        assertEquals(want.length, got.length, what + " length");
        double scale = 0;
        for (float v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5 + 1e-5 * scale, what + " at " + i);
        }
    }

    @Test
    void leNetShapesMatchIm2col() {
        compare(3, 1, 28, 28, 6, 5, 2); // conv1
        compare(3, 6, 14, 14, 16, 5, 0); // conv2
    }

    @Test
    void oddShapesMatchIm2col() {
        for (int t = 0; t < 12; t++) {
            int k = dim(1, 5);
            int pad = dim(0, 2);
            int h = dim(Math.max(1, k - 2 * pad), k + 19), w = dim(Math.max(1, k - 2 * pad), k + 19);
            compare(dim(1, 3), dim(1, 8), h, w, dim(1, 14), k, pad);
        }
    }

    @Test
    void directBackwardMatchesFiniteDifferences() {
        for (int t = 0; t < 3; t++) {
            int n = dim(1, 2), c = dim(1, 3), o = dim(1, 7), k = dim(1, 3), p = dim(0, 1);
            int h = dim(k, k + 4), w = dim(k, k + 4);
            Conv2dSpec spec = new Conv2dSpec(1, p);
            GradCheck.check("direct conv2d " + spec, v -> ConvOps.Conv2d.apply(v[0], v[1], v[2], spec, Algorithm.DIRECT),
                    GradCheck.param(rng, -1, 1, n, c, h, w), GradCheck.param(rng, -1, 1, o, c, k, k), GradCheck.param(rng, -1, 1, o));
        }
    }

    @Test
    void directRejectsStrides() {
        Variable x = Variable.leaf(new float[2 * 8 * 8], 2, 1, 8, 8);
        Variable wt = Variable.leaf(new float[9], 1, 1, 3, 3);
        assertThrows(IllegalArgumentException.class, () -> ConvOps.Conv2d.apply(x, wt, null, new Conv2dSpec(2, 0), Algorithm.DIRECT));
    }
}

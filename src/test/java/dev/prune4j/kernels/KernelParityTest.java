package dev.prune4j.kernels;

import dev.prune4j.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every vector kernel against its scalar specification on random data and awkward sizes.
 *
 * <p>Tolerances: a float32 sum of n products has a worst-case rounding error of about
 * n·ε·Σ|aᵢbᵢ| (ε = 2⁻²⁴ for round-to-nearest); both implementations carry such an error with a
 * different summation order, so we allow 2·n·ε·Σ|aᵢbᵢ| (+ a tiny absolute floor). Elementwise ops
 * that do no summation must agree to a few ulps (the vector exp may differ by an ulp or two).
 */
class KernelParityTest {
    static final float EPS = Math.ulp(1f) / 2;
    static final Kernels SCALAR = new ScalarKernels();
    static final Kernels VECTOR = new VectorKernels();

    static float[] rand(Rng r, int n) {
        float[] a = new float[n];
        r.fillUniform(a, -1, 1);
        return a;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 15, 16, 17, 63, 64, 65, 1000})
    void reductionsAndElementwise(int n) {
        Rng r = new Rng(n);
        float[] a = rand(r, n + 3);
        float[] b = rand(r, n + 5);
        double absDot = 0;
        double absSum = 0;
        for (int i = 0; i < n; i++) {
            absDot += Math.abs(a[3 + i] * b[5 + i]);
            absSum += Math.abs(a[3 + i]);
        }
        double tolDot = 2 * n * EPS * absDot + 1e-7;
        assertEquals(SCALAR.dot(n, a, 3, b, 5), VECTOR.dot(n, a, 3, b, 5), tolDot, "dot n=" + n);
        assertEquals(SCALAR.sum(n, a, 3), VECTOR.sum(n, a, 3), 2 * n * EPS * absSum + 1e-7, "sum n=" + n);
        assertEquals(SCALAR.sumSquares(n, a, 3), VECTOR.sumSquares(n, a, 3), 2 * n * EPS * n + 1e-7, "sumSquares n=" + n);
        assertEquals(SCALAR.max(n, a, 3), VECTOR.max(n, a, 3), 0f, "max n=" + n);
        assertEquals(SCALAR.argmax(n, a, 3), VECTOR.argmax(n, a, 3), "argmax n=" + n);

        float[] y1 = b.clone();
        float[] y2 = b.clone();
        SCALAR.axpy(n, 0.37f, a, 3, y1, 5);
        VECTOR.axpy(n, 0.37f, a, 3, y2, 5);
        // fma rounds once, mul+add twice: they differ by ≤ ε·(|αx| + |y|) ≤ 1.37ε for these inputs
        assertClose(y1, y2, 0, 2 * EPS, "axpy");
        float[] o1 = new float[n];
        float[] o2 = new float[n];
        SCALAR.add(n, a, 3, b, 5, o1, 0);
        VECTOR.add(n, a, 3, b, 5, o2, 0);
        assertClose(o1, o2, 0, 0, "add");
        SCALAR.mul(n, a, 3, b, 5, o1, 0);
        VECTOR.mul(n, a, 3, b, 5, o2, 0);
        assertClose(o1, o2, 0, 0, "mul");
        float[] s1 = a.clone();
        float[] s2 = a.clone();
        SCALAR.scale(n, -1.5f, s1, 3);
        VECTOR.scale(n, -1.5f, s2, 3);
        assertClose(s1, s2, 0, 0, "scale");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 63, 65, 1000})
    void activations(int n) {
        Rng r = new Rng(100 + n);
        float[] a = rand(r, n);
        for (int i = 0; i < n; i++) {
            a[i] *= 8; // cover the tails
        }
        float[] x1 = a.clone();
        float[] x2 = a.clone();
        SCALAR.silu(x1, 0, n);
        VECTOR.silu(x2, 0, n);
        assertClose(x1, x2, 8 * EPS, 1e-7, "silu");
        x1 = a.clone();
        x2 = a.clone();
        SCALAR.gelu(x1, 0, n);
        VECTOR.gelu(x2, 0, n);
        assertClose(x1, x2, 8 * EPS, 1e-7, "gelu");
        x1 = a.clone();
        x2 = a.clone();
        SCALAR.geluTanh(x1, 0, n);
        VECTOR.geluTanh(x2, 0, n);
        assertClose(x1, x2, 8 * EPS, 1e-7, "geluTanh");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 63, 65, 1000})
    void rowOps(int cols) {
        Rng r = new Rng(200 + cols);
        int rows = 3;
        float[] x = rand(r, rows * cols);
        float[] w = rand(r, cols);
        float[] g = rand(r, cols);
        float[] bta = rand(r, cols);
        float[] o1 = new float[rows * cols];
        float[] o2 = new float[rows * cols];
        // RMSNorm: the only summation is mean(x²) (relative error ≤ n·ε); outputs scale by it.
        SCALAR.rmsNorm(x, 0, w, 0, 1e-5f, o1, 0, rows, cols);
        VECTOR.rmsNorm(x, 0, w, 0, 1e-5f, o2, 0, rows, cols);
        assertClose(o1, o2, 2 * cols * EPS + 4 * EPS, 1e-7, "rmsNorm");
        SCALAR.layerNorm(x, 0, g, bta, 1e-12f, o1, 0, rows, cols);
        VECTOR.layerNorm(x, 0, g, bta, 1e-12f, o2, 0, rows, cols);
        assertClose(o1, o2, 4 * cols * EPS + 4 * EPS, 4 * cols * EPS, "layerNorm");
        float[] s1 = x.clone();
        float[] s2 = x.clone();
        SCALAR.softmax(s1, 0, rows, cols, cols);
        VECTOR.softmax(s2, 0, rows, cols, cols);
        assertClose(s1, s2, 2 * cols * EPS + 8 * EPS, 1e-9, "softmax");
        for (int row = 0; row < rows; row++) {
            assertEquals(1.0, SCALAR.sum(cols, s1, row * cols), 1e-5, "softmax row sums to 1");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 8, 64, 128})
    void ropeBothLayouts(int headSize) {
        Rng r = new Rng(300 + headSize);
        int heads = 3;
        float[] x = rand(r, heads * headSize);
        for (Kernels.RopeLayout layout : Kernels.RopeLayout.values()) {
            float[] x1 = x.clone();
            float[] x2 = x.clone();
            SCALAR.rope(x1, 0, heads, headSize, 17, null, layout);
            VECTOR.rope(x2, 0, heads, headSize, 17, null, layout);
            assertClose(x1, x2, 4 * EPS, 1e-7, "rope " + layout);
            // a rotation keeps the norm of every head
            for (int h = 0; h < heads; h++) {
                assertEquals(SCALAR.sumSquares(headSize, x, h * headSize), SCALAR.sumSquares(headSize, x1, h * headSize),
                        1e-5, "rope preserves norm");
            }
        }
    }

    @Test
    void ropeLayoutsAreRelatedByAPermutation() {
        // interleaved pair (2i, 2i+1) == half-layout pair (i, i + d/2) after permuting the head
        int d = 16;
        Rng r = new Rng(7);
        float[] x = rand(r, d);
        float[] perm = new float[d];
        for (int i = 0; i < d / 2; i++) {
            perm[i] = x[2 * i];
            perm[i + d / 2] = x[2 * i + 1];
        }
        SCALAR.rope(x, 0, 1, d, 5, null, Kernels.RopeLayout.INTERLEAVED);
        SCALAR.rope(perm, 0, 1, d, 5, null, Kernels.RopeLayout.HALF);
        for (int i = 0; i < d / 2; i++) {
            assertEquals(x[2 * i], perm[i], 1e-6);
            assertEquals(x[2 * i + 1], perm[i + d / 2], 1e-6);
        }
    }

    static void assertClose(float[] expected, float[] actual, double rel, double abs, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            double tol = abs + rel * Math.abs(expected[i]);
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol,
                    what + " at " + i + ": expected " + expected[i] + " but found " + actual[i] + " (tol " + tol + ")");
        }
    }
}

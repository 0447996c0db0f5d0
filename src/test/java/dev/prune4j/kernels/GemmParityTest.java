package dev.prune4j.kernels;

import dev.prune4j.tensor.Rng;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The blocked GEMM, batched GEMM and matvec against the scalar specification, on awkward shapes
 * (1, 7, 63, 65, 1000 and sizes that straddle the vector length and the MR/NR/KC/MC/NC blocks),
 * offsets and leading dimensions larger than the rows, beta ≠ 0, and 1 and 2 threads.
 *
 * <p>Tolerance (Higham, "Accuracy and Stability of Numerical Algorithms", §3.1): a float32 dot
 * product of length k computed in any order has |computed − exact| ≤ γ_k·Σ|aᵢbᵢ| with
 * γ_k = k·ε/(1 − k·ε), ε = 2⁻²⁴. Both implementations carry such an error, so they differ by at
 * most 2·γ_k·Σ|aᵢbᵢ|; beta·C adds two more roundings of |beta·C| and of the result. Each element
 * is checked against its own bound, computed in double from the inputs.
 */
class GemmParityTest {
    static final double EPS = Math.ulp(1f) / 2;
    static final Kernels SCALAR = new ScalarKernels();
    static final Kernels VECTOR = new VectorKernels();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Parallel.maxThreads());
    }

    static Stream<Arguments> shapes() {
        List<Arguments> out = new ArrayList<>();
        int[][] mnk = {
                {1, 1, 1}, {1, 7, 63}, {7, 1, 65}, {7, 7, 7}, {63, 65, 7}, {65, 63, 1000}, {1, 1000, 65},
                {1000, 7, 63}, {16, 33, 300}, {2, 17, 257}, {13, 300, 513}, {150, 40, 70}, {64, 64, 64},
                {300, 260, 31}, {17, 1000, 9}, {6, 16, 256}, {145, 513, 20},
        };
        for (int[] s : mnk) {
            for (int threads : new int[]{1, 2}) {
                out.add(Arguments.of(s[0], s[1], s[2], threads));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} threads={3}")
    @MethodSource("shapes")
    void gemmTMatchesScalar(int m, int n, int k, int threads) {
        Parallel.setThreads(Math.min(threads, Parallel.maxThreads()));
        for (float beta : new float[]{0f, 0.75f}) {
            Problem p = Problem.random(m, n, k, true, beta, new Rng(31L * m + 7L * n + k));
            float[] c1 = p.c.clone();
            float[] c2 = p.c.clone();
            SCALAR.gemmT(m, n, k, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb, beta, c1, p.cOff, p.ldc);
            VECTOR.gemmT(m, n, k, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb, beta, c2, p.cOff, p.ldc);
            p.assertClose(c1, c2, "gemmT beta=" + beta);
        }
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} threads={3}")
    @MethodSource("shapes")
    void gemmMatchesScalar(int m, int n, int k, int threads) {
        Parallel.setThreads(Math.min(threads, Parallel.maxThreads()));
        for (float beta : new float[]{0f, -1.5f}) {
            Problem p = Problem.random(m, n, k, false, beta, new Rng(17L * m + 5L * n + k));
            float[] c1 = p.c.clone();
            float[] c2 = p.c.clone();
            SCALAR.gemm(m, n, k, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb, beta, c1, p.cOff, p.ldc);
            VECTOR.gemm(m, n, k, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb, beta, c2, p.cOff, p.ldc);
            p.assertClose(c1, c2, "gemm beta=" + beta);
        }
    }

    @Test
    void bigEnoughToRunInParallel() {
        // large enough that both threads get work, with every block edge ragged
        for (int threads : new int[]{1, 2}) {
            Parallel.setThreads(Math.min(threads, Parallel.maxThreads()));
            Problem p = Problem.random(301, 517, 301, true, 0f, new Rng(5));
            float[] c1 = p.c.clone();
            float[] c2 = p.c.clone();
            SCALAR.gemmT(301, 517, 301, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb, 0f, c1, p.cOff, p.ldc);
            VECTOR.gemmT(301, 517, 301, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb, 0f, c2, p.cOff, p.ldc);
            p.assertClose(c1, c2, "gemmT threads=" + threads);
            Problem q = Problem.random(20, 1000, 300, false, 0f, new Rng(6));
            float[] d1 = q.c.clone();
            float[] d2 = q.c.clone();
            SCALAR.gemm(20, 1000, 300, q.a, q.aOff, q.lda, q.b, q.bOff, q.ldb, 0f, d1, q.cOff, q.ldc);
            VECTOR.gemm(20, 1000, 300, q.a, q.aOff, q.lda, q.b, q.bOff, q.ldb, 0f, d2, q.cOff, q.ldc);
            q.assertClose(d1, d2, "gemm (few rows, split over columns) threads=" + threads);
        }
    }

    @Test
    void betaZeroOverwritesNaN() {
        Problem p = Problem.random(9, 21, 13, true, 0f, new Rng(8));
        java.util.Arrays.fill(p.c, Float.NaN);
        float[] c = p.c.clone();
        VECTOR.gemmT(9, 21, 13, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb, 0f, c, p.cOff, p.ldc);
        for (int i = 0; i < 9; i++) {
            for (int j = 0; j < 21; j++) {
                assertTrue(Float.isFinite(c[p.cOff + i * p.ldc + j]), "C(" + i + "," + j + ") must be overwritten");
            }
        }
        // outside the C block nothing is touched
        assertTrue(Float.isNaN(c[0]) && Float.isNaN(c[c.length - 1]), "elements outside C are left alone");
    }

    @Test
    void kZeroGivesBetaTimesC() {
        float[] c = {1, 2, 3, 4, 5, 6};
        VECTOR.gemmT(2, 3, 0, new float[0], 0, 0, new float[0], 0, 0, 2f, c, 0, 3);
        assertArrayEquals(new float[]{2, 4, 6, 8, 10, 12}, c);
        VECTOR.gemm(2, 3, 0, new float[0], 0, 0, new float[0], 0, 3, 0f, c, 0, 3);
        assertArrayEquals(new float[6], c);
    }

    @ParameterizedTest(name = "batch={0} transB={1} m={2} n={3} k={4}")
    @MethodSource("batches")
    void batchedGemmMatchesScalar(int batch, boolean transB, int m, int n, int k) {
        for (int threads : new int[]{1, 2}) {
            Parallel.setThreads(Math.min(threads, Parallel.maxThreads()));
            Rng r = new Rng(batch * 1000L + m * 10L + n + k);
            int lda = k + 3;
            int ldb = (transB ? k : n) + 2;
            int ldc = n + 1;
            int bRows = transB ? n : k;
            int aStride = m * lda + 5;
            int bStride = bRows * ldb + 4;
            int cStride = m * ldc + 2;
            float[] a = rand(r, 3 + batch * aStride);
            float[] b = rand(r, 1 + batch * bStride);
            float[] c1 = rand(r, 2 + batch * cStride);
            float[] c2 = c1.clone();
            SCALAR.batchedGemm(batch, transB, m, n, k, a, 3, aStride, lda, b, 1, bStride, ldb, c1, 2, cStride, ldc);
            VECTOR.batchedGemm(batch, transB, m, n, k, a, 3, aStride, lda, b, 1, bStride, ldb, c2, 2, cStride, ldc);
            for (int i = 0; i < c1.length; i++) {
                // every product has |aᵢ|,|bᵢ| ≤ 1, so Σ|aᵢbᵢ| ≤ k
                double tol = 2 * gamma(k) * k + 1e-6;
                assertTrue(Math.abs(c1[i] - c2[i]) <= tol, "batchedGemm transB=" + transB + " threads=" + threads
                        + " at " + i + ": expected " + c1[i] + " but found " + c2[i] + " (tol " + tol + ")");
            }
        }
    }

    static Stream<Arguments> batches() {
        return Stream.of(
                Arguments.of(1, true, 7, 7, 64), Arguments.of(3, true, 65, 65, 64), Arguments.of(3, false, 65, 64, 65),
                Arguments.of(12, true, 128, 128, 64), Arguments.of(12, false, 128, 64, 128), Arguments.of(2, false, 1, 63, 7));
    }

    @ParameterizedTest(name = "n={0} k={1}")
    @MethodSource("matvecShapes")
    void matvecMatchesScalar(int n, int k) {
        for (int threads : new int[]{1, 2}) {
            Parallel.setThreads(Math.min(threads, Parallel.maxThreads()));
            Rng r = new Rng(n * 31L + k);
            int ldw = k + 5;
            float[] w = rand(r, 2 + n * ldw);
            float[] x = rand(r, k + 3);
            float[] y1 = rand(r, n + 4);
            float[] y2 = y1.clone();
            SCALAR.matvec(n, k, w, 2, ldw, x, 3, y1, 4);
            VECTOR.matvec(n, k, w, 2, ldw, x, 3, y2, 4);
            for (int i = 0; i < y1.length; i++) {
                double abs = 0;
                if (i >= 4) {
                    for (int p = 0; p < k; p++) {
                        abs += Math.abs((double) w[2 + (i - 4) * ldw + p] * x[3 + p]);
                    }
                }
                double tol = 2 * gamma(k) * abs;
                assertTrue(Math.abs(y1[i] - y2[i]) <= tol, "matvec n=" + n + " k=" + k + " threads=" + threads + " at " + i
                        + ": expected " + y1[i] + " but found " + y2[i] + " (tol " + tol + ")");
            }
        }
    }

    static Stream<Arguments> matvecShapes() {
        return Stream.of(Arguments.of(1, 1), Arguments.of(7, 63), Arguments.of(63, 65), Arguments.of(65, 7),
                Arguments.of(1000, 1000), Arguments.of(3, 1000), Arguments.of(1500, 700));
    }

    @Test
    void badShapesNameBothShapes() {
        float[] a = new float[6]; // [2, 3]
        float[] b = new float[8]; // too small for [4, 3]
        float[] c = new float[8];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VECTOR.gemmT(2, 4, 3, a, 0, 3, b, 0, 3, 0f, c, 0, 4));
        assertTrue(e.getMessage().contains("[4, 3]") && e.getMessage().contains("8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VECTOR.gemm(2, 4, 3, a, 0, 2, b, 0, 4, 0f, c, 0, 4));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VECTOR.matvec(3, 4, new float[12], 0, 4, new float[3], 0, new float[3], 0));
        assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("x of 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> VECTOR.batchedGemm(2, true, 2, 2, 2,
                new float[8], 0, 4, 2, new float[7], 0, 4, 2, new float[8], 0, 4, 2));
        assertTrue(e.getMessage().contains("B [2, 2]") && e.getMessage().contains("A [2, 2]"), e.getMessage());
    }

    static double gamma(int k) {
        return k * EPS / (1 - k * EPS);
    }

    static float[] rand(Rng r, int n) {
        float[] x = new float[n];
        r.fillUniform(x, -1, 1);
        return x;
    }

    /** Operands with offsets and padded leading dimensions, and the element-wise error bound. */
    record Problem(int m, int n, int k, boolean transB, float beta, float[] a, int aOff, int lda,
                   float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        static Problem random(int m, int n, int k, boolean transB, float beta, Rng r) {
            int lda = k + 3;
            int ldb = (transB ? k : n) + 5;
            int ldc = n + 2;
            int bRows = transB ? n : k;
            return new Problem(m, n, k, transB, beta, rand(r, 4 + m * lda), 4, lda, rand(r, 1 + bRows * ldb + 3), 1, ldb,
                    rand(r, 3 + m * ldc + 2), 3, ldc);
        }

        void assertClose(float[] expected, float[] actual, String what) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double abs = 0;
                    for (int p = 0; p < k; p++) {
                        float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                        abs += Math.abs((double) a[aOff + i * lda + p] * bv);
                    }
                    int ci = cOff + i * ldc + j;
                    double old = Math.abs((double) beta * c[ci]);
                    double tol = 2 * gamma(k + 2) * (abs + old) + Float.MIN_NORMAL;
                    double diff = Math.abs(expected[ci] - actual[ci]);
                    assertTrue(diff <= tol, what + " m=" + m + " n=" + n + " k=" + k + " at (" + i + ", " + j
                            + "): expected " + expected[ci] + " but found " + actual[ci] + " (tol " + tol + ")");
                }
            }
            // the padding between rows and around C is untouched
            for (int i = 0; i < expected.length; i++) {
                int rel = i - cOff;
                boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
                if (!inside) {
                    assertTrue(Float.compare(c[i], actual[i]) == 0, what + ": element " + i + " outside C was changed");
                }
            }
        }
    }
}

package dev.prune4j.kernels;

import dev.prune4j.tensor.Halfs;
import dev.prune4j.tensor.Rng;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The BF16-weight GEMM against the float32 product of the widened weights, computed in double:
 * each element within γ_k·Σ|aᵢwᵢ| (one float32 dot product's rounding, Higham §3.1) of the exact
 * value. Shapes straddle the vector length and the MR/NR/KC/MC/NC blocks, with offsets and
 * leading dimensions larger than the rows, on 1 and 2 threads.
 */
class Bf16GemmTest {
    static final double EPS = Math.ulp(1f) / 2;

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Parallel.maxThreads());
    }

    static Stream<Arguments> shapes() {
        List<Arguments> out = new ArrayList<>();
        int[][] mnk = {{1, 1, 1}, {4, 7, 63}, {7, 1, 65}, {33, 65, 7}, {65, 63, 1000}, {16, 300, 257},
            {300, 260, 31}, {5, 145, 513}, {257, 40, 70}, {64, 1000, 9}};
        for (int[] s : mnk) {
            for (int threads : new int[]{1, 2}) {
                out.add(Arguments.of(s[0], s[1], s[2], threads));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} threads={3}")
    @MethodSource("shapes")
    void matchesTheWidenedFloat32Product(int m, int n, int k, int threads) {
        Parallel.setThreads(Math.min(threads, Parallel.maxThreads()));
        Rng rng = new Rng(17L * m + 5L * n + k);
        int lda = k + 3;
        int ldw = k + 5;
        int ldc = n + 2;
        int aOff = 2;
        int wOff = 7;
        int cOff = 1;
        float[] a = new float[aOff + m * lda];
        short[] w = new short[wOff + n * ldw];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextFloat() * 2 - 1;
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = Halfs.floatToBf16((rng.nextFloat() * 2 - 1) * 3);
        }
        float[] c = new float[cOff + m * ldc];
        java.util.Arrays.fill(c, Float.NaN); // overwritten, never read
        Bf16Gemm.gemmT(m, n, k, a, aOff, lda, w, wOff, ldw, c, cOff, ldc);
        double gamma = k * EPS / (1 - k * EPS);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double exact = 0;
                double abs = 0;
                for (int p = 0; p < k; p++) {
                    double t = (double) a[aOff + i * lda + p] * Halfs.bf16ToFloat(w[wOff + j * ldw + p]);
                    exact += t;
                    abs += Math.abs(t);
                }
                float got = c[cOff + i * ldc + j];
                double bound = gamma * abs + 1e-30;
                assertTrue(Math.abs(got - exact) <= bound, "C[" + i + "][" + j + "] = " + got + ", exact " + exact
                        + ", bound " + bound);
            }
            // the padding between rows of C is left alone
            for (int j = n; j < ldc && cOff + i * ldc + j < c.length; j++) {
                assertTrue(Float.isNaN(c[cOff + i * ldc + j]), "C padding written at row " + i);
            }
        }
    }

    @Test
    void widensEveryBitPatternLikeHalfs() {
        short[] all = new short[65536 + 3];
        for (int i = 0; i < 65536; i++) {
            all[i + 3] = (short) i;
        }
        float[] out = new float[65536 + 1];
        Bf16Gemm.widen(all, 3, out, 1, 65536);
        for (int i = 0; i < 65536; i++) {
            assertEquals(Float.floatToRawIntBits(Halfs.bf16ToFloat((short) i)), Float.floatToRawIntBits(out[i + 1]),
                    "bits " + Integer.toHexString(i));
        }
    }

    @Test
    void rejectsShortWeights() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Bf16Gemm.gemmT(2, 3, 4, new float[8], 0, 4, new short[11], 0, 4, new float[6], 0, 3));
        assertTrue(e.getMessage().contains("B [3, 4]"), e.getMessage());
    }
}

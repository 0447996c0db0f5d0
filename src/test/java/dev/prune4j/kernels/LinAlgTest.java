package dev.prune4j.kernels;

import dev.prune4j.tensor.Rng;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The blocked float64 {@link LinAlg} against its unblocked specification {@link LinAlgReference}
 * and against identities (L·Lᵀ = A, A·A⁻¹ = I, L·X = B) on ill-conditioned SPD matrices, at 1 and
 * 2 threads, on sizes that straddle the block size NB = 128 and the register tile.
 *
 * <p>Test matrices are A = H₄H₃H₂H₁·Λ·H₁H₂H₃H₄ for random Householder reflections Hᵢ and a
 * chosen spectrum Λ, so κ₂(A) is known exactly (up to O(u) from forming A).
 *
 * <p>Error analysis (Higham, <i>Accuracy and Stability of Numerical Algorithms</i>, 2nd ed.,
 * 2002; u = 2⁻⁵³, γ_k = k·u/(1 − k·u)). The blocked algorithms reorder the same sums as the
 * unblocked ones, and with conventional (not Strassen) products they satisfy bounds of the same
 * form (Higham §13.1, §10.1.2):
 * <ul>
 *   <li>Cholesky (Thm 10.3): L̂·L̂ᵀ = A + ΔA with |ΔA| ≤ γ_{n+1}·|L̂|·|L̂ᵀ|, and
 *       (|L̂||L̂ᵀ|)_ij ≤ ‖L̂ row i‖·‖L̂ row j‖ ≈ √(a_ii·a_jj); forming L̂·L̂ᵀ in the test adds
 *       another γ_n. The backward error does not depend on κ(A).</li>
 *   <li>Forward error of the factor (Thm 10.8 and its perturbation bound): ‖L̂ − L‖/‖L‖ ≲
 *       κ₂(A)·γ_{n+1}; two such results differ by at most twice that.</li>
 *   <li>Triangular solve (Thm 8.5): (L + ΔL)·x̂ = b with |ΔL| ≤ γ_n·|L|, so the residual obeys
 *       |b − L·x̂| ≤ γ_n·|L|·|x̂| and |x̂ − x| ≤ γ_n·|L⁻¹|·|L|·|x̂| to first order.</li>
 *   <li>SPD inverse via Cholesky (§14.3): ‖A·X̂ − I‖ ≲ c_n·u·κ₂(A); we allow c_n = n.</li>
 * </ul>
 */
class LinAlgTest {
    static final double U = Math.ulp(1.0) / 2;
    static final int[] SIZES = {1, 7, 63, 65, 127, 128, 129, 300, 513};

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Parallel.maxThreads());
    }

    static double gamma(int k) {
        return k * U / (1 - k * U);
    }

    // ------------------------------------------------------------------ blocked vs reference

    @Test
    void choleskyMatchesReference() {
        for (int n : SIZES) {
            double[] a = spd(n, 4.0, new Rng(100 + n));
            double[] ref = a.clone();
            LinAlgReference.cholesky(ref, n);
            // forward error ≤ κ·γ_{n+1}·‖L‖ each, κ = 4; scale by the largest entry of L
            double tol = 2 * 4.0 * gamma(n + 1) * maxAbs(ref);
            for (int t : threadCounts()) {
                Parallel.setThreads(t);
                double[] ours = a.clone();
                LinAlg.cholesky(ours, n);
                assertClose(ref, ours, tol, "cholesky n=" + n + " threads=" + t);
            }
        }
    }

    /**
     * The Gram step of the inverse (Wᵀ·W of a lower-triangular W, zeros skipped in strips) against
     * the naive triple loop, on sizes around its 256-row block and 64-wide strips. Each entry is a
     * dot product of at most n terms: |error| ≤ γ_n·Σ|w_pi·w_pj| (Higham §3.1).
     */
    @Test
    void lowerGramMatchesNaiveProduct() {
        for (int n : new int[]{1, 7, 63, 65, 255, 257, 300, 513}) {
            Rng rng = new Rng(300 + n);
            double[] w = new double[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    w[i * n + j] = rng.nextDouble() * 2 - 1;
                }
            }
            double[] ref = new double[n * n];
            double[] bound = new double[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    double b = 0;
                    for (int p = Math.max(i, j); p < n; p++) {
                        s += w[p * n + i] * w[p * n + j];
                        b += Math.abs(w[p * n + i] * w[p * n + j]);
                    }
                    ref[i * n + j] = s;
                    bound[i * n + j] = 2 * gamma(n) * b;
                }
            }
            for (int t : threadCounts()) {
                Parallel.setThreads(t);
                double[] ours = w.clone();
                LinAlg.lowerGramInPlace(ours, n);
                for (int e = 0; e < n * n; e++) {
                    if (!(Math.abs(ours[e] - ref[e]) <= bound[e])) {
                        fail("lowerGram n=" + n + " threads=" + t + ": entry (" + e / n + ", " + e % n + ") is "
                                + ours[e] + ", expected " + ref[e] + " ± " + bound[e]);
                    }
                }
            }
        }
    }

    @Test
    void multiplyMatchesNaiveProduct() {
        int[][] shapes = {{1, 1, 1}, {3, 7, 5}, {17, 300, 129}, {64, 65, 513}};
        for (int[] sh : shapes) {
            int m = sh[0];
            int k = sh[1];
            int n = sh[2];
            Rng rng = new Rng(700 + m * 31L + n);
            double[] a = new double[m * k];
            double[] b = new double[k * n];
            for (int i = 0; i < a.length; i++) {
                a[i] = rng.nextDouble() * 2 - 1;
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = rng.nextDouble() * 2 - 1;
            }
            for (int t : threadCounts()) {
                Parallel.setThreads(t);
                double[] c = LinAlg.multiply(a, m, k, b, n);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        double bound = 0;
                        for (int p = 0; p < k; p++) {
                            s += a[i * k + p] * b[p * n + j];
                            bound += Math.abs(a[i * k + p] * b[p * n + j]);
                        }
                        assertEquals(s, c[i * n + j], 2 * gamma(k) * bound, "multiply " + m + "x" + k + "x" + n
                                + " threads=" + t + " at (" + i + ", " + j + ")");
                    }
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> LinAlg.multiply(new double[5], 2, 3, new double[6], 2));
    }

    @Test
    void gramColumnSplitCoversTheBlockRowInNrMultiples() {
        for (int[] c : new int[][]{{1024, 0, 256}, {1024, 768, 1024}, {300, 256, 300}, {7, 0, 7}}) {
            for (int parts : new int[]{1, 2, 3}) {
                int[] b = LinAlg.splitGramColumns(c[0], c[1], c[2], parts);
                assertEquals(0, b[0]);
                assertEquals(c[2], b[b.length - 1]);
                for (int q = 1; q < b.length; q++) {
                    assertTrue(b[q] >= b[q - 1], "bounds must not decrease: " + java.util.Arrays.toString(b));
                    assertTrue(q == b.length - 1 || b[q] % DoubleGemm.NR == 0, "inner bound not a multiple of NR: "
                            + java.util.Arrays.toString(b));
                }
            }
        }
    }

    @Test
    void spdInverseMatchesReference() {
        for (int n : SIZES) {
            double[] a = spd(n, 4.0, new Rng(200 + n));
            double[] ref = a.clone();
            LinAlgReference.spdInverse(ref, n);
            // ‖X̂ − A⁻¹‖/‖A⁻¹‖ ≲ κ·(error of the inverse's residual) ≤ κ·n·u·κ, twice for two results
            double tol = 2 * 4.0 * 4.0 * gamma(n + 1) * maxAbs(ref);
            for (int t : threadCounts()) {
                Parallel.setThreads(t);
                double[] ours = a.clone();
                LinAlg.spdInverse(ours, n);
                assertClose(ref, ours, tol, "spdInverse n=" + n + " threads=" + t);
                assertSymmetric(ours, n, "spdInverse n=" + n);
            }
        }
    }

    @Test
    void choleskyInverseUpperMatchesReference() {
        for (int n : SIZES) {
            double[] a = spd(n, 4.0, new Rng(300 + n));
            double[] ref = a.clone();
            LinAlgReference.choleskyInverseUpper(ref, n);
            // the reference factors a rounded inverse: relative error κ²·γ (inverse) amplified by
            // κ(A⁻¹) = κ in the factor, κ³·γ; ours inverts a factor of J·A·J: κ·γ
            double tol = (4.0 * 4.0 * 4.0 + 4.0) * gamma(n + 1) * maxAbs(ref);
            for (int t : threadCounts()) {
                Parallel.setThreads(t);
                double[] ours = a.clone();
                LinAlg.choleskyInverseUpper(ours, n);
                assertClose(ref, ours, tol, "choleskyInverseUpper n=" + n + " threads=" + t);
            }
        }
    }

    @Test
    void solveLowerMatchesReference() {
        for (int n : SIZES) {
            double[] l = spd(n, 4.0, new Rng(400 + n));
            LinAlgReference.cholesky(l, n);
            double[] cond = absInverseTimesAbs(l, n); // |L⁻¹|·|L|
            for (int m : new int[]{1, 5, 37}) {
                double[] b = gaussian(n * m, new Rng(500 + n * 7 + m));
                for (boolean transpose : new boolean[]{false, true}) {
                    double[] ref = b.clone();
                    LinAlgReference.solveLower(l, n, ref, m, transpose);
                    for (int t : threadCounts()) {
                        Parallel.setThreads(t);
                        double[] ours = b.clone();
                        LinAlg.solveLower(l, n, ours, m, transpose);
                        String what = "solveLower n=" + n + " m=" + m + " transpose=" + transpose + " threads=" + t;
                        // |x̂ − x| ≤ γ_n·(|L⁻¹||L||x|)_i for each result (Lᵀ: the transposed product)
                        for (int c = 0; c < m; c++) {
                            for (int i = 0; i < n; i++) {
                                double bound = 0;
                                for (int p = 0; p < n; p++) {
                                    double cip = transpose ? cond[p * n + i] : cond[i * n + p];
                                    bound += cip * Math.abs(ref[p * m + c]);
                                }
                                double tol = 2 * 1.01 * gamma(n) * bound + Double.MIN_NORMAL;
                                double d = Math.abs(ours[i * m + c] - ref[i * m + c]);
                                if (!(d <= tol)) {
                                    fail(what + ": x[" + i + ", " + c + "] = " + ours[i * m + c] + " vs reference "
                                            + ref[i * m + c] + ", |diff| " + d + " > bound " + tol);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ identities, ill-conditioned

    @ParameterizedTest
    @ValueSource(doubles = {1e8, 1e10})
    void choleskyReproducesIllConditionedMatrix(double kappa) {
        for (int n : new int[]{129, 300}) {
            double[] a = spd(n, kappa, new Rng((long) kappa + n));
            for (int t : threadCounts()) {
                Parallel.setThreads(t);
                double[] l = a.clone();
                LinAlg.cholesky(l, n);
                String what = "L·Lᵀ = A, n=" + n + " κ=" + kappa + " threads=" + t;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        if (j > i) {
                            assertEquals(0.0, l[i * n + j], what + ": upper triangle must be zero");
                            continue;
                        }
                        double s = 0;
                        double abs = 0;
                        for (int p = 0; p <= j; p++) {
                            s += l[i * n + p] * l[j * n + p];
                            abs += Math.abs(l[i * n + p] * l[j * n + p]);
                        }
                        // factorisation γ_{n+1} plus forming the product here γ_n, both times |L||Lᵀ|
                        double tol = (gamma(n + 1) + gamma(n)) * abs;
                        double d = Math.abs(s - a[i * n + j]);
                        if (!(d <= tol)) {
                            fail(what + ": entry (" + i + ", " + j + ") off by " + d + " > " + tol);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {1e8, 1e10})
    void inverseTimesMatrixIsIdentity(double kappa) {
        for (int n : new int[]{129, 300}) {
            double[] a = spd(n, kappa, new Rng(7 * (long) kappa + n));
            for (int t : threadCounts()) {
                Parallel.setThreads(t);
                double[] x = a.clone();
                LinAlg.spdInverse(x, n);
                // ‖A·X̂ − I‖ ≤ c_n·u·‖A‖·‖X̂‖ = c_n·u·κ (Higham §14.3), c_n ≤ γ_n; forming A·X̂ here
                // adds |fl(A·X̂) − A·X̂| ≤ γ_n·|A|·|X̂|, in Frobenius norm ≤ γ_n·‖A‖_F·‖X̂‖_F
                double tol = 2 * gamma(n) * frobenius(a) * frobenius(x);
                double r = frobeniusOfProductMinusIdentity(a, x, n);
                assertTrue(r <= tol, "‖A·A⁻¹ − I‖_F = " + r + " > " + tol + " (n=" + n + ", κ=" + kappa
                        + ", threads=" + t + ")");
                assertSymmetric(x, n, "spdInverse n=" + n);

                double[] u = a.clone();
                LinAlg.choleskyInverseUpper(u, n);
                for (int i = 0; i < n; i++) {
                    assertTrue(u[i * n + i] > 0, "U must have a positive diagonal, found " + u[i * n + i] + " at " + i);
                    for (int j = 0; j < i; j++) {
                        assertEquals(0.0, u[i * n + j], "U must be upper triangular: (" + i + ", " + j + ")");
                    }
                }
                double[] utu = new double[n * n]; // Uᵀ·U = A⁻¹
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int p = 0; p <= Math.min(i, j); p++) {
                            s += u[p * n + i] * u[p * n + j];
                        }
                        utu[i * n + j] = s;
                    }
                }
                // as above for X̂ = UᵀU, plus forming UᵀU here: γ_n·|Uᵀ|·|U|, norm ≤ γ_n·‖U‖_F²
                double tolU = 2 * gamma(n) * frobenius(a) * frobenius(utu) + gamma(n) * frobenius(a) * sq(frobenius(u));
                double ru = frobeniusOfProductMinusIdentity(a, utu, n);
                assertTrue(ru <= tolU, "‖A·UᵀU − I‖_F = " + ru + " > " + tolU + " (n=" + n + ", κ=" + kappa
                        + ", threads=" + t + ")");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void triangularSolveHasSmallResidualOnIllConditionedFactor(boolean transpose) {
        int n = 300;
        int m = 19;
        double[] l = spd(n, 1e10, new Rng(31));
        LinAlg.cholesky(l, n); // κ(L) = 1e5
        double[] b = gaussian(n * m, new Rng(32));
        for (int t : threadCounts()) {
            Parallel.setThreads(t);
            double[] x = b.clone();
            LinAlg.solveLower(l, n, x, m, transpose);
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < m; c++) {
                    double s = 0;
                    double abs = 0;
                    for (int p = 0; p < n; p++) {
                        double lip = transpose ? l[p * n + i] : l[i * n + p]; // op(L)[i, p]
                        s += lip * x[p * m + c];
                        abs += Math.abs(lip * x[p * m + c]);
                    }
                    // solve γ_n plus this product's γ_n, times |L|·|x̂| (Higham Thm 8.5)
                    double tol = 2 * gamma(n) * abs;
                    double d = Math.abs(b[i * m + c] - s);
                    if (!(d <= tol)) {
                        fail("residual of op(L)·X = B at (" + i + ", " + c + "): " + d + " > " + tol
                                + " (transpose=" + transpose + ", threads=" + t + ")");
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ failures

    @ParameterizedTest
    @ValueSource(ints = {0, 5, 127, 128, 200, 299})
    void reportsTheColumnWhereTheMatrixStopsBeingPositiveDefinite(int bad) {
        int n = 300;
        // A = L·D·Lᵀ with D = I except D[bad] = −1: the pivots before `bad` are L's, pivot `bad` is −L[bad,bad]²
        Rng rng = new Rng(41 + bad);
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                l[i * n + j] = rng.nextGaussian() / Math.sqrt(n);
            }
            l[i * n + i] = 1 + rng.nextDouble();
        }
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p <= Math.min(i, j); p++) {
                    s += (p == bad ? -1 : 1) * l[i * n + p] * l[j * n + p];
                }
                a[i * n + j] = s;
            }
        }
        for (int t : threadCounts()) {
            Parallel.setThreads(t);
            var e = assertThrows(LinAlg.NotPositiveDefiniteException.class, () -> LinAlg.cholesky(a.clone(), n));
            assertEquals(bad, e.column(), e.getMessage());
            assertTrue(e.pivot() < 0, "pivot " + e.pivot());
            var r = assertThrows(LinAlg.NotPositiveDefiniteException.class,
                    () -> LinAlgReference.cholesky(a.clone(), n));
            assertEquals(bad, r.column(), "the reference agrees");
            assertThrows(LinAlg.NotPositiveDefiniteException.class, () -> LinAlg.spdInverse(a.clone(), n));
            assertThrows(LinAlg.NotPositiveDefiniteException.class, () -> LinAlg.choleskyInverseUpper(a.clone(), n));
        }
    }

    @Test
    void rejectsNaNAndZeroMatrices() {
        int n = 7;
        double[] nan = spd(n, 4.0, new Rng(5));
        nan[3 * n + 3] = Double.NaN;
        var e = assertThrows(LinAlg.NotPositiveDefiniteException.class, () -> LinAlg.cholesky(nan, n));
        assertEquals(3, e.column());
        var z = assertThrows(LinAlg.NotPositiveDefiniteException.class, () -> LinAlg.spdInverse(new double[n * n], n));
        assertEquals(0, z.column());
        assertTrue(z.getMessage().contains("damping"), z.getMessage());
    }

    @Test
    void rejectsBadShapesNamingBoth() {
        var e = assertThrows(IllegalArgumentException.class, () -> LinAlg.cholesky(new double[10], 3));
        assertTrue(e.getMessage().contains("[3, 3]") && e.getMessage().contains("10"), e.getMessage());
        var s = assertThrows(IllegalArgumentException.class,
                () -> LinAlg.solveLower(new double[9], 3, new double[5], 2, false));
        assertTrue(s.getMessage().contains("[3, 3]") && s.getMessage().contains("[3, 2]")
                && s.getMessage().contains("5"), s.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LinAlg.spdInverse(new double[8], 3));
        assertThrows(IllegalArgumentException.class, () -> LinAlg.choleskyInverseUpper(new double[8], 3));
    }

    @Test
    void readsOnlyTheLowerTriangle() {
        int n = 150;
        double[] a = spd(n, 100, new Rng(9));
        double[] junk = a.clone();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                junk[i * n + j] = 1e30;
            }
        }
        double[] x = a.clone();
        double[] y = junk.clone();
        LinAlg.spdInverse(x, n);
        LinAlg.spdInverse(y, n);
        assertClose(x, y, 0, "spdInverse ignores the upper triangle");
        x = a.clone();
        y = junk.clone();
        LinAlg.choleskyInverseUpper(x, n);
        LinAlg.choleskyInverseUpper(y, n);
        assertClose(x, y, 0, "choleskyInverseUpper ignores the upper triangle");
    }

    // ------------------------------------------------------------------ helpers

    static int[] threadCounts() {
        return Parallel.maxThreads() >= 2 ? new int[]{1, 2} : new int[]{1};
    }

    /**
     * A = H₄H₃H₂H₁·diag(λ)·H₁H₂H₃H₄, λ log-spaced from 1 down to 1/κ in a random order, Hᵢ random
     * Householder reflections: an SPD matrix with κ₂(A) = κ and no structure the kernels could exploit.
     */
    static double[] spd(int n, double kappa, Rng rng) {
        double[] a = new double[n * n];
        int[] order = rng.permutation(n);
        for (int i = 0; i < n; i++) {
            double t = n == 1 ? 0 : (double) order[i] / (n - 1);
            a[i * n + i] = Math.pow(kappa, -t);
        }
        double[] w = new double[n];
        for (int h = 0; h < 4; h++) {
            double[] v = gaussian(n, rng);
            double vv = 0;
            for (double x : v) {
                vv += x * x;
            }
            // A ← H·A·H with H = I − 2·v·vᵀ/(vᵀv), as two one-sided updates: A ← A − v·(2·vᵀA/vᵀv), then on the right
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += v[i] * a[i * n + j];
                }
                w[j] = 2 * s / vv;
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    a[i * n + j] -= v[i] * w[j];
                }
            }
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += a[i * n + j] * v[j];
                }
                w[i] = 2 * s / vv;
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    a[i * n + j] -= w[i] * v[j];
                }
            }
        }
        for (int i = 0; i < n; i++) { // exact symmetry
            for (int j = 0; j < i; j++) {
                a[j * n + i] = a[i * n + j];
            }
        }
        return a;
    }

    static double[] gaussian(int len, Rng rng) {
        double[] x = new double[len];
        for (int i = 0; i < len; i++) {
            x[i] = rng.nextGaussian();
        }
        return x;
    }

    /** |L⁻¹|·|L| for lower-triangular L, with L⁻¹ from the reference. */
    static double[] absInverseTimesAbs(double[] l, int n) {
        double[] inv = l.clone();
        LinAlgReference.invertLowerInPlace(inv, n);
        double[] out = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p <= i; p++) {
                double x = Math.abs(inv[i * n + p]);
                for (int j = 0; j <= p; j++) {
                    out[i * n + j] += x * Math.abs(l[p * n + j]);
                }
            }
        }
        return out;
    }

    static double frobeniusOfProductMinusIdentity(double[] a, double[] x, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double d = i == j ? -1 : 0;
                for (int p = 0; p < n; p++) {
                    d += a[i * n + p] * x[p * n + j];
                }
                s += d * d;
            }
        }
        return Math.sqrt(s);
    }

    static double frobenius(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    static double sq(double x) {
        return x * x;
    }

    static double maxAbs(double[] x) {
        double m = 0;
        for (double v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    static void assertClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]);
            if (!(d <= tol) && !(expected[i] == actual[i])) {
                fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i] + " (|diff| " + d
                        + " > " + tol + ")");
            }
        }
    }

    static void assertSymmetric(double[] a, int n, String what) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                assertEquals(a[i * n + j], a[j * n + i], what + ": (" + i + ", " + j + ") must equal (" + j + ", " + i + ")");
            }
        }
    }
}

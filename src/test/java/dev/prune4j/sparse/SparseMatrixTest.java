package dev.prune4j.sparse;

import dev.prune4j.core.BadInputException;
import dev.prune4j.tensor.Halfs;
import dev.prune4j.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every format × value type × kernel (fast and scalar twin; matvec and small-M gemmT) against a
 * dense float64 product of the independently rounded dense matrix, on random data and awkward
 * shapes.
 *
 * <p>Tolerance: a float32 sum of n products carries a rounding error of at most about
 * n·ε·Σ|wᵢxᵢ| (ε = 2⁻²⁴) in any summation order; the float64 reference has none to speak of, so
 * |y − y_ref| ≤ n·ε·Σ|wᵢxᵢ| (+ 1e-6 absolute). INT8 is compared with the dequantized dense matrix
 * (s_r·q), whose products the kernel computes as (Σ qᵢxᵢ)·s_r: one more rounding, covered by the
 * same bound with n + 1.
 */
class SparseMatrixTest {
    static final double EPS = Math.ulp(1f) / 2;
    static final int[][] SHAPES = {{1, 1}, {7, 63}, {65, 7}, {63, 65}, {1000, 65}, {65, 1000}, {1, 1000}};

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        List<SparseSpec> specs = new ArrayList<>();
        for (ValueType t : ValueType.values()) {
            specs.add(SparseSpec.of(SparseFormat.CSR, t));
            specs.add(SparseSpec.of(SparseFormat.BITMASK, t));
            specs.add(SparseSpec.of(SparseFormat.BLOCK, t));
            specs.add(SparseSpec.nOfM(2, 4, t));
            specs.add(SparseSpec.nOfM(3, 8, t));
        }
        specs.add(SparseSpec.nOfM(1, 3, ValueType.F32));
        specs.add(SparseSpec.of(SparseFormat.DENSE, ValueType.F32));
        specs.add(SparseSpec.of(SparseFormat.DENSE, ValueType.BF16));
        specs.add(SparseSpec.of(SparseFormat.DENSE, ValueType.F16));
        for (SparseSpec s : specs) {
            for (int[] shape : SHAPES) {
                int cols = shape[1];
                if (s.format() == SparseFormat.N_OF_M) {
                    cols = (cols + s.m() - 1) / s.m() * s.m();
                }
                out.add(Arguments.of(s, shape[0], cols));
            }
        }
        return out.stream();
    }

    /** Random weights with the format's kind of pattern (~50% pruned). */
    static float[] prunedWeights(SparseSpec s, int rows, int cols, Rng rng) {
        float[] w = new float[rows * cols];
        rng.fillUniform(w, -2, 2);
        if (s.format() == SparseFormat.N_OF_M) {
            for (int r = 0; r < rows; r++) {
                for (int g = 0; g < cols / s.m(); g++) {
                    int[] perm = rng.permutation(s.m());
                    int keep = rng.nextInt(4) == 0 ? rng.nextInt(s.n() + 1) : s.n(); // sometimes fewer than n
                    for (int j = keep; j < s.m(); j++) {
                        w[r * cols + g * s.m() + perm[j]] = 0f;
                    }
                }
            }
        } else if (s.format() == SparseFormat.BLOCK) {
            for (int r = 0; r < rows; r++) {
                for (int b = 0; b * 8 < cols; b++) {
                    boolean dropBlock = rng.nextInt(2) == 0;
                    for (int j = b * 8; j < Math.min(cols, b * 8 + 8); j++) {
                        if (dropBlock || rng.nextInt(5) == 0) {
                            w[r * cols + j] = 0f;
                        }
                    }
                }
            }
        } else {
            for (int i = 0; i < w.length; i++) {
                if (rng.nextInt(2) == 0) {
                    w[i] = 0f;
                }
            }
        }
        return w;
    }

    /** The dense matrix the packed one must compute with, rounded independently of the format code. */
    static float[] expectedDense(float[] w, int rows, int cols, ValueType t) {
        float[] d = new float[w.length];
        for (int r = 0; r < rows; r++) {
            float absMax = 0f;
            for (int c = 0; c < cols; c++) {
                absMax = Math.max(absMax, Math.abs(w[r * cols + c]));
            }
            float scale = absMax / 127f;
            for (int c = 0; c < cols; c++) {
                float v = w[r * cols + c];
                d[r * cols + c] = switch (t) {
                    case F32 -> v;
                    case BF16 -> Halfs.bf16ToFloat(Halfs.floatToBf16(v));
                    case F16 -> Halfs.f16ToFloat(Halfs.floatToF16(v));
                    case INT8 -> scale == 0f ? 0f : Math.round(v / scale) * scale;
                };
            }
        }
        return d;
    }

    static void assertMatvec(float[] d, int rows, int cols, float[] x, int xOff, float[] y, int yOff, String what) {
        for (int r = 0; r < rows; r++) {
            double ref = 0;
            double abs = 0;
            for (int c = 0; c < cols; c++) {
                double p = (double) d[r * cols + c] * x[xOff + c];
                ref += p;
                abs += Math.abs(p);
            }
            double tol = (cols + 1) * EPS * abs * 1.01 + 1e-6;
            assertEquals(ref, y[yOff + r], tol, what + " row " + r);
        }
    }

    @ParameterizedTest(name = "{0} [{1}, {2}]")
    @MethodSource("cases")
    void productsMatchTheDenseProduct(SparseSpec spec, int rows, int cols) {
        Rng rng = new Rng(rows * 31L + cols);
        float[] w = prunedWeights(spec, rows, cols, rng);
        AbstractSparseMatrix s = (AbstractSparseMatrix) SparseMatrices.pack(w, rows, cols, spec);
        float[] d = expectedDense(w, rows, cols, spec.valueType());
        assertArrayEquals(d, s.toDense(), 0f, "toDense");
        assertArrayEquals(d, SparseMatrices.copyOf(s).toDense(), 0f, "copy");
        long nnz = 0;
        for (float v : w) {
            nnz += v != 0f ? 1 : 0;
        }
        assertEquals(nnz, s.nnz(), "nnz");
        assertTrue(s.bytes() > 0);

        float[] x = new float[cols + 3];
        rng.fillUniform(x, -1, 1);
        float[] yFast = new float[rows + 2];
        float[] yRef = new float[rows + 2];
        s.matvecFast(x, 3, yFast, 2);
        SparseReference.matvec(s, x, 3, yRef, 2);
        assertMatvec(d, rows, cols, x, 3, yFast, 2, spec.label() + " fast matvec");
        assertMatvec(d, rows, cols, x, 3, yRef, 2, spec.label() + " scalar matvec");

        for (int m : new int[] {1, 5, 20, 33, 70}) { // 20: both vectors of a 32-row tile; 70: several tiles
            int ldx = cols + 1;
            int ldy = rows + 3;
            float[] xs = new float[m * ldx];
            rng.fillUniform(xs, -1, 1);
            float[] ysFast = new float[m * ldy];
            float[] ysRef = new float[m * ldy];
            s.gemmTFast(m, xs, 0, ldx, ysFast, 0, ldy);
            SparseReference.gemmT(s, m, xs, 0, ldx, ysRef, 0, ldy);
            for (int i = 0; i < m; i++) {
                assertMatvec(d, rows, cols, xs, i * ldx, ysFast, i * ldy, spec.label() + " fast gemmT m=" + m + " i=" + i);
                assertMatvec(d, rows, cols, xs, i * ldx, ysRef, i * ldy, spec.label() + " scalar gemmT m=" + m + " i=" + i);
            }
        }
    }

    static Stream<Arguments> threadCases() {
        List<Arguments> out = new ArrayList<>();
        for (ValueType t : new ValueType[] {ValueType.F32, ValueType.INT8, ValueType.BF16}) {
            for (SparseSpec s : List.of(SparseSpec.of(SparseFormat.CSR, t), SparseSpec.of(SparseFormat.BITMASK, t),
                    SparseSpec.of(SparseFormat.BLOCK, t), SparseSpec.nOfM(2, 4, t))) {
                out.add(Arguments.of(s));
            }
        }
        return out.stream();
    }

    /**
     * Large enough that the fast matvec splits its rows over two threads (rows not a multiple of
     * the row blocking, columns not a multiple of 16): equal to the dense product within the
     * rounding bound at both thread counts (not bit-identical: the Vector API leaves the order of
     * {@code reduceLanes(ADD)} open, and interpreted and compiled code differ there).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("threadCases")
    void oneAndTwoThreadsAgree(SparseSpec spec) {
        int rows = 1003;
        int cols = 2068;
        Rng rng = new Rng(99);
        float[] w = prunedWeights(spec, rows, cols, rng);
        AbstractSparseMatrix s = (AbstractSparseMatrix) SparseMatrices.pack(w, rows, cols, spec);
        float[] d = expectedDense(w, rows, cols, spec.valueType());
        float[] x = new float[cols + 1];
        rng.fillUniform(x, -1, 1);
        float[] y1 = new float[rows];
        float[] y2 = new float[rows];
        int before = dev.prune4j.kernels.Parallel.threads();
        try {
            dev.prune4j.kernels.Parallel.setThreads(1);
            s.matvecFast(x, 1, y1, 0);
            dev.prune4j.kernels.Parallel.setThreads(Math.min(2, dev.prune4j.kernels.Parallel.maxThreads()));
            s.matvecFast(x, 1, y2, 0);
        } finally {
            dev.prune4j.kernels.Parallel.setThreads(before);
        }
        assertMatvec(d, rows, cols, x, 1, y1, 0, spec.label() + " 1 thread");
        assertMatvec(d, rows, cols, x, 1, y2, 0, spec.label() + " 2 threads");
    }

    /**
     * CSR splits rows between threads by stored values: with the first rows dense and the rest
     * nearly empty the split falls far from the middle row, and every row must still be computed
     * exactly once.
     */
    @Test
    void csrWithUnevenRowsAgreesAtTwoThreads() {
        int rows = 1001;
        int cols = 1030;
        Rng rng = new Rng(5);
        float[] w = new float[rows * cols];
        rng.fillUniform(w, -1, 1);
        for (int r = 300; r < rows; r++) { // 300 dense rows: enough bytes that the product goes parallel
            for (int c = 0; c < cols; c++) {
                if (rng.nextInt(50) != 0) {
                    w[r * cols + c] = 0f;
                }
            }
        }
        SparseSpec spec = SparseSpec.of(SparseFormat.CSR, ValueType.F32);
        AbstractSparseMatrix s = (AbstractSparseMatrix) SparseMatrices.pack(w, rows, cols, spec);
        float[] x = new float[cols];
        rng.fillUniform(x, -1, 1);
        float[] y = new float[rows];
        int before = dev.prune4j.kernels.Parallel.threads();
        try {
            dev.prune4j.kernels.Parallel.setThreads(Math.min(2, dev.prune4j.kernels.Parallel.maxThreads()));
            java.util.Arrays.fill(y, Float.NaN);
            s.matvecFast(x, 0, y, 0);
        } finally {
            dev.prune4j.kernels.Parallel.setThreads(before);
        }
        assertMatvec(w, rows, cols, x, 0, y, 0, "csr uneven rows, 2 threads");
    }

    /** Uniform weights in [−1, 1) with row r keeping a fraction r / (rows − 1) of them: 0 % … 100 % kept. */
    private static float[] gradedRows(int rows, int cols, Rng rng) {
        float[] w = new float[rows * cols];
        rng.fillUniform(w, -1, 1);
        for (int r = 0; r < rows; r++) {
            double keep = r / (rows - 1.0);
            for (int c = 0; c < cols; c++) {
                if (rng.nextFloat() >= keep) {
                    w[r * cols + c] = 0f;
                }
            }
        }
        return w;
    }

    /**
     * The 16-lane {@code expand} kernels of the bitmask format (used where vectors have 16 float
     * lanes), called directly so that they are checked on every machine (on AVX2 the Vector API
     * emulates {@code expand}): rows of every density, widths with and without a scalar tail,
     * F32 and INT8 (unscaled sums of the stored INT8 values).
     */
    @Test
    void bitmaskSixteenLaneKernelsMatchTheReference() {
        for (int cols : new int[] {64, 200, 1024 + 37}) {
            int rows = 12;
            Rng rng = new Rng(cols);
            float[] w = gradedRows(rows, cols, rng);
            float[] x = new float[cols + 3];
            rng.fillUniform(x, -1, 1);
            for (ValueType t : new ValueType[] {ValueType.F32, ValueType.INT8}) {
                BitmaskMatrix b = BitmaskMatrix.of(w, null, rows, cols, t);
                int[] ci = new int[cols];
                float[] cv = new float[cols];
                for (int r = 0; r < rows; r++) {
                    int n = b.row(r, ci, cv);
                    double ref = 0;
                    double abs = 0;
                    for (int i = 0; i < n; i++) {
                        double p = (double) b.values.raw(b.rowStart[r] + i) * x[3 + ci[i]]; // stored value, unscaled
                        ref += p;
                        abs += Math.abs(p);
                    }
                    float got = t == ValueType.F32 ? b.rowF32Wide(r, x, 3) : b.rowI8Wide(r, x, 3);
                    assertEquals(ref, got, (cols + 1) * EPS * abs * 1.01 + 1e-6, t + " cols " + cols + " row " + r);
                }
                if (t == ValueType.F32) { // the four-row kernels, over the blocks of four: F32, and BF16 against its own values
                    BitmaskMatrix bf = BitmaskMatrix.of(w, null, rows, cols, ValueType.BF16);
                    float[] yb = new float[rows + 1];
                    for (int r = 0; r + 3 < rows; r += 4) {
                        bf.rows4Bf16Wide(r, x, 3, yb, 1);
                    }
                    assertMatvec(bf.toDense(), rows & ~3, cols, x, 3, yb, 1, "bf16 rows4 cols " + cols);
                    float[] y4 = new float[rows + 1];
                    for (int r = 0; r + 3 < rows; r += 4) {
                        b.rows4F32Wide(r, x, 3, y4, 1);
                    }
                    assertMatvec(b.toDense(), rows & ~3, cols, x, 3, y4, 1, "rows4 cols " + cols);
                }
            }
        }
    }

    /**
     * The 16-lane four-row CSR kernel (used where vectors have 16 float lanes), called directly so
     * that it is checked on every machine: rows of every length from empty to full (so the
     * shortest of the four ends the shared loop at every point, and each row finishes alone),
     * widths with and without a scalar tail, rows taken in a scattered order.
     */
    @Test
    void csrFourRowSixteenLaneKernelMatchesTheDenseProduct() {
        for (int cols : new int[] {16, 200, 1024 + 37}) {
            int rows = 16;
            Rng rng = new Rng(cols + 7);
            float[] w = gradedRows(rows, cols, rng);
            CsrMatrix m = (CsrMatrix) SparseMatrices.pack(w, rows, cols, SparseSpec.of(SparseFormat.CSR, ValueType.F32));
            float[] x = new float[cols + 3];
            rng.fillUniform(x, -1, 1);
            float[] y = new float[rows + 2];
            java.util.Arrays.fill(y, Float.NaN);
            int[] lanes = new int[64];
            float[] lt = new float[16];
            for (int i = 0; i < rows / 4; i++) { // rows i, 15 − i, i + 4, 11 − i: long and short rows together
                m.dot4F32Wide(i, rows - 1 - i, i + 4, rows - 5 - i, x, 3, lanes, lt, y, 2);
            }
            assertMatvec(w, rows, cols, x, 3, y, 2, "csr four rows wide, cols " + cols);
        }
    }

    /**
     * The 16-lane 2:4 row-block kernels (used where vectors have 16 float lanes), called directly so
     * that they are checked on every machine: against the double-precision product of the stored
     * values, F32 and INT8 (scaled), a width with and without a scalar tail.
     */
    @Test
    void twoFourSixteenLaneKernelsMatchTheReference() {
        for (int cols : new int[] {64, 4 * 51}) {
            int rows = 12;
            Rng rng = new Rng(cols + 1);
            float[] w = new float[rows * cols];
            rng.fillUniform(w, -1, 1);
            for (int g = 0; g < w.length; g += 4) { // exactly 2 of 4, at random positions; some groups keep one
                int a = rng.nextInt(4);
                int b = (a + 1 + rng.nextInt(3)) % 4;
                w[g + a] = 0f;
                w[g + b] = 0f;
                if (rng.nextInt(5) == 0) { // a third zero: neither a nor b
                    int c = (a + 1) % 4 == b ? (a + 2) % 4 : (a + 1) % 4;
                    w[g + c] = 0f;
                }
            }
            float[] x = new float[cols + 5];
            rng.fillUniform(x, -1, 1);
            for (ValueType t : new ValueType[] {ValueType.F32, ValueType.INT8}) {
                NofMMatrix nm = (NofMMatrix) SparseMatrices.pack(w, rows, cols, SparseSpec.nOfM(2, 4, t));
                float[] d = nm.toDense();
                float[] y = new float[rows + 2];
                for (int r = 0; r < rows; r += 4) {
                    if (t == ValueType.F32) {
                        nm.rows4Wide24F32(r, cols & ~15, x, 5, y, 2);
                    } else {
                        nm.rows4Wide24I8(r, cols & ~15, x, 5, y, 2);
                    }
                }
                assertMatvec(d, rows, cols, x, 5, y, 2, "2:4 wide " + t + " cols " + cols);
                if (t == ValueType.F32) { // two blocks at once: rows 0–7, then the last block of four alone
                    float[] y8 = new float[rows + 2];
                    nm.rows8Wide24F32(0, cols & ~15, x, 5, y8, 2);
                    nm.rows4Wide24F32(8, cols & ~15, x, 5, y8, 2);
                    assertMatvec(d, rows, cols, x, 5, y8, 2, "2:4 wide, eight rows, cols " + cols);
                    NofMMatrix nb = (NofMMatrix) SparseMatrices.pack(w, rows, cols, SparseSpec.nOfM(2, 4, ValueType.BF16));
                    float[] yb = new float[rows + 2];
                    nb.rows8Wide24Bf16(0, cols & ~15, x, 5, yb, 2);
                    assertMatvec(nb.toDense(), 8, cols, x, 5, yb, 2, "2:4 wide BF16, eight rows, cols " + cols);
                }
            }
        }
    }

    @Test
    void maskDecidesWhatIsKeptEvenForZeroValues() {
        int rows = 9;
        int cols = 24;
        Rng rng = new Rng(5);
        float[] w = new float[rows * cols];
        rng.fillUniform(w, -1, 1);
        boolean[] keep = new boolean[w.length];
        for (int g = 0; g < w.length / 4; g++) {
            keep[4 * g + rng.nextInt(2)] = true;
            keep[4 * g + 2 + rng.nextInt(2)] = true;
        }
        int first = keep[0] ? 0 : 1;
        w[first] = 0f; // a kept zero is stored and counted
        float[] expected = new float[w.length];
        long kept = 0;
        for (int i = 0; i < w.length; i++) {
            expected[i] = keep[i] ? w[i] : 0f;
            kept += keep[i] ? 1 : 0;
        }
        for (SparseSpec spec : List.of(SparseSpec.of(SparseFormat.CSR, ValueType.F32), SparseSpec.of(SparseFormat.BITMASK, ValueType.F32),
                SparseSpec.nOfM(2, 4, ValueType.F32), SparseSpec.of(SparseFormat.DENSE, ValueType.F32))) {
            SparseMatrix s = SparseMatrices.pack(w, keep, rows, cols, spec);
            assertArrayEquals(expected, s.toDense(), 0f, spec.label());
            if (spec.format() != SparseFormat.DENSE) {
                assertEquals(kept, s.nnz(), spec.label() + " nnz");
            }
        }
    }

    @Test
    void bytesPerWeightFollowTheLayouts() {
        int rows = 64;
        int cols = 4096;
        Rng rng = new Rng(9);
        float[] w = prunedWeights(SparseSpec.nOfM(2, 4, ValueType.F32), rows, cols, rng);
        // every group of 4 keeps 2 values (+ padding) and 4 index bits: 2.125 bytes per weight in F32
        assertEquals(2.125, SparseMatrices.pack(w, rows, cols, SparseSpec.nOfM(2, 4, ValueType.F32)).bytesPerWeight(), 1e-9);
        assertEquals(1.125, SparseMatrices.pack(w, rows, cols, SparseSpec.nOfM(2, 4, ValueType.BF16)).bytesPerWeight(), 1e-9);
        SparseMatrix bm = SparseMatrices.pack(w, rows, cols, SparseSpec.of(SparseFormat.BITMASK, ValueType.F32));
        double expectedBitmask = (bm.nnz() * 4.0 + rows * cols / 8.0 + 4.0 * (rows + 1)) / (rows * cols);
        assertEquals(expectedBitmask, bm.bytesPerWeight(), 1e-9);
        SparseMatrix csr = SparseMatrices.pack(w, rows, cols, SparseSpec.of(SparseFormat.CSR, ValueType.F32));
        assertEquals("csr16", csr.formatName());
        assertEquals((csr.nnz() * 6.0 + 4.0 * (rows + 1)) / (rows * cols), csr.bytesPerWeight(), 1e-9);
        assertEquals(4.0, SparseMatrices.pack(w, rows, cols, SparseSpec.of(SparseFormat.DENSE, ValueType.F32)).bytesPerWeight(), 1e-9);
    }

    @Test
    void wideMatricesUse32BitCsrIndices() {
        int cols = 70_000;
        float[] w = new float[2 * cols];
        w[69_999] = 1.5f;
        w[cols + 3] = -2f;
        SparseMatrix s = SparseMatrices.pack(w, 2, cols, SparseSpec.of(SparseFormat.CSR, ValueType.F32));
        assertEquals("csr32", s.formatName());
        float[] x = new float[cols];
        x[69_999] = 2f;
        x[3] = 1f;
        float[] y = new float[2];
        ((AbstractSparseMatrix) s).matvecFast(x, 0, y, 0);
        assertArrayEquals(new float[] {3f, -2f}, y, 0f);
    }

    @Test
    void badInputsAreNamed() {
        float[] w = {1, 1, 1, 0, 0, 0, 0, 1};
        BadInputException tooMany = assertThrows(BadInputException.class,
                () -> SparseMatrices.pack(w, 1, 8, SparseSpec.nOfM(2, 4, ValueType.F32)));
        assertTrue(tooMany.getMessage().contains("row 0, columns 0…3"), tooMany.getMessage());
        BadInputException width = assertThrows(BadInputException.class,
                () -> SparseMatrices.pack(new float[6], 1, 6, SparseSpec.nOfM(2, 4, ValueType.F32)));
        assertTrue(width.getMessage().contains("multiple of 4"), width.getMessage());
        BadInputException length = assertThrows(BadInputException.class,
                () -> SparseMatrices.pack(new float[5], 2, 3, SparseSpec.of(SparseFormat.CSR, ValueType.F32)));
        assertTrue(length.getMessage().contains("expected 6"), length.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SparseSpec.of(SparseFormat.DENSE, ValueType.INT8));
    }

    @Test
    void halfVectorsConvertEveryBitPatternExactly() {
        short[] all = new short[65536 + PackedValues.PAD];
        for (int i = 0; i < 65536; i++) {
            all[i] = (short) i;
        }
        for (int p = 0; p < 65536; p += 8) {
            float[] f16 = Vec8.f16(all, p).toArray();
            float[] bf16 = Vec8.bf16(all, p).toArray();
            for (int j = 0; j < 8; j++) {
                float e16 = Float.float16ToFloat(all[p + j]);
                float eb = Halfs.bf16ToFloat(all[p + j]);
                assertTrue(Float.compare(e16, f16[j]) == 0 || (Float.isNaN(e16) && Float.isNaN(f16[j])),
                        "f16 bits " + Integer.toHexString(p + j) + ": " + e16 + " vs " + f16[j]);
                assertTrue(Float.compare(eb, bf16[j]) == 0 || (Float.isNaN(eb) && Float.isNaN(bf16[j])),
                        "bf16 bits " + Integer.toHexString(p + j));
            }
        }
    }
}

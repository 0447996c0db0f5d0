package dev.prune4j.sparse;

import dev.prune4j.kernels.Lanes;

import dev.prune4j.kernels.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Compressed sparse rows: row pointers, column indices (16-bit {@code char}s when cols ≤ 65536,
 * else 32-bit ints) and the values. Index bytes grow with the non-zeros, so CSR wins at high
 * sparsity (≳ 85%), where the bitmask's fixed 1/8 byte per weight dominates. The F32 matvec with
 * 16-bit indices widens 8 indices at a time into a small int buffer and gathers x with an 8-lane
 * vector gather (vgatherdps on AVX2; the Vector API's gather takes its indices from an int array):
 * measured 1.3× faster than the four-way unrolled scalar loop (the other value types still use it)
 * on an AMD Zen 3 at 90% sparsity.
 */
final class CsrMatrix extends AbstractSparseMatrix {
    /** rowPtr: [rows + 1] */
    final int[] rowPtr;
    /** Column indices when cols ≤ 65536, as unsigned 16-bit values (else empty). */
    final short[] col16;
    /** Column indices when cols > 65536 (else empty). */
    final int[] col32;
    final PackedValues values;

    CsrMatrix(int rows, int cols, int[] rowPtr, short[] col16, int[] col32, PackedValues values) {
        super(rows, cols);
        this.rowPtr = rowPtr;
        this.col16 = col16;
        this.col32 = col32;
        this.values = values;
    }

    static CsrMatrix of(float[] w, boolean[] keep, int rows, int cols, ValueType type) {
        int nnz = SparseMatrices.countKept(w, keep);
        boolean narrow = cols <= 65536;
        short[] c16 = new short[narrow ? nnz : 0];
        int[] c32 = new int[narrow ? 0 : nnz];
        int[] rowPtr = new int[rows + 1];
        float[] vals = new float[nnz];
        int n = 0;
        for (int r = 0; r < rows; r++) {
            rowPtr[r] = n;
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                if (SparseMatrices.kept(w, keep, i)) {
                    if (narrow) {
                        c16[n] = (short) c;
                    } else {
                        c32[n] = c;
                    }
                    vals[n++] = w[i];
                }
            }
        }
        rowPtr[rows] = n;
        return new CsrMatrix(rows, cols, rowPtr, c16, c32, PackedValues.pack(type, vals, n, rowPtr, rows));
    }

    @Override
    AbstractSparseMatrix copy() {
        return new CsrMatrix(rows, cols, rowPtr.clone(), col16.clone(), col32.clone(), values.copy());
    }

    private boolean narrow() {
        return cols <= 65536;
    }

    private int col(int p) {
        return narrow() ? col16[p] & 0xFFFF : col32[p];
    }

    @Override
    public long nnz() {
        return values.count;
    }

    @Override
    public long bytes() {
        return 2L * col16.length + 4L * col32.length + 4L * rowPtr.length + values.bytes();
    }

    @Override
    public SparseFormat format() {
        return SparseFormat.CSR;
    }

    @Override
    public ValueType valueType() {
        return values.type;
    }

    @Override
    public String formatName() {
        return narrow() ? "csr16" : "csr32";
    }

    @Override
    public int row(int r, int[] colsOut, float[] valsOut) {
        float s = values.scale(r);
        int n = 0;
        for (int p = rowPtr[r]; p < rowPtr[r + 1]; p++) {
            colsOut[n] = col(p);
            valsOut[n++] = values.raw(p) * s;
        }
        return n;
    }

    @Override
    void matvecFast(float[] x, int xOff, float[] y, int yOff) {
        boolean fast = narrow() && values.type == ValueType.F32;
        Parallel.forRange(rows, 8, streamNanos(bytes()), (r0, r1) -> {
            if (fast && Vec16.WIDE) {
                int[] lanes = new int[64];
                float[] lt = new float[16]; // lanes for Lanes.sumStored: no vector crosses a call
                int quarter = (r1 - r0) >>> 2;
                for (int i = 0; i < quarter; i++) { // one row from each quarter of the range
                    int a = r0 + i;
                    dot4F32Wide(a, a + quarter, a + 2 * quarter, a + 3 * quarter, x, xOff, lanes, lt, y, yOff);
                }
                for (int r = r0 + 4 * quarter; r < r1; r++) {
                    y[yOff + r] = restWide(rowPtr[r], rowPtr[r + 1], values.f32, col16, x, xOff, lanes, lt);
                }
                return;
            }
            if (fast) {
                int[] lanes = new int[32];
                float[] lt = new float[8]; // lanes for Lanes.sumStored: no vector crosses a call
                int half = (r1 - r0) >>> 1;
                for (int i = 0; i < half; i++) { // row a from the first half, row b from the second
                    int a = r0 + i;
                    int b = r0 + half + i;
                    dot2F32(rowPtr[a], rowPtr[a + 1], rowPtr[b], rowPtr[b + 1], values.f32, col16, x, xOff, lanes, lt, y, yOff + a, yOff + b);
                }
                if (((r1 - r0) & 1) != 0) {
                    y[yOff + r1 - 1] = dotF32(rowPtr[r1 - 1], rowPtr[r1], values.f32, col16, x, xOff, lanes, lt);
                }
                return;
            }
            for (int r = r0; r < r1; r++) {
                y[yOff + r] = dotAny(rowPtr[r], rowPtr[r + 1], x, xOff) * values.scale(r);
            }
        });
    }

    /**
     * Two rows' {@link #dotF32} in one loop, into y[ya] and y[yb] ({@code lanes}: [32] and
     * {@code lt}: [8] scratch).
     * The rows are far apart, so the loop reads two value streams and two column streams side by
     * side: with one row at a time the memory time added to the compute time (4.0× dense at 90 %
     * on a Sapphire Rapids-class Xeon, cold, against a limit of 6.6×).
     */
    private static void dot2F32(int a0, int a1, int b0, int b1, float[] v, short[] c, float[] x, int xOff, int[] lanes,
                                float[] lt, float[] y, int ya, int yb) {
        FloatVector accA0 = FloatVector.zero(Vec8.F);
        FloatVector accA1 = accA0;
        FloatVector accB0 = accA0;
        FloatVector accB1 = accA0;
        int steps = Math.min(a1 - a0, b1 - b0) >>> 4;
        int pa = a0;
        int pb = b0;
        for (int i = 0; i < steps; i++, pa += 16, pb += 16) {
            ((IntVector) ShortVector.fromArray(Vec8.H, c, pa).convertShape(VectorOperators.ZERO_EXTEND_S2I, Vec8.I, 0))
                    .intoArray(lanes, 0);
            ((IntVector) ShortVector.fromArray(Vec8.H, c, pa + 8).convertShape(VectorOperators.ZERO_EXTEND_S2I, Vec8.I, 0))
                    .intoArray(lanes, 8);
            ((IntVector) ShortVector.fromArray(Vec8.H, c, pb).convertShape(VectorOperators.ZERO_EXTEND_S2I, Vec8.I, 0))
                    .intoArray(lanes, 16);
            ((IntVector) ShortVector.fromArray(Vec8.H, c, pb + 8).convertShape(VectorOperators.ZERO_EXTEND_S2I, Vec8.I, 0))
                    .intoArray(lanes, 24);
            accA0 = FloatVector.fromArray(Vec8.F, v, pa).fma(FloatVector.fromArray(Vec8.F, x, xOff, lanes, 0), accA0);
            accA1 = FloatVector.fromArray(Vec8.F, v, pa + 8).fma(FloatVector.fromArray(Vec8.F, x, xOff, lanes, 8), accA1);
            accB0 = FloatVector.fromArray(Vec8.F, v, pb).fma(FloatVector.fromArray(Vec8.F, x, xOff, lanes, 16), accB0);
            accB1 = FloatVector.fromArray(Vec8.F, v, pb + 8).fma(FloatVector.fromArray(Vec8.F, x, xOff, lanes, 24), accB1);
        }
        accA0.add(accA1).intoArray(lt, 0);
        y[ya] = Lanes.sumStored(lt, 8) + dotF32(pa, a1, v, c, x, xOff, lanes, lt);
        accB0.add(accB1).intoArray(lt, 0);
        y[yb] = Lanes.sumStored(lt, 8) + dotF32(pb, b1, v, c, x, xOff, lanes, lt);
    }

    /**
     * Rows a, b, c, d (far apart) on 16 lanes, into y[yOff + row]: per step 16 values of each row
     * times one 16-lane gather of x, the four value and column streams read side by side; the
     * rows' remaining values (past the shortest row's last full step) by {@link #restWide}.
     * {@code lanes}: [64] and {@code lt}: [16] scratch. On a Sapphire Rapids-class Xeon (2 vCPUs,
     * 4096² weights at 90 %, streamed from memory, each variant in its own JVM against dense in
     * the same rounds) four rows with 16-lane gathers ran 4.1–5.3× dense, against 3.3–4.5× for
     * two rows with 8-lane gathers ({@link #dot2F32}), 3.7–6.5× for four rows with 8-lane
     * gathers and 3.2–4.5× for two rows with 16-lane gathers.
     */
    void dot4F32Wide(int a, int b, int c, int d, float[] x, int xOff, int[] lanes, float[] lt, float[] y, int yOff) {
        float[] v = values.f32;
        short[] col = col16;
        int pa = rowPtr[a];
        int pb = rowPtr[b];
        int pc = rowPtr[c];
        int pd = rowPtr[d];
        int ea = rowPtr[a + 1];
        int eb = rowPtr[b + 1];
        int ec = rowPtr[c + 1];
        int ed = rowPtr[d + 1];
        int steps = Math.min(Math.min(ea - pa, eb - pb), Math.min(ec - pc, ed - pd)) >>> 4;
        FloatVector accA = FloatVector.zero(Vec16.F);
        FloatVector accB = accA;
        FloatVector accC = accA;
        FloatVector accD = accA;
        for (int i = 0; i < steps; i++, pa += 16, pb += 16, pc += 16, pd += 16) {
            ((IntVector) ShortVector.fromArray(Vec16.H, col, pa).convertShape(VectorOperators.ZERO_EXTEND_S2I, Vec16.I, 0))
                    .intoArray(lanes, 0);
            ((IntVector) ShortVector.fromArray(Vec16.H, col, pb).convertShape(VectorOperators.ZERO_EXTEND_S2I, Vec16.I, 0))
                    .intoArray(lanes, 16);
            ((IntVector) ShortVector.fromArray(Vec16.H, col, pc).convertShape(VectorOperators.ZERO_EXTEND_S2I, Vec16.I, 0))
                    .intoArray(lanes, 32);
            ((IntVector) ShortVector.fromArray(Vec16.H, col, pd).convertShape(VectorOperators.ZERO_EXTEND_S2I, Vec16.I, 0))
                    .intoArray(lanes, 48);
            accA = FloatVector.fromArray(Vec16.F, v, pa).fma(FloatVector.fromArray(Vec16.F, x, xOff, lanes, 0), accA);
            accB = FloatVector.fromArray(Vec16.F, v, pb).fma(FloatVector.fromArray(Vec16.F, x, xOff, lanes, 16), accB);
            accC = FloatVector.fromArray(Vec16.F, v, pc).fma(FloatVector.fromArray(Vec16.F, x, xOff, lanes, 32), accC);
            accD = FloatVector.fromArray(Vec16.F, v, pd).fma(FloatVector.fromArray(Vec16.F, x, xOff, lanes, 48), accD);
        }
        accA.intoArray(lt, 0);
        float sa = Lanes.sumStored(lt, 16);
        accB.intoArray(lt, 0);
        float sb = Lanes.sumStored(lt, 16);
        accC.intoArray(lt, 0);
        float sc = Lanes.sumStored(lt, 16);
        accD.intoArray(lt, 0);
        float sd = Lanes.sumStored(lt, 16);
        y[yOff + a] = sa + restWide(pa, ea, v, col, x, xOff, lanes, lt);
        y[yOff + b] = sb + restWide(pb, eb, v, col, x, xOff, lanes, lt);
        y[yOff + c] = sc + restWide(pc, ec, v, col, x, xOff, lanes, lt);
        y[yOff + d] = sd + restWide(pd, ed, v, col, x, xOff, lanes, lt);
    }

    /**
     * The rest of one row after {@link #dot4F32Wide}'s shared loop: 16 values a step with the same
     * 16-lane gather, then scalar. Not {@link #dotF32}: with its 8-lane steps for the rest of the
     * rows, the four-row kernel took 1.3 ms in cache instead of 0.5 (4096², 90 %, 2 vCPUs of a
     * Sapphire Rapids-class Xeon).
     */
    private static float restWide(int p0, int p1, float[] v, short[] c, float[] x, int xOff, int[] lanes, float[] lt) {
        FloatVector acc = FloatVector.zero(Vec16.F);
        int p = p0;
        for (; p + 15 < p1; p += 16) {
            ((IntVector) ShortVector.fromArray(Vec16.H, c, p).convertShape(VectorOperators.ZERO_EXTEND_S2I, Vec16.I, 0))
                    .intoArray(lanes, 0);
            acc = FloatVector.fromArray(Vec16.F, v, p).fma(FloatVector.fromArray(Vec16.F, x, xOff, lanes, 0), acc);
        }
        acc.intoArray(lt, 0);
        float s = Lanes.sumStored(lt, 16);
        for (; p < p1; p++) {
            s += v[p] * x[xOff + (c[p] & 0xFFFF)];
        }
        return s;
    }

    /**
     * Σ v[p]·x[xOff + c[p]] over [p0, p1): 16 values a step as two 8-lane gathers of x, whose
     * indices are the 16-bit columns zero-extended into {@code lanes} ([16], scratch); the rest
     * in scalar. {@code lt}: [8] scratch for the lane sum.
     */
    private static float dotF32(int p0, int p1, float[] v, short[] c, float[] x, int xOff, int[] lanes, float[] lt) {
        FloatVector acc0 = FloatVector.zero(Vec8.F);
        FloatVector acc1 = FloatVector.zero(Vec8.F);
        int p = p0;
        for (; p + 15 < p1; p += 16) {
            ((IntVector) ShortVector.fromArray(Vec8.H, c, p).convertShape(VectorOperators.ZERO_EXTEND_S2I, Vec8.I, 0))
                    .intoArray(lanes, 0);
            ((IntVector) ShortVector.fromArray(Vec8.H, c, p + 8).convertShape(VectorOperators.ZERO_EXTEND_S2I, Vec8.I, 0))
                    .intoArray(lanes, 8);
            acc0 = FloatVector.fromArray(Vec8.F, v, p).fma(FloatVector.fromArray(Vec8.F, x, xOff, lanes, 0), acc0);
            acc1 = FloatVector.fromArray(Vec8.F, v, p + 8).fma(FloatVector.fromArray(Vec8.F, x, xOff, lanes, 8), acc1);
        }
        acc0.add(acc1).intoArray(lt, 0);
        float s = Lanes.sumStored(lt, 8);
        for (; p < p1; p++) {
            s += v[p] * x[xOff + (c[p] & 0xFFFF)];
        }
        return s;
    }

    private float dotAny(int p0, int p1, float[] x, int xOff) {
        float s0 = 0f;
        float s1 = 0f;
        int p = p0;
        for (; p + 1 < p1; p += 2) {
            s0 += values.raw(p) * x[xOff + col(p)];
            s1 += values.raw(p + 1) * x[xOff + col(p + 1)];
        }
        for (; p < p1; p++) {
            s0 += values.raw(p) * x[xOff + col(p)];
        }
        return s0 + s1;
    }
}

package dev.prune4j.sparse;

import dev.prune4j.kernels.Lanes;

import dev.prune4j.kernels.Bf16Gemm;
import dev.prune4j.kernels.Kernels;
import dev.prune4j.kernels.Parallel;
import dev.prune4j.tensor.Halfs;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Dense weights kept in BF16 or F16 (2 bytes per weight) and widened to float32 in registers:
 * a decode matvec streams half the bytes of float32, which is the whole point for a
 * memory-bound step. Prefill of BF16 weights runs the blocked GEMM that widens W while packing it
 * ({@link Bf16Gemm}); F16 widens blocks of rows into a float32 panel and runs the dense GEMM.
 */
final class DenseHalfMatrix extends AbstractSparseMatrix {
    /** Rows widened per GEMM panel (about 4 MiB of float32 per panel at most). */
    private static final int PANEL_FLOATS = 1 << 20;
    /** w: [rows, cols] as BF16/F16 bits, then {@link PackedValues#PAD} zeros. */
    final short[] w;
    private final ValueType type;

    DenseHalfMatrix(short[] w, int rows, int cols, ValueType type) {
        super(rows, cols);
        if (type != ValueType.BF16 && type != ValueType.F16) {
            throw new IllegalArgumentException("half-precision dense matrix needs BF16 or F16, found " + type);
        }
        if (w.length < (long) rows * cols + PackedValues.PAD) {
            throw new IllegalArgumentException("half weights: need " + ((long) rows * cols + PackedValues.PAD)
                    + " entries (with padding), found " + w.length);
        }
        this.w = w;
        this.type = type;
    }

    static DenseHalfMatrix of(float[] w, boolean[] keep, int rows, int cols, ValueType type) {
        short[] h = new short[w.length + PackedValues.PAD];
        for (int i = 0; i < w.length; i++) {
            float v = SparseMatrices.kept(w, keep, i) ? w[i] : 0f;
            h[i] = type == ValueType.BF16 ? Halfs.floatToBf16(v) : Halfs.floatToF16(v);
        }
        return new DenseHalfMatrix(h, rows, cols, type);
    }

    @Override
    AbstractSparseMatrix copy() {
        return new DenseHalfMatrix(w.clone(), rows, cols, type);
    }

    @Override
    public long nnz() {
        long n = 0;
        int size = rows * cols;
        for (int i = 0; i < size; i++) {
            if ((w[i] & 0x7fff) != 0) {
                n++;
            }
        }
        return n;
    }

    @Override
    public long bytes() {
        return 2L * rows * cols;
    }

    @Override
    public SparseFormat format() {
        return SparseFormat.DENSE;
    }

    @Override
    public ValueType valueType() {
        return type;
    }

    @Override
    public String formatName() {
        return "dense";
    }

    private float value(int i) {
        return type == ValueType.BF16 ? Halfs.bf16ToFloat(w[i]) : Halfs.f16ToFloat(w[i]);
    }

    @Override
    public int row(int r, int[] cols, float[] vals) {
        int n = 0;
        for (int c = 0; c < this.cols; c++) {
            float v = value(r * this.cols + c);
            if (v != 0f) {
                cols[n] = c;
                vals[n++] = v;
            }
        }
        return n;
    }

    @Override
    public float[] toDense() {
        float[] d = new float[rows * cols];
        for (int i = 0; i < d.length; i++) {
            d[i] = value(i);
        }
        return d;
    }

    @Override
    void matvecFast(float[] x, int xOff, float[] y, int yOff) {
        if (type == ValueType.BF16) {
            // x split into its even and odd elements once, so that the weights can be widened
            // 16 at a time without any lane shuffles (see rowsBf16)
            int pairs = cols / 2;
            float[] xe = new float[pairs];
            float[] xo = new float[pairs];
            for (int i = 0; i < pairs; i++) {
                xe[i] = x[xOff + 2 * i];
                xo[i] = x[xOff + 2 * i + 1];
            }
            Parallel.forRange(rows, 4, streamNanos(bytes()), (r0, r1) -> rowsBf16(r0, r1, x, xOff, xe, xo, y, yOff));
        } else {
            Parallel.forRange(rows, 4, streamNanos(bytes()), (r0, r1) -> rowsF16(r0, r1, x, xOff, y, yOff));
        }
    }

    /**
     * Four rows a pass, 16 columns a step. Sixteen BF16 weights are one 256-bit load; read as 8
     * ints, each holds an even element in its low half and the odd one in its high half, so
     * {@code int << 16} are the even elements as floats and {@code int & 0xffff0000} the odd ones
     * (BF16 is the top half of a float). They meet x's even and odd elements ({@code xe},
     * {@code xo}): two FMAs per 16 weights, no conversion instructions.
     */
    private void rowsBf16(int r0, int r1, float[] x, int xOff, float[] xe, float[] xo, float[] y, int yOff) {
        int full = cols & ~15;
        float[] lt = new float[8]; // lanes for Lanes.sumStored: no vector crosses a call
        int r = r0;
        for (; r + 3 < r1; r += 4) {
            int w0 = r * cols;
            int w1 = w0 + cols;
            int w2 = w1 + cols;
            int w3 = w2 + cols;
            FloatVector s0 = FloatVector.zero(Vec8.F);
            FloatVector s1 = FloatVector.zero(Vec8.F);
            FloatVector s2 = FloatVector.zero(Vec8.F);
            FloatVector s3 = FloatVector.zero(Vec8.F);
            for (int c = 0; c < full; c += 16) {
                FloatVector ev = FloatVector.fromArray(Vec8.F, xe, c >> 1);
                FloatVector od = FloatVector.fromArray(Vec8.F, xo, c >> 1);
                IntVector p0 = pairsOf(w0 + c);
                IntVector p1 = pairsOf(w1 + c);
                IntVector p2 = pairsOf(w2 + c);
                IntVector p3 = pairsOf(w3 + c);
                s0 = even(p0).fma(ev, odd(p0).fma(od, s0));
                s1 = even(p1).fma(ev, odd(p1).fma(od, s1));
                s2 = even(p2).fma(ev, odd(p2).fma(od, s2));
                s3 = even(p3).fma(ev, odd(p3).fma(od, s3));
            }
            s0.intoArray(lt, 0);
            y[yOff + r] = Lanes.sumStored(lt, 8) + tail(w0, full, x, xOff);
            s1.intoArray(lt, 0);
            y[yOff + r + 1] = Lanes.sumStored(lt, 8) + tail(w1, full, x, xOff);
            s2.intoArray(lt, 0);
            y[yOff + r + 2] = Lanes.sumStored(lt, 8) + tail(w2, full, x, xOff);
            s3.intoArray(lt, 0);
            y[yOff + r + 3] = Lanes.sumStored(lt, 8) + tail(w3, full, x, xOff);
        }
        for (; r < r1; r++) {
            int w0 = r * cols;
            FloatVector s0 = FloatVector.zero(Vec8.F);
            for (int c = 0; c < full; c += 16) {
                IntVector p0 = pairsOf(w0 + c);
                s0 = even(p0).fma(FloatVector.fromArray(Vec8.F, xe, c >> 1),
                        odd(p0).fma(FloatVector.fromArray(Vec8.F, xo, c >> 1), s0));
            }
            s0.intoArray(lt, 0);
            y[yOff + r] = Lanes.sumStored(lt, 8) + tail(w0, full, x, xOff);
        }
    }

    /** 16 BF16 values from {@code p} as 8 ints (element 2i in the low half of int i). */
    private IntVector pairsOf(int p) {
        return ShortVector.fromArray(ShortVector.SPECIES_256, w, p).reinterpretAsInts();
    }

    private static FloatVector even(IntVector pairs) {
        return pairs.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    private static FloatVector odd(IntVector pairs) {
        return pairs.and(0xffff0000).reinterpretAsFloats();
    }

    private void rowsF16(int r0, int r1, float[] x, int xOff, float[] y, int yOff) {
        int full = cols & ~7;
        float[] lt = new float[8]; // lanes for Lanes.sumStored: no vector crosses a call
        for (int r = r0; r < r1; r++) {
            int w0 = r * cols;
            FloatVector s0 = FloatVector.zero(Vec8.F);
            int c = 0;
            for (; c < full; c += 8) {
                s0 = Vec8.f16(w, w0 + c).fma(FloatVector.fromArray(Vec8.F, x, xOff + c), s0);
            }
            s0.intoArray(lt, 0);
            y[yOff + r] = Lanes.sumStored(lt, 8) + tail(w0, c, x, xOff);
        }
    }

    private float tail(int rowStart, int c, float[] x, int xOff) {
        float s = 0f;
        for (; c < cols; c++) {
            s += value(rowStart + c) * x[xOff + c];
        }
        return s;
    }

    @Override
    void gemmTFast(int m, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
        if (m < 4) {
            for (int i = 0; i < m; i++) {
                matvecFast(x, xOff + i * ldx, y, yOff + i * ldy);
            }
            return;
        }
        if (type == ValueType.BF16) {
            // Y = X · Wᵀ in the blocked GEMM, which widens W's blocks while it copies them
            Bf16Gemm.gemmT(m, rows, cols, x, xOff, ldx, w, 0, cols, y, yOff, ldy);
            return;
        }
        // F16: Y[:, r0..r1) = X · panelᵀ with the panel's rows widened to float32
        int panelRows = Math.max(4, Math.min(rows, PANEL_FLOATS / cols));
        float[] panel = new float[panelRows * cols]; // panel: [panelRows, cols]
        for (int r0 = 0; r0 < rows; r0 += panelRows) {
            int nr = Math.min(panelRows, rows - r0);
            int base = r0 * cols;
            for (int i = 0; i < nr * cols; i++) {
                panel[i] = value(base + i);
            }
            Kernels.get().gemmT(m, nr, cols, x, xOff, ldx, panel, 0, cols, 0f, y, yOff + r0, ldy);
        }
    }
}

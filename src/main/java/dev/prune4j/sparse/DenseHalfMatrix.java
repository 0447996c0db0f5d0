package dev.prune4j.sparse;

import dev.prune4j.kernels.Kernels;
import dev.prune4j.kernels.Parallel;
import dev.prune4j.tensor.Halfs;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Dense weights kept in BF16 or F16 (2 bytes per weight) and widened to float32 in registers:
 * a decode matvec streams half the bytes of float32, which is the whole point for a
 * memory-bound step. Prefill widens blocks of rows into a float32 panel and runs our dense GEMM.
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
        Parallel.forRange(rows, 4, streamNanos(bytes()), (r0, r1) -> {
            if (type == ValueType.BF16) {
                rowsBf16(r0, r1, x, xOff, y, yOff);
            } else {
                rowsF16(r0, r1, x, xOff, y, yOff);
            }
        });
    }

    /** Four rows a pass, 8 columns a step: one load of x feeds four FMAs on four weight streams. */
    private void rowsBf16(int r0, int r1, float[] x, int xOff, float[] y, int yOff) {
        int full = cols & ~7;
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
            int c = 0;
            for (; c < full; c += 8) {
                FloatVector xv = FloatVector.fromArray(Vec8.F, x, xOff + c);
                s0 = Vec8.bf16(w, w0 + c).fma(xv, s0);
                s1 = Vec8.bf16(w, w1 + c).fma(xv, s1);
                s2 = Vec8.bf16(w, w2 + c).fma(xv, s2);
                s3 = Vec8.bf16(w, w3 + c).fma(xv, s3);
            }
            y[yOff + r] = s0.reduceLanes(VectorOperators.ADD) + tail(w0, c, x, xOff);
            y[yOff + r + 1] = s1.reduceLanes(VectorOperators.ADD) + tail(w1, c, x, xOff);
            y[yOff + r + 2] = s2.reduceLanes(VectorOperators.ADD) + tail(w2, c, x, xOff);
            y[yOff + r + 3] = s3.reduceLanes(VectorOperators.ADD) + tail(w3, c, x, xOff);
        }
        for (; r < r1; r++) {
            int w0 = r * cols;
            FloatVector s0 = FloatVector.zero(Vec8.F);
            int c = 0;
            for (; c < full; c += 8) {
                s0 = Vec8.bf16(w, w0 + c).fma(FloatVector.fromArray(Vec8.F, x, xOff + c), s0);
            }
            y[yOff + r] = s0.reduceLanes(VectorOperators.ADD) + tail(w0, c, x, xOff);
        }
    }

    private void rowsF16(int r0, int r1, float[] x, int xOff, float[] y, int yOff) {
        int full = cols & ~7;
        for (int r = r0; r < r1; r++) {
            int w0 = r * cols;
            FloatVector s0 = FloatVector.zero(Vec8.F);
            int c = 0;
            for (; c < full; c += 8) {
                s0 = Vec8.f16(w, w0 + c).fma(FloatVector.fromArray(Vec8.F, x, xOff + c), s0);
            }
            y[yOff + r] = s0.reduceLanes(VectorOperators.ADD) + tail(w0, c, x, xOff);
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
        // Y[:, r0..r1) = X · panelᵀ with the panel's rows widened to float32
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

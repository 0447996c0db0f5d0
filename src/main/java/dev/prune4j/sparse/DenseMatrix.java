package dev.prune4j.sparse;

import dev.prune4j.kernels.Kernels;

/** Dense float32 fallback: our dense kernels ({@link Kernels#get()}) behind the same interface. */
final class DenseMatrix extends AbstractSparseMatrix {
    /** w: [rows, cols] */
    final float[] w;

    DenseMatrix(float[] w, int rows, int cols) {
        super(rows, cols);
        this.w = w;
    }

    static DenseMatrix of(float[] w, boolean[] keep, int rows, int cols) {
        float[] d = w.clone();
        if (keep != null) {
            for (int i = 0; i < d.length; i++) {
                if (!keep[i]) {
                    d[i] = 0f;
                }
            }
        }
        return new DenseMatrix(d, rows, cols);
    }

    @Override
    AbstractSparseMatrix copy() {
        return new DenseMatrix(w.clone(), rows, cols);
    }

    @Override
    public long nnz() { // counted on each call: the array may be a live weight that pruning changes
        long n = 0;
        for (float v : w) {
            if (v != 0f) {
                n++;
            }
        }
        return n;
    }

    @Override
    public long bytes() {
        return 4L * w.length;
    }

    @Override
    public SparseFormat format() {
        return SparseFormat.DENSE;
    }

    @Override
    public ValueType valueType() {
        return ValueType.F32;
    }

    @Override
    public String formatName() {
        return "dense";
    }

    @Override
    public int row(int r, int[] cols, float[] vals) {
        int n = 0;
        for (int c = 0; c < this.cols; c++) {
            float v = w[r * this.cols + c];
            if (v != 0f) {
                cols[n] = c;
                vals[n++] = v;
            }
        }
        return n;
    }

    @Override
    public float[] toDense() {
        return w.clone();
    }

    @Override
    void matvecFast(float[] x, int xOff, float[] y, int yOff) {
        Kernels.get().matvec(rows, cols, w, 0, cols, x, xOff, y, yOff);
    }

    @Override
    void gemmTFast(int m, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
        Kernels.get().gemmT(m, rows, cols, x, xOff, ldx, w, 0, cols, 0f, y, yOff, ldy);
    }
}

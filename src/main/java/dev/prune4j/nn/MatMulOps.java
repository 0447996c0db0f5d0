package dev.prune4j.nn;

import dev.prune4j.kernels.Kernels;

/** Matrix products and the row bias, on the GEMM kernels. */
final class MatMulOps {
    private static final Kernels K = Kernels.get();

    private MatMulOps() {
    }

    /** out[n, m] = a[m, n]ᵀ. */
    static float[] transpose(float[] a, int m, int n) {
        float[] t = new float[a.length];
        for (int i0 = 0; i0 < m; i0 += 32) {
            int i1 = Math.min(m, i0 + 32);
            for (int j0 = 0; j0 < n; j0 += 32) {
                int j1 = Math.min(n, j0 + 32);
                for (int i = i0; i < i1; i++) {
                    for (int j = j0; j < j1; j++) {
                        t[j * m + i] = a[i * n + j];
                    }
                }
            }
        }
        return t;
    }

    /** y = a·bᵀ, the linear-layer product. a: [m, k], b: [n, k] (weights [out, in]), y: [m, n]. */
    static final class MatMulT extends Op {
        private final int m;
        private final int n;
        private final int k;

        private MatMulT(Variable a, Variable b, int m, int n, int k) {
            super(a, b);
            this.m = m;
            this.n = n;
            this.k = k;
        }

        static Variable apply(Variable a, Variable b) {
            Shapes.rank("matmulT", a, 2);
            Shapes.rank("matmulT", b, 2);
            int m = a.dim(0);
            int k = a.dim(1);
            int n = b.dim(0);
            if (b.dim(1) != k) {
                throw new IllegalArgumentException("matmulT: a is [" + m + ", " + k + "] but b is [" + n + ", " + b.dim(1) + "]; need b: [n, " + k + "]");
            }
            float[] y = new float[m * n];
            K.gemmT(m, n, k, a.value(), b.value(), y);
            return new MatMulT(a, b, m, n, k).output(y, m, n);
        }

        @Override
        public String name() {
            return "matmulT";
        }

        @Override
        protected void backward(Variable out) {
            float[] dy = out.grad(); // dy: [m, n]
            float[] da = gradOf(0);
            if (da != null) { // da[m, k] += dy[m, n]·b[n, k]
                K.gemm(m, k, n, dy, 0, n, inputs()[1].value(), 0, k, 1f, da, 0, k);
            }
            float[] db = gradOf(1);
            if (db != null) { // db[n, k] += dyᵀ[n, m]·a[m, k]
                K.gemm(n, k, m, transpose(dy, m, n), 0, m, inputs()[0].value(), 0, k, 1f, db, 0, k);
            }
        }
    }

    /** y = a·b. a: [m, k], b: [k, n], y: [m, n]. */
    static final class MatMul extends Op {
        private final int m;
        private final int n;
        private final int k;

        private MatMul(Variable a, Variable b, int m, int n, int k) {
            super(a, b);
            this.m = m;
            this.n = n;
            this.k = k;
        }

        static Variable apply(Variable a, Variable b) {
            Shapes.rank("matmul", a, 2);
            Shapes.rank("matmul", b, 2);
            int m = a.dim(0);
            int k = a.dim(1);
            int n = b.dim(1);
            if (b.dim(0) != k) {
                throw new IllegalArgumentException("matmul: a is [" + m + ", " + k + "] but b is [" + b.dim(0) + ", " + n + "]; need b: [" + k + ", n]");
            }
            float[] y = new float[m * n];
            K.gemm(m, n, k, a.value(), 0, k, b.value(), 0, n, 0f, y, 0, n);
            return new MatMul(a, b, m, n, k).output(y, m, n);
        }

        @Override
        public String name() {
            return "matmul";
        }

        @Override
        protected void backward(Variable out) {
            float[] dy = out.grad(); // dy: [m, n]
            float[] da = gradOf(0);
            if (da != null) { // da[m, k] += dy[m, n]·b[k, n]ᵀ
                K.gemmT(m, k, n, dy, 0, n, inputs()[1].value(), 0, n, 1f, da, 0, k);
            }
            float[] db = gradOf(1);
            if (db != null) { // db[k, n] += a[m, k]ᵀ·dy[m, n]
                K.gemm(k, n, m, transpose(inputs()[0].value(), m, k), 0, m, dy, 0, n, 1f, db, 0, n);
            }
        }
    }

    /** y[r, c] = x[r, c] + b[c]: the bias of a linear layer. */
    static final class AddRowBias extends Op {
        private final int rows;
        private final int cols;

        private AddRowBias(Variable x, Variable b, int rows, int cols) {
            super(x, b);
            this.rows = rows;
            this.cols = cols;
        }

        static Variable apply(Variable x, Variable b) {
            int cols = b.size();
            if (x.rank() < 1 || x.dim(x.rank() - 1) != cols) {
                throw new IllegalArgumentException("addRowBias: bias of " + cols + " values does not match the last dimension of " + x);
            }
            int rows = x.size() / Math.max(1, cols);
            float[] y = x.value().clone();
            float[] bv = b.value();
            for (int r = 0; r < rows; r++) {
                K.add(cols, y, r * cols, bv, 0, y, r * cols);
            }
            return new AddRowBias(x, b, rows, cols).output(y, x.shape());
        }

        @Override
        public String name() {
            return "addRowBias";
        }

        @Override
        protected void backward(Variable out) {
            float[] dy = out.grad();
            float[] dx = gradOf(0);
            if (dx != null) {
                K.add(dy.length, dx, 0, dy, 0, dx, 0);
            }
            float[] db = gradOf(1);
            if (db != null) {
                for (int r = 0; r < rows; r++) {
                    K.add(cols, db, 0, dy, r * cols, db, 0);
                }
            }
        }
    }
}

package dev.prune4j.kernels;

/**
 * The readable specification of every kernel: plain loops, float32 storage, double accumulation
 * where a sum is long. {@link VectorKernels} must agree with it (see the kernel tests).
 */
public class ScalarKernels implements Kernels {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void gemmT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        Checks.gemm("gemmT", m, n, k, a.length, aOff, lda, b.length, bOff, ldb, true, c.length, cOff, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s += a[aOff + i * lda + p] * b[bOff + j * ldb + p];
                }
                int ci = cOff + i * ldc + j;
                c[ci] = beta == 0f ? s : s + beta * c[ci];
            }
        }
    }

    @Override
    public void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        Checks.gemm("gemm", m, n, k, a.length, aOff, lda, b.length, bOff, ldb, false, c.length, cOff, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s += a[aOff + i * lda + p] * b[bOff + p * ldb + j];
                }
                int ci = cOff + i * ldc + j;
                c[ci] = beta == 0f ? s : s + beta * c[ci];
            }
        }
    }

    @Override
    public void matvec(int n, int k, float[] w, int wOff, int ldw, float[] x, int xOff, float[] y, int yOff) {
        Checks.matvec(n, k, w.length, wOff, ldw, x.length, xOff, y.length, yOff);
        for (int i = 0; i < n; i++) {
            float s = 0f;
            for (int p = 0; p < k; p++) {
                s += w[wOff + i * ldw + p] * x[xOff + p];
            }
            y[yOff + i] = s;
        }
    }

    @Override
    public void softmax(float[] x, int off, int rows, int cols, int ld) {
        for (int r = 0; r < rows; r++) {
            int o = off + r * ld;
            float mx = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                mx = Math.max(mx, x[o + j]);
            }
            double s = 0;
            for (int j = 0; j < cols; j++) {
                float e = (float) Math.exp(x[o + j] - mx);
                x[o + j] = e;
                s += e;
            }
            float inv = (float) (1.0 / s);
            for (int j = 0; j < cols; j++) {
                x[o + j] *= inv;
            }
        }
    }

    @Override
    public void rmsNorm(float[] x, int xOff, float[] weight, int wOff, float eps, float[] out, int outOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xo = xOff + r * cols;
            int oo = outOff + r * cols;
            double ss = 0;
            for (int j = 0; j < cols; j++) {
                ss += (double) x[xo + j] * x[xo + j];
            }
            float inv = (float) (1.0 / Math.sqrt(ss / cols + eps));
            for (int j = 0; j < cols; j++) {
                out[oo + j] = x[xo + j] * inv * weight[wOff + j];
            }
        }
    }

    @Override
    public void layerNorm(float[] x, int xOff, float[] gamma, float[] beta, float eps, float[] out, int outOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xo = xOff + r * cols;
            int oo = outOff + r * cols;
            double mean = 0;
            for (int j = 0; j < cols; j++) {
                mean += x[xo + j];
            }
            mean /= cols;
            double var = 0;
            for (int j = 0; j < cols; j++) {
                double d = x[xo + j] - mean;
                var += d * d;
            }
            var /= cols;
            float inv = (float) (1.0 / Math.sqrt(var + eps));
            float fm = (float) mean;
            for (int j = 0; j < cols; j++) {
                out[oo + j] = (x[xo + j] - fm) * inv * gamma[j] + beta[j];
            }
        }
    }

    @Override
    public void silu(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            x[i] = (float) (x[i] / (1.0 + Math.exp(-x[i])));
        }
    }

    @Override
    public void gelu(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            x[i] = (float) (0.5 * x[i] * (1.0 + MathUtil.erf(x[i] / Math.sqrt(2.0))));
        }
    }

    @Override
    public void geluTanh(float[] x, int off, int n) {
        final double c = Math.sqrt(2.0 / Math.PI);
        for (int i = off; i < off + n; i++) {
            double v = x[i];
            x[i] = (float) (0.5 * v * (1.0 + Math.tanh(c * (v + 0.044715 * v * v * v))));
        }
    }

    @Override
    public void rope(float[] x, int off, int heads, int headSize, int pos, float[] invFreq, RopeLayout layout) {
        int half = headSize / 2;
        for (int h = 0; h < heads; h++) {
            int base = off + h * headSize;
            for (int i = 0; i < half; i++) {
                double freq = invFreq != null ? invFreq[i] : Math.pow(10000.0, -2.0 * i / headSize);
                double angle = pos * freq;
                float cos = (float) Math.cos(angle);
                float sin = (float) Math.sin(angle);
                int i0 = layout == RopeLayout.INTERLEAVED ? base + 2 * i : base + i;
                int i1 = layout == RopeLayout.INTERLEAVED ? base + 2 * i + 1 : base + i + half;
                float v0 = x[i0];
                float v1 = x[i1];
                x[i0] = v0 * cos - v1 * sin;
                x[i1] = v0 * sin + v1 * cos;
            }
        }
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public void add(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = a[aOff + i] + b[bOff + i];
        }
    }

    @Override
    public void mul(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = a[aOff + i] * b[bOff + i];
        }
    }

    @Override
    public void scale(int n, float s, float[] x, int off) {
        for (int i = off; i < off + n; i++) {
            x[i] *= s;
        }
    }

    @Override
    public float sum(int n, float[] x, int off) {
        double s = 0;
        for (int i = off; i < off + n; i++) {
            s += x[i];
        }
        return (float) s;
    }

    @Override
    public float dot(int n, float[] a, int aOff, float[] b, int bOff) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) a[aOff + i] * b[bOff + i];
        }
        return (float) s;
    }

    @Override
    public float sumSquares(int n, float[] x, int off) {
        double s = 0;
        for (int i = off; i < off + n; i++) {
            s += (double) x[i] * x[i];
        }
        return (float) s;
    }

    @Override
    public float max(int n, float[] x, int off) {
        if (n == 0) {
            return Float.NaN;
        }
        float m = x[off];
        for (int i = off + 1; i < off + n; i++) {
            m = Math.max(m, x[i]);
        }
        return m;
    }

    @Override
    public int argmax(int n, float[] x, int off) {
        if (n == 0) {
            return -1;
        }
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (x[off + i] > x[off + best]) {
                best = i;
            }
        }
        return best;
    }
}

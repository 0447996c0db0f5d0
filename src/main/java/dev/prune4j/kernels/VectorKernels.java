package dev.prune4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels. Each method computes what the same method of {@link ScalarKernels}
 * specifies, up to float reassociation (checked by the kernel tests on odd shapes).
 */
public class VectorKernels extends ScalarKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    /** The vector kernels if the Vector API module is present, else the scalar ones. */
    static Kernels availableOrScalar() {
        try {
            if (FloatVector.SPECIES_PREFERRED.length() >= 4) {
                return new VectorKernels();
            }
        } catch (Throwable e) {
            // jdk.incubator.vector not resolved: fall back below
        }
        return new ScalarKernels();
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public void gemmT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        Checks.gemm("gemmT", m, n, k, a.length, aOff, lda, b.length, bOff, ldb, true, c.length, cOff, ldc);
        Gemm.gemmT(m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, Gemm.Fork.ALLOWED);
    }

    @Override
    public void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        Checks.gemm("gemm", m, n, k, a.length, aOff, lda, b.length, bOff, ldb, false, c.length, cOff, ldc);
        Gemm.gemmNN(m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, Gemm.Fork.ALLOWED);
    }

    @Override
    public void matvec(int n, int k, float[] w, int wOff, int ldw, float[] x, int xOff, float[] y, int yOff) {
        Checks.matvec(n, k, w.length, wOff, ldw, x.length, xOff, y.length, yOff);
        Matvec.run(n, k, w, wOff, ldw, x, xOff, y, yOff, Gemm.Fork.ALLOWED);
    }

    /**
     * Attention-sized products: one product per task, in parallel over the batch when the whole
     * batch is worth it; each product then runs on one thread.
     */
    @Override
    public void batchedGemm(int batch, boolean transB, int m, int n, int k,
                            float[] a, int aOff, int aStride, int lda,
                            float[] b, int bOff, int bStride, int ldb,
                            float[] c, int cOff, int cStride, int ldc) {
        if (batch < 0) {
            throw new IllegalArgumentException("batchedGemm: negative batch " + batch);
        }
        String op = transB ? "batchedGemm(transB)" : "batchedGemm";
        for (int i = 0; i < batch; i++) {
            Checks.gemm(op, m, n, k, a.length, aOff + i * aStride, lda, b.length, bOff + i * bStride, ldb, transB,
                    c.length, cOff + i * cStride, ldc);
        }
        long nanos = 2L * batch * m * n * k / 40;
        Parallel.forRange(batch, 1, nanos, (b0, b1) -> {
            for (int i = b0; i < b1; i++) {
                if (transB) {
                    Gemm.gemmT(m, n, k, a, aOff + i * aStride, lda, b, bOff + i * bStride, ldb, 0f,
                            c, cOff + i * cStride, ldc, Gemm.Fork.SERIAL);
                } else {
                    Gemm.gemmNN(m, n, k, a, aOff + i * aStride, lda, b, bOff + i * bStride, ldb, 0f,
                            c, cOff + i * cStride, ldc, Gemm.Fork.SERIAL);
                }
            }
        });
    }

    static float dotV(int n, float[] a, int aOff, float[] b, int bOff) {
        int nv = S.loopBound(n);
        float[] lt = new float[L]; // lanes for Lanes.sumStored: no vector crosses a call
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        int i = 0;
        for (; i + L < nv; i += 2 * L) {
            acc0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc0);
            acc1 = FloatVector.fromArray(S, a, aOff + i + L).fma(FloatVector.fromArray(S, b, bOff + i + L), acc1);
        }
        for (; i < nv; i += L) {
            acc0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc0);
        }
        acc0.add(acc1).intoArray(lt, 0);
        float s = Lanes.sumStored(lt, L);
        for (; i < n; i++) {
            s += a[aOff + i] * b[bOff + i];
        }
        return s;
    }

    @Override
    public void softmax(float[] x, int off, int rows, int cols, int ld) {
        int jv = S.loopBound(cols);
        float[] lt = new float[L]; // lanes for Lanes.sumStored: no vector crosses a call
        for (int r = 0; r < rows; r++) {
            int o = off + r * ld;
            float mx = max(cols, x, o);
            // exp in lanes (≈ 1 ns per element here, against ≈ 10 ns for Math.exp one at a time)
            FloatVector acc = FloatVector.zero(S);
            int j = 0;
            for (; j < jv; j += L) {
                FloatVector e = Lanes.exp(FloatVector.fromArray(S, x, o + j).sub(mx));
                e.intoArray(x, o + j);
                acc = acc.add(e);
            }
            acc.intoArray(lt, 0);
            float s = Lanes.sumStored(lt, L);
            for (; j < cols; j++) {
                float e = (float) Math.exp(x[o + j] - mx);
                x[o + j] = e;
                s += e;
            }
            scale(cols, 1f / s, x, o);
        }
    }

    @Override
    public void rmsNorm(float[] x, int xOff, float[] weight, int wOff, float eps, float[] out, int outOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xo = xOff + r * cols;
            int oo = outOff + r * cols;
            float inv = (float) (1.0 / Math.sqrt(sumSquares(cols, x, xo) / cols + eps));
            int j = 0;
            int jv = S.loopBound(cols);
            for (; j < jv; j += L) {
                FloatVector.fromArray(S, x, xo + j).mul(inv).mul(FloatVector.fromArray(S, weight, wOff + j))
                        .intoArray(out, oo + j);
            }
            for (; j < cols; j++) {
                out[oo + j] = x[xo + j] * inv * weight[wOff + j];
            }
        }
    }

    @Override
    public void layerNorm(float[] x, int xOff, float[] gamma, float[] beta, float eps, float[] out, int outOff, int rows, int cols) {
        float[] lt = new float[L]; // lanes for Lanes.sumStored: no vector crosses a call
        for (int r = 0; r < rows; r++) {
            int xo = xOff + r * cols;
            int oo = outOff + r * cols;
            float mean = sum(cols, x, xo) / cols;
            int jv = S.loopBound(cols);
            FloatVector acc = FloatVector.zero(S);
            int j = 0;
            for (; j < jv; j += L) {
                FloatVector d = FloatVector.fromArray(S, x, xo + j).sub(mean);
                acc = d.fma(d, acc);
            }
            acc.intoArray(lt, 0);
            float var = Lanes.sumStored(lt, L);
            for (; j < cols; j++) {
                float d = x[xo + j] - mean;
                var += d * d;
            }
            var /= cols;
            float inv = (float) (1.0 / Math.sqrt(var + eps));
            j = 0;
            for (; j < jv; j += L) {
                FloatVector.fromArray(S, x, xo + j).sub(mean).mul(inv).fma(FloatVector.fromArray(S, gamma, j),
                        FloatVector.fromArray(S, beta, j)).intoArray(out, oo + j);
            }
            for (; j < cols; j++) {
                out[oo + j] = (x[xo + j] - mean) * inv * gamma[j] + beta[j];
            }
        }
    }

    @Override
    public void silu(float[] x, int off, int n) {
        int i = 0;
        int nv = S.loopBound(n);
        for (; i < nv; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            v.div(Lanes.exp(v.neg()).add(1f)).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            float v = x[off + i];
            x[off + i] = (float) (v / (1.0 + Math.exp(-v)));
        }
    }

    /**
     * Exact GELU {@code x·Φ(x) = x·(1 − ½·erfc(x/√2))}, with erfc from the same Chebyshev fit as
     * {@link MathUtil#erf} (Numerical Recipes 3rd ed. §6.2.2), evaluated in float lanes.
     */
    @Override
    public void gelu(float[] x, int off, int n) {
        int i = 0;
        int nv = S.loopBound(n);
        float invSqrt2 = (float) (1 / Math.sqrt(2));
        for (; i < nv; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            FloatVector z = v.mul(invSqrt2).abs();
            FloatVector t = FloatVector.broadcast(S, 1f).div(z.mul(0.5f).add(1f));
            FloatVector p = t.mul(0.17087277f).add(-0.82215223f);
            p = p.fma(t, FloatVector.broadcast(S, 1.48851587f));
            p = p.fma(t, FloatVector.broadcast(S, -1.13520398f));
            p = p.fma(t, FloatVector.broadcast(S, 0.27886807f));
            p = p.fma(t, FloatVector.broadcast(S, -0.18628806f));
            p = p.fma(t, FloatVector.broadcast(S, 0.09678418f));
            p = p.fma(t, FloatVector.broadcast(S, 0.37409196f));
            p = p.fma(t, FloatVector.broadcast(S, 1.00002368f));
            p = p.fma(t, FloatVector.broadcast(S, -1.26551223f));
            FloatVector erfc = t.mul(Lanes.exp(p.sub(z.mul(z)))); // erfc(|x|/√2)
            // Φ(x) = 1 − ½·erfc(x/√2) for x ≥ 0, ½·erfc(|x|/√2) for x < 0
            FloatVector half = erfc.mul(0.5f);
            FloatVector phi = half.neg().add(1f).blend(half, v.lt(0f));
            v.mul(phi).intoArray(x, off + i);
        }
        if (i < n) {
            super.gelu(x, off + i, n - i);
        }
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        int i = 0;
        int nv = S.loopBound(n);
        for (; i < nv; i += L) {
            FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.broadcast(S, alpha), FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public void add(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff) {
        int i = 0;
        int nv = S.loopBound(n);
        for (; i < nv; i += L) {
            FloatVector.fromArray(S, a, aOff + i).add(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = a[aOff + i] + b[bOff + i];
        }
    }

    @Override
    public void mul(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff) {
        int i = 0;
        int nv = S.loopBound(n);
        for (; i < nv; i += L) {
            FloatVector.fromArray(S, a, aOff + i).mul(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = a[aOff + i] * b[bOff + i];
        }
    }

    @Override
    public void scale(int n, float s, float[] x, int off) {
        int i = 0;
        int nv = S.loopBound(n);
        for (; i < nv; i += L) {
            FloatVector.fromArray(S, x, off + i).mul(s).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] *= s;
        }
    }

    @Override
    public float sum(int n, float[] x, int off) {
        int i = 0;
        int nv = S.loopBound(n);
        float[] lt = new float[L]; // lanes for Lanes.sumStored: no vector crosses a call
        FloatVector acc = FloatVector.zero(S);
        for (; i < nv; i += L) {
            acc = acc.add(FloatVector.fromArray(S, x, off + i));
        }
        acc.intoArray(lt, 0);
        float s = Lanes.sumStored(lt, L);
        for (; i < n; i++) {
            s += x[off + i];
        }
        return s;
    }

    @Override
    public float dot(int n, float[] a, int aOff, float[] b, int bOff) {
        return dotV(n, a, aOff, b, bOff);
    }

    @Override
    public float sumSquares(int n, float[] x, int off) {
        return dotV(n, x, off, x, off);
    }

    @Override
    public float max(int n, float[] x, int off) {
        if (n == 0) {
            return Float.NaN;
        }
        int i = 0;
        int nv = S.loopBound(n);
        float m = Float.NEGATIVE_INFINITY;
        if (nv > 0) {
            FloatVector acc = FloatVector.fromArray(S, x, off);
            for (i = L; i < nv; i += L) {
                acc = acc.max(FloatVector.fromArray(S, x, off + i));
            }
            m = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) {
            m = Math.max(m, x[off + i]);
        }
        return m;
    }
}

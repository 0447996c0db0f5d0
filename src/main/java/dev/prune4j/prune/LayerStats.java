package dev.prune4j.prune;

import dev.prune4j.kernels.Kernels;
import dev.prune4j.kernels.Parallel;

/**
 * Calibration statistics of one linear layer's inputs X [tokens, in], accumulated batch by batch
 * so the activations are never all held: the number of tokens, Σ x_j² per input feature (Wanda's
 * ‖X_j‖₂²) and, when asked for, the Gram matrix XᵀX in float64 (SparseGPT's Hessian, up to its
 * 2/n scale). Collected once, handed to whichever criterion or update needs them.
 */
public final class LayerStats {
    private final int in;
    private final double[] sum;
    private final double[] sumSquares;
    private final double[] gram; // [in, in] or null
    private long tokens;
    private final java.util.Map<String, Object> memo = new java.util.HashMap<>();

    /** Statistics for a layer with {@code in} inputs; {@code withGram} also keeps XᵀX. */
    public LayerStats(int in, boolean withGram) {
        this.in = in;
        this.sum = new double[in];
        this.sumSquares = new double[in];
        this.gram = withGram ? new double[in * in] : null;
    }

    public int in() {
        return in;
    }

    public long tokens() {
        return tokens;
    }

    public boolean hasGram() {
        return gram != null;
    }

    /** Adds the rows of {@code x} [rows, in] (row-major, from offset 0). */
    public void accumulate(float[] x, int rows) {
        if (x.length < (long) rows * in) {
            throw new IllegalArgumentException("LayerStats: x holds " + x.length + " values, expected [" + rows + ", " + in + "]");
        }
        // input features are independent: split the columns over the kernel threads (64-aligned)
        Parallel.forRange(in, 64, 2L * rows * in, (j0, j1) -> {
            for (int r = 0; r < rows; r++) {
                int o = r * in;
                for (int j = j0; j < j1; j++) {
                    double v = x[o + j];
                    sum[j] += v;
                    sumSquares[j] += v * v;
                }
            }
        });
        if (gram != null) {
            // XᵀX of this batch in float32 chunks of ≤ 256 tokens (short sums), accumulated in float64
            Kernels k = Kernels.get();
            int chunk = 256;
            float[] xt = new float[in * chunk];
            float[] g = new float[in * in];
            for (int r0 = 0; r0 < rows; r0 += chunk) {
                int n = Math.min(chunk, rows - r0);
                // xt: [in, n] = X[r0:r0+n]ᵀ
                for (int t = 0; t < n; t++) {
                    int o = (r0 + t) * in;
                    for (int j = 0; j < in; j++) {
                        xt[j * n + t] = x[o + j];
                    }
                }
                k.gemmT(in, in, n, xt, 0, n, xt, 0, n, 0f, g, 0, in); // g: [in, in] = xtᵀ·xt
                for (int i = 0; i < in * in; i++) {
                    gram[i] += g[i];
                }
            }
        }
        tokens += rows;
        memo.clear();
    }

    /**
     * A value derived from these statistics alone, computed once per key and kept with them (so
     * that layers sharing an input share it too, e.g. SparseGPT's factor of H⁻¹ for q/k/v).
     * Cleared when more tokens are accumulated.
     */
    @SuppressWarnings("unchecked")
    public synchronized <T> T memo(String key, java.util.function.Supplier<T> compute) {
        return (T) memo.computeIfAbsent(key, k -> compute.get());
    }

    /** ‖X_j‖₂ for every input feature j. */
    public float[] columnNorms() {
        float[] n = new float[in];
        for (int j = 0; j < in; j++) {
            n[j] = (float) Math.sqrt(sumSquares[j]);
        }
        return n;
    }

    /** E[X_j] over the calibration tokens, per input feature. */
    public double[] columnMeans() {
        double[] m = new double[in];
        for (int j = 0; j < in; j++) {
            m[j] = tokens == 0 ? 0 : sum[j] / tokens;
        }
        return m;
    }

    /** Var[X_j] (population variance over the calibration tokens), per input feature. */
    public double[] columnVariances() {
        double[] v = new double[in];
        for (int j = 0; j < in; j++) {
            double mean = tokens == 0 ? 0 : sum[j] / tokens;
            v[j] = tokens == 0 ? 0 : Math.max(0, sumSquares[j] / tokens - mean * mean);
        }
        return v;
    }

    /** SparseGPT's Hessian H = (2/n)·XᵀX (a new array) with n = tokens seen. */
    public double[] hessian() {
        if (gram == null) {
            throw new IllegalStateException("LayerStats was created without the Gram matrix; SparseGPT needs it");
        }
        if (tokens == 0) {
            throw new IllegalStateException("LayerStats: no calibration tokens were accumulated");
        }
        double s = 2.0 / tokens;
        double[] h = new double[in * in];
        for (int i = 0; i < h.length; i++) {
            h[i] = gram[i] * s;
        }
        return h;
    }

    /** Multiply-adds above which {@link #reconstructionError} measures a subset of rows. */
    static final long RECON_EXACT_MACS = 1L << 31;

    /**
     * Relative reconstruction error ‖X·Wᵀ − X·Ŵᵀ‖²_F / ‖X·Wᵀ‖²_F from the Gram matrix:
     * Σ_rows dᵀ(XᵀX)d over d = w − ŵ, divided by Σ_rows wᵀ(XᵀX)w. Needs {@link #hasGram()}.
     * Exact over all rows while rows·in² ≤ 2³¹ multiply-adds; beyond that over evenly spaced rows
     * (⌊i·rows/m⌋, m = max(16, 2³¹/in²)), the absolute error scaled by rows/m — an estimate, so
     * that a 4096×11008 layer costs seconds, not minutes. Returns {absolute, relative}.
     */
    public double[] reconstructionError(float[] w, float[] wPruned, int rows) {
        if (gram == null) {
            throw new IllegalStateException("reconstruction error needs the Gram matrix");
        }
        long perRow = (long) in * in;
        int m = perRow * rows <= RECON_EXACT_MACS ? rows : (int) Math.min(rows, Math.max(16, RECON_EXACT_MACS / perRow));
        int[] picked = new int[m];
        for (int i = 0; i < m; i++) {
            picked[i] = (int) ((long) i * rows / m);
        }
        // groups of G rows: each row of the Gram matrix is read once per group, not once per row
        int group = 4;
        int groups = (m + group - 1) / group;
        double[] errs = new double[groups];
        double[] refs = new double[groups];
        Parallel.forRange(groups, 1, perRow * m, (g0, g1) -> {
            double[] d = new double[group * in];  // d: [group, in]
            double[] wv = new double[group * in]; // w: [group, in]
            for (int gi = g0; gi < g1; gi++) {
                int n = Math.min(group, m - gi * group);
                for (int k = 0; k < n; k++) {
                    int r = picked[gi * group + k];
                    for (int j = 0; j < in; j++) {
                        wv[k * in + j] = w[r * in + j];
                        d[k * in + j] = wv[k * in + j] - wPruned[r * in + j];
                    }
                }
                for (int k = n; k < group; k++) { // a short last group: zero rows add nothing
                    java.util.Arrays.fill(d, k * in, (k + 1) * in, 0);
                    java.util.Arrays.fill(wv, k * in, (k + 1) * in, 0);
                }
                double err = 0;
                double ref = 0;
                int o1 = in;
                int o2 = 2 * in;
                int o3 = 3 * in;
                for (int i = 0; i < in; i++) {
                    int o = i * in;
                    double d0 = 0, d1 = 0, d2 = 0, d3 = 0, w0 = 0, w1 = 0, w2 = 0, w3 = 0;
                    for (int j = 0; j < in; j++) {
                        double gij = gram[o + j];
                        d0 += gij * d[j];
                        d1 += gij * d[o1 + j];
                        d2 += gij * d[o2 + j];
                        d3 += gij * d[o3 + j];
                        w0 += gij * wv[j];
                        w1 += gij * wv[o1 + j];
                        w2 += gij * wv[o2 + j];
                        w3 += gij * wv[o3 + j];
                    }
                    err += d[i] * d0 + d[o1 + i] * d1 + d[o2 + i] * d2 + d[o3 + i] * d3;
                    ref += wv[i] * w0 + wv[o1 + i] * w1 + wv[o2 + i] * w2 + wv[o3 + i] * w3;
                }
                errs[gi] = err;
                refs[gi] = ref;
            }
        });
        double err = 0;
        double ref = 0;
        for (int gi = 0; gi < groups; gi++) {
            err += errs[gi];
            ref += refs[gi];
        }
        return new double[] {err * rows / m, ref == 0 ? 0 : err / ref};
    }
}

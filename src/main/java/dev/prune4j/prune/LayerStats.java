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
    private final double[] gram; // [in, in] or null; the upper triangle accumulates, the lower is mirrored by finish()
    private boolean symmetric = true; // whether gram's lower triangle mirrors its upper one
    private float[] pendingT;         // up to PENDING_CHUNKS chunks of rows not yet in gram, each chunk [in, CHUNK] (Xᵀ)
    private int pendingRows;
    private float[] tiles;            // per pending chunk, one row panel of its XᵀX: [PANEL, in]
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

    /** Tokens per float32 partial Gram product (short sums; the partial products are added in float64). */
    static final int CHUNK = 256;
    /** Chunks buffered before they are added to XᵀX together (one pass over it per PENDING_CHUNKS chunks). */
    static final int PENDING_CHUNKS = 8;
    /** Rows of XᵀX per product: the upper triangle is computed in row panels [PANEL, in − i0]. */
    static final int PANEL = 256;

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
            bufferTransposed(x, rows);
        }
        tokens += rows;
        memo.clear();
    }

    /** Appends rows of x to the pending chunks, transposed; adds them to XᵀX whenever the buffer is full. */
    private void bufferTransposed(float[] x, int rows) {
        int capacity = PENDING_CHUNKS * CHUNK;
        if (pendingT == null) {
            pendingT = new float[capacity * in];
        }
        for (int r0 = 0; r0 < rows; ) {
            int n = Math.min(rows - r0, capacity - pendingRows);
            int from = r0;
            int at = pendingRows;
            // pendingT[c][j][t] = x[from + i][j] for buffered row at + i = c·CHUNK + t; columns split over the threads
            Parallel.forRange(in, 64, 4L * n * in, (j0, j1) -> {
                for (int i0 = 0; i0 < n; i0 += 16) {
                    int i1 = Math.min(n, i0 + 16);
                    for (int jb = j0; jb < j1; jb += 64) {
                        int je = Math.min(j1, jb + 64);
                        for (int i = i0; i < i1; i++) {
                            int row = at + i;
                            int dst = (row / CHUNK) * CHUNK * in + row % CHUNK;
                            int src = (from + i) * in;
                            for (int j = jb; j < je; j++) {
                                pendingT[dst + j * CHUNK] = x[src + j];
                            }
                        }
                    }
                }
            });
            pendingRows += n;
            r0 += n;
            if (pendingRows == capacity) {
                flushGram();
            }
        }
    }

    /**
     * XᵀX += Σ over the pending chunks of (chunkᵀ·chunk), upper triangle only (a SYRK): for each
     * row panel [i0, i0 + PANEL) the float32 GEMM gives each chunk's product with the columns
     * [i0, in), and the chunks' products are added to the float64 accumulator in one pass.
     */
    private void flushGram() {
        int rows = pendingRows;
        if (rows == 0) {
            return;
        }
        Kernels k = Kernels.get();
        int chunks = (rows + CHUNK - 1) / CHUNK;
        int panel = Math.min(PANEL, in);
        if (tiles == null) {
            tiles = new float[PENDING_CHUNKS * panel * in]; // per chunk: [panel, in − i0]
        }
        float[] tiles = this.tiles;
        for (int i0 = 0; i0 < in; i0 += panel) {
            int m = Math.min(panel, in - i0);
            int n = in - i0;
            for (int c = 0; c < chunks; c++) {
                int nc = Math.min(CHUNK, rows - c * CHUNK);
                int base = c * CHUNK * in; // chunk c: [in, CHUNK], row j at base + j·CHUNK
                // tile_c: [m, n] = chunk rows [i0, i0 + m) · (chunk rows [i0, in))ᵀ
                k.gemmT(m, n, nc, pendingT, base + i0 * CHUNK, CHUNK, pendingT, base + i0 * CHUNK, CHUNK, 0f,
                        tiles, c * m * n, n);
            }
            int row0 = i0;
            Parallel.forRange(m, 8, (long) chunks * m * n, (r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    int g = (row0 + r) * in + row0;
                    for (int c = 0; c < chunks; c++) {
                        int t = c * m * n + r * n;
                        for (int j = r; j < n; j++) { // from the diagonal on
                            gram[g + j] += tiles[t + j];
                        }
                    }
                }
            });
        }
        pendingRows = 0;
        symmetric = false;
    }

    /**
     * Completes the statistics after the last {@link #accumulate}: adds the buffered rows to XᵀX
     * and mirrors its upper triangle. Reading the Hessian or the reconstruction error does this
     * itself; calling it early only moves the time (and frees the buffer).
     */
    public synchronized void finish() {
        if (gram == null) {
            return;
        }
        flushGram();
        pendingT = null;
        tiles = null;
        if (!symmetric) {
            // lower triangle ← upper, in 64×64 tiles
            Parallel.forRange(in, 64, (long) in * in / 2, (i0, i1) -> {
                for (int ib = i0; ib < i1; ib += 64) {
                    int ie = Math.min(i1, ib + 64);
                    for (int jb = 0; jb < ie; jb += 64) {
                        int je = Math.min(ie, jb + 64);
                        for (int i = ib; i < ie; i++) {
                            for (int j = jb; j < Math.min(je, i); j++) {
                                gram[i * in + j] = gram[j * in + i];
                            }
                        }
                    }
                }
            });
            symmetric = true;
        }
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
        finish();
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
        finish();
        long perRow = (long) in * in;
        int m = perRow * rows <= RECON_EXACT_MACS ? rows : (int) Math.min(rows, Math.max(16, RECON_EXACT_MACS / perRow));
        // groups of picked rows: [d; w] [2·g, in] · XᵀX on the float64 GEMM, then Σ d∘(d·XᵀX) and Σ w∘(w·XᵀX)
        int group = (int) Math.max(1, Math.min(m, (1 << 22) / (2L * in)));
        double err = 0;
        double ref = 0;
        for (int i0 = 0; i0 < m; i0 += group) {
            int g = Math.min(group, m - i0);
            double[] dw = new double[2 * g * in]; // rows 0..g: d = w − ŵ, rows g..2g: w
            for (int i = 0; i < g; i++) {
                int r = (int) ((long) (i0 + i) * rows / m);
                for (int j = 0; j < in; j++) {
                    double wv = w[r * in + j];
                    dw[i * in + j] = wv - wPruned[r * in + j];
                    dw[(g + i) * in + j] = wv;
                }
            }
            double[] prod = dev.prune4j.kernels.LinAlg.multiply(dw, 2 * g, in, gram, in);
            for (int i = 0; i < g * in; i++) {
                err += dw[i] * prod[i];
            }
            for (int i = g * in; i < 2 * g * in; i++) {
                ref += dw[i] * prod[i];
            }
        }
        return new double[] {err * rows / m, ref == 0 ? 0 : err / ref};
    }
}

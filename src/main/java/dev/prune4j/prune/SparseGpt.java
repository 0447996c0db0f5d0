package dev.prune4j.prune;

import dev.prune4j.kernels.Kernels;
import dev.prune4j.kernels.LinAlg;
import dev.prune4j.kernels.Parallel;
import dev.prune4j.kernels.Select;

/**
 * SparseGPT (Frantar &amp; Alistarh 2023, "SparseGPT: Massive Language Models Can Be Accurately
 * Pruned in One-Shot", Algorithm 1): optimal-brain-surgeon pruning with weight update. With
 * H = (2/n)·XᵀX (+ damping) and U the upper Cholesky factor of H⁻¹, removing w_ij costs
 * w_ij²/U_jj² and is compensated in the not-yet-processed columns of its row by
 * −(w_ij/U_jj)·U_j,j+1… Columns are swept left to right in blocks with lazy batched updates; the
 * mask of a block is chosen adaptively just before the block is processed (for N:M, per group of
 * M columns when the sweep reaches it).
 *
 * <p>Conventions (shared/fixtures/README): dead inputs (H_jj = 0) get H_jj = 1 and W_:,j = 0;
 * damping = {@code damp}·mean(diag H); an unstructured block prunes exactly floor(s·rows·B) of
 * its entries, ties by the lower flat index. The Hessian and its factor are float64; weights are
 * updated in float32 (as the public code does).
 */
public final class SparseGpt implements LayerPruner {
    private final int blockSize;
    private final double damp;

    public SparseGpt(int blockSize, double damp) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("SparseGPT block size must be >= 1, found " + blockSize);
        }
        if (!(damp >= 0)) {
            throw new IllegalArgumentException("SparseGPT damping must be >= 0, found " + damp);
        }
        this.blockSize = blockSize;
        this.damp = damp;
    }

    /** Block size 128 and damping 0.01, as in the paper. */
    public SparseGpt() {
        this(128, 0.01);
    }

    @Override
    public boolean needsCalibration() {
        return true;
    }

    @Override
    public boolean needsGram() {
        return true;
    }

    @Override
    public String name() {
        return "sparsegpt";
    }

    /**
     * What SparseGPT needs of the Hessian, which depends on the calibration inputs alone: the
     * upper Cholesky factor U of the damped H⁻¹ (float32) and the dead inputs (H_jj = 0).
     */
    private record Factor(float[] u, boolean[] dead) {
    }

    @Override
    public Mask prune(float[] w, int rows, int cols, LayerStats stats, Sparsity sparsity) {
        // linears that read the same input (q/k/v, gate/up) share their statistics and so the factor
        if (sparsity instanceof Sparsity.NofM nm) {
            nm.requireDivides(cols, "layer");
        }
        Factor f = stats.memo("sparsegpt-factor damp=" + damp, () -> factor(stats.hessian(), cols));
        return prune(w, rows, cols, f, sparsity);
    }

    /** Prunes {@code w} [rows, cols] in place given H [cols, cols] (consumed). */
    public Mask prune(float[] w, int rows, int cols, double[] h, Sparsity sparsity) {
        return prune(w, rows, cols, factor(h, cols), sparsity);
    }

    /** Dead inputs, dampening and U with H⁻¹ = UᵀU, from H [cols, cols] (consumed). */
    private Factor factor(double[] h, int cols) {
        // dead inputs: H_jj = 0 → H_jj = 1 (and W_:,j = 0 in prune)
        boolean[] dead = new boolean[cols];
        double diagMean = 0;
        for (int j = 0; j < cols; j++) {
            if (h[j * cols + j] == 0) {
                h[j * cols + j] = 1;
                dead[j] = true;
            }
            diagMean += h[j * cols + j];
        }
        double d = damp * diagMean / cols;
        for (int j = 0; j < cols; j++) {
            h[j * cols + j] += d;
        }
        LinAlg.choleskyInverseUpper(h, cols); // h := U, H⁻¹ = UᵀU
        float[] u = new float[cols * cols];
        for (int i = 0; i < u.length; i++) {
            u[i] = (float) h[i];
        }
        return new Factor(u, dead);
    }

    private Mask prune(float[] w, int rows, int cols, Factor fac, Sparsity sparsity) {
        if (sparsity instanceof Sparsity.NofM nm) {
            nm.requireDivides(cols, "layer");
        }
        for (int j = 0; j < cols; j++) {
            if (fac.dead()[j]) {
                for (int r = 0; r < rows; r++) {
                    w[r * cols + j] = 0f;
                }
            }
        }
        float[] u = fac.u();

        Mask mask = new Mask(rows, cols);
        Kernels k = Kernels.get();
        for (int i1 = 0; i1 < cols; i1 += blockSize) {
            int i2 = Math.min(i1 + blockSize, cols);
            int count = i2 - i1;
            float[] w1 = new float[rows * count];   // W[:, i1:i2]: [rows, count]
            float[] err1 = new float[rows * count]; // Err1: [rows, count]
            for (int r = 0; r < rows; r++) {
                System.arraycopy(w, r * cols + i1, w1, r * count, count);
            }
            boolean[] m1 = new boolean[rows * count];
            if (sparsity instanceof Sparsity.Fraction f) {
                float[] tmp = new float[rows * count]; // w²/U_jj²
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < count; c++) {
                        double ujj = u[(i1 + c) * cols + i1 + c];
                        double v = w1[r * count + c];
                        tmp[r * count + c] = (float) (v * v / (ujj * ujj));
                    }
                }
                int kPrune = (int) Math.floor(f.value() * rows * (long) count);
                Select.smallestK(tmp, 0, rows * count, kPrune, m1, 0);
            }
            // U[i1:i2, i1:i2] compacted: [count, count]
            float[] ub = new float[count * count];
            for (int c = 0; c < count; c++) {
                System.arraycopy(u, (i1 + c) * cols + i1, ub, c * count, count);
            }
            // rows are independent within a block (the mask is chosen per block, or per row and
            // group for N:M): each row sweeps its columns on its own, split over the threads
            Sparsity.NofM nm = sparsity instanceof Sparsity.NofM x ? x : null;
            Parallel.forRange(rows, 8, (long) rows * count * count, (r0, r1) -> {
                float[] tmp = nm == null ? null : new float[nm.m()];
                boolean[] sel = nm == null ? null : new boolean[nm.m()];
                for (int r = r0; r < r1; r++) {
                    int ro = r * count;
                    for (int c = 0; c < count; c++) {
                        if (nm != null && c % nm.m() == 0) {
                            for (int q = 0; q < nm.m(); q++) {
                                double ujj = ub[(c + q) * count + c + q];
                                double v = w1[ro + c + q];
                                tmp[q] = (float) (v * v / (ujj * ujj));
                            }
                            Select.smallestK(tmp, 0, nm.m(), nm.m() - nm.n(), sel, 0);
                            for (int q = 0; q < nm.m(); q++) {
                                m1[ro + c + q] = sel[q];
                            }
                        }
                        float ujj = ub[c * count + c];
                        float wv = w1[ro + c];
                        float q = m1[ro + c] ? 0f : wv;
                        float e = (wv - q) / ujj;
                        w1[ro + c] = q;
                        err1[ro + c] = e;
                        if (e != 0f) {
                            // W1[r, c+1:] -= e · U[j, j+1:i2]
                            int uo = c * count;
                            for (int t = c + 1; t < count; t++) {
                                w1[ro + t] -= e * ub[uo + t];
                            }
                        }
                    }
                }
            });
            for (int r = 0; r < rows; r++) {
                System.arraycopy(w1, r * count, w, r * cols + i1, count);
                for (int c = 0; c < count; c++) {
                    if (m1[r * count + c]) {
                        mask.set(r, i1 + c);
                    }
                }
            }
            if (i2 < cols) {
                // W[:, i2:] -= Err1 · U[i1:i2, i2:]   ([rows, count] · [count, cols-i2]), as W += (−Err1)·U
                k.scale(err1.length, -1f, err1, 0);
                k.gemm(rows, cols - i2, count, err1, 0, count, u, i1 * cols + i2, cols, 1f, w, i2, cols);
            }
        }
        return mask;
    }
}

package dev.prune4j.prune;

import java.util.ArrayList;
import java.util.List;

/**
 * DSnoT, "Dynamic Sparse No Training" (Zhang et al. 2024, "Dynamic Sparse No Training:
 * Training-Free Fine-tuning for Sparse LLMs", ICLR 2024, §3): starts from a Wanda mask and, row
 * by row, swaps a pruned weight back in and a kept weight out while that shrinks the row's
 * expected reconstruction error ε = Σ_{j pruned} W_ij·E[X_j].
 *
 * <p>Per swap: the weight to revive is the pruned one whose W_ij·E[X_j] / Var[X_j] is largest
 * (ε &gt; 0) or smallest (ε ≤ 0), so reviving it moves ε towards zero; the weight to drop is the
 * kept one with the smallest Wanda score among those whose W_ij·E[X_j] has the sign that moves
 * ε towards zero. A row stops when |ε| ≤ {@code threshold}, when a swap would flip ε's sign, or
 * after {@code maxCycles} swaps. Each row keeps its number of pruned weights. Unstructured
 * sparsity only; N:M uses plain Wanda selection.
 */
public final class Dsnot implements LayerPruner {
    private final int maxCycles;
    private final double threshold;

    /** The paper's defaults: 50 cycles, threshold 0.1, variance power 1. */
    public Dsnot() {
        this(50, 0.1);
    }

    public Dsnot(int maxCycles, double threshold) {
        if (maxCycles < 0 || !(threshold >= 0)) {
            throw new IllegalArgumentException("DSnoT needs maxCycles >= 0 and threshold >= 0, found " + maxCycles + ", " + threshold);
        }
        this.maxCycles = maxCycles;
        this.threshold = threshold;
    }

    @Override
    public boolean needsCalibration() {
        return true;
    }

    @Override
    public String name() {
        return "dsnot";
    }

    @Override
    public Mask prune(float[] w, int out, int in, LayerStats stats, Sparsity sparsity) {
        float[] wanda = new Wanda().score(w, out, in, stats);
        Mask initial = Selector.select(wanda, out, in, sparsity, Granularity.ROW);
        if (sparsity instanceof Sparsity.NofM) {
            initial.applyTo(w);
            return initial;
        }
        double[] mean = stats.columnMeans();
        double[] var = stats.columnVariances();
        Mask mask = new Mask(out, in);
        double[] d = new double[in];
        for (int r = 0; r < out; r++) {
            boolean[] pruned = new boolean[in];
            double eps = 0;
            for (int j = 0; j < in; j++) {
                d[j] = w[r * in + j] * mean[j]; // D_rj = W_rj·E[X_j]
                pruned[j] = initial.isPruned(r, j);
                if (pruned[j]) {
                    eps += d[j];
                }
            }
            refineRow(r, in, wanda, d, var, pruned, eps);
            for (int j = 0; j < in; j++) {
                if (pruned[j]) {
                    mask.set(r, j);
                }
            }
        }
        mask.applyTo(w);
        return mask;
    }

    private void refineRow(int r, int in, float[] wanda, double[] d, double[] var, boolean[] pruned, double eps) {
        // revive candidates: pruned entries ordered by D/Var ascending
        List<Integer> revive = new ArrayList<>();
        List<Integer> keptByWanda = new ArrayList<>();
        for (int j = 0; j < in; j++) {
            (pruned[j] ? revive : keptByWanda).add(j);
        }
        if (revive.isEmpty() || keptByWanda.isEmpty()) {
            return;
        }
        revive.sort((a, b) -> Double.compare(d[a] / Math.max(var[a], 1e-12), d[b] / Math.max(var[b], 1e-12)));
        keptByWanda.sort((a, b) -> Float.compare(wanda[r * in + a], wanda[r * in + b]));
        // drop candidates: negative-D kept entries (smallest Wanda first) and positive-D ones (smallest Wanda first)
        List<Integer> negative = new ArrayList<>();
        List<Integer> positive = new ArrayList<>();
        for (int j : keptByWanda) {
            if (d[j] < 0) {
                negative.add(j);
            } else if (d[j] > 0) {
                positive.add(j);
            }
        }
        int rLo = 0;
        int rHi = revive.size() - 1;
        int nNext = 0;
        int pNext = 0;
        double sign0 = Math.signum(eps);
        for (int cycle = 0; cycle < maxCycles && Math.abs(eps) > threshold && rLo <= rHi; cycle++) {
            boolean fromTop = eps > 0;
            int g = fromTop ? revive.get(rHi) : revive.get(rLo);
            // dropping p adds D_p to ε: with ε > 0 drop a negative-D weight, with ε < 0 a positive-D one
            List<Integer> pool = eps > 0 ? negative : positive;
            int next = eps > 0 ? nNext : pNext;
            if (next >= pool.size()) {
                break;
            }
            int p = pool.get(next);
            double after = eps + d[p] - d[g];
            if (Math.signum(after) != sign0) {
                break;
            }
            pruned[g] = false;
            pruned[p] = true;
            eps = after;
            if (fromTop) {
                rHi--;
            } else {
                rLo++;
            }
            if (pool == negative) {
                nNext++;
            } else {
                pNext++;
            }
        }
    }
}

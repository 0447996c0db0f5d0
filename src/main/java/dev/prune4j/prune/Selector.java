package dev.prune4j.prune;

import dev.prune4j.kernels.Parallel;
import dev.prune4j.kernels.Select;

/**
 * Turns scores into a mask: in every comparison group, exactly k = floor(s·n) entries with the
 * smallest scores are pruned, ties broken by the lower index (flat row-major index inside the
 * group). N:M prunes M−N of every M consecutive inputs of each row.
 */
public final class Selector {
    /** Rough cost of selecting among one score, for the "is it worth a thread" estimate. */
    private static final long NANOS_PER_SCORE = 20;

    private Selector() {
    }

    /** The mask for {@code scores} [rows, cols] at {@code sparsity} compared within {@code granularity}. */
    public static Mask select(float[] scores, int rows, int cols, Sparsity sparsity, Granularity granularity) {
        Mask mask = new Mask(rows, cols);
        boolean[] sel = new boolean[rows * cols];
        switch (sparsity) {
            case Sparsity.NofM nm -> {
                nm.requireDivides(cols, "layer");
                int prune = nm.m() - nm.n();
                // rows are independent: split them over the kernel threads
                Parallel.forRange(rows, 1, NANOS_PER_SCORE * rows * (long) cols, (r0, r1) -> {
                    for (int r = r0; r < r1; r++) {
                        for (int g = 0; g < cols; g += nm.m()) {
                            Select.smallestK(scores, r * cols + g, nm.m(), prune, sel, r * cols + g);
                        }
                    }
                });
            }
            case Sparsity.Fraction f -> {
                if (granularity == Granularity.LAYER) {
                    int k = (int) Math.floor(f.value() * rows * (long) cols);
                    Select.smallestK(scores, 0, rows * cols, k, sel, 0);
                } else {
                    int k = (int) Math.floor(f.value() * cols);
                    Parallel.forRange(rows, 1, NANOS_PER_SCORE * rows * (long) cols, (r0, r1) -> {
                        for (int r = r0; r < r1; r++) {
                            Select.smallestK(scores, r * cols, cols, k, sel, r * cols);
                        }
                    });
                }
            }
        }
        for (int i = 0; i < sel.length; i++) {
            if (sel[i]) {
                mask.set(i);
            }
        }
        return mask;
    }
}

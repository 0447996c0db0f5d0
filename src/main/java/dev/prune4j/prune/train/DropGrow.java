package dev.prune4j.prune.train;

import dev.prune4j.kernels.Select;
import dev.prune4j.nn.Parameter;

/**
 * The mask update of dynamic sparse training, shared by SET and RigL: in one layer, drop the
 * {@code k} active weights of smallest magnitude and activate the {@code k} inactive positions
 * with the largest grow score (new weights start at zero), so the layer's density is unchanged.
 * Positions dropped in this update may be grown again (as in RigL's reference implementation).
 */
final class DropGrow {
    private DropGrow() {
    }

    /** Returns the number of weights exchanged. growScore: higher = grown first. */
    static int update(Parameter p, double fraction, float[] growScore) {
        float[] mask = p.mask();
        float[] w = p.value();
        int n = w.length;
        int active = n - p.pruned();
        int inactive = n - active;
        int k = Math.min((int) Math.round(fraction * active), inactive + 0);
        if (k <= 0) {
            return 0;
        }
        // drop: smallest |w| among active (inactive at +∞ so they are never picked)
        float[] dropScore = new float[n];
        for (int i = 0; i < n; i++) {
            dropScore[i] = mask[i] == 0f ? Float.POSITIVE_INFINITY : Math.abs(w[i]);
        }
        boolean[] drop = new boolean[n];
        Select.smallestK(dropScore, 0, n, k, drop, 0);
        float[] next = mask.clone();
        for (int i = 0; i < n; i++) {
            if (drop[i]) {
                next[i] = 0f;
            }
        }
        // grow: largest score among positions inactive after the drop (active ones at +∞ in −score)
        float[] neg = new float[n];
        for (int i = 0; i < n; i++) {
            neg[i] = next[i] == 1f ? Float.POSITIVE_INFINITY : -growScore[i];
        }
        boolean[] grow = new boolean[n];
        Select.smallestK(neg, 0, n, k, grow, 0);
        for (int i = 0; i < n; i++) {
            if (grow[i]) {
                next[i] = 1f;
                w[i] = 0f; // grown connections start at zero
            }
        }
        p.setMask(next);
        return k;
    }
}

package dev.prune4j.kernels;

/**
 * Selection for pruning thresholds: the k-th smallest value and the k smallest indices with a
 * deterministic tie rule (equal scores: the lower index counts as smaller). Quickselect with a
 * median-of-three pivot, O(n) on average; inputs are never modified.
 */
public final class Select {
    private Select() {
    }

    /**
     * The k-th smallest (0-based) of {@code len} values starting at {@code off}.
     *
     * @throws IllegalArgumentException if k is outside [0, len)
     */
    public static float kthSmallest(float[] values, int off, int len, int k) {
        if (k < 0 || k >= len) {
            throw new IllegalArgumentException("kthSmallest: k=" + k + " outside [0, " + len + ")");
        }
        float[] a = new float[len];
        System.arraycopy(values, off, a, 0, len);
        int lo = 0;
        int hi = len - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            float pivot = median(a[lo], a[mid], a[hi]);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (Float.compare(a[i], pivot) < 0) {
                    i++;
                }
                while (Float.compare(a[j], pivot) > 0) {
                    j--;
                }
                if (i <= j) {
                    float t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        return a[k];
    }

    private static float median(float a, float b, float c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    /**
     * Marks the {@code k} smallest of {@code len} scores (ties: lower index first) in
     * {@code selected[selOff .. selOff+len)}; the others are cleared. This is the pruning rule
     * "prune exactly k entries of the group".
     */
    public static void smallestK(float[] scores, int off, int len, int k, boolean[] selected, int selOff) {
        if (k < 0 || k > len) {
            throw new IllegalArgumentException("smallestK: k=" + k + " outside [0, " + len + "]");
        }
        for (int i = 0; i < len; i++) {
            selected[selOff + i] = false;
        }
        if (k == 0) {
            return;
        }
        float t = kthSmallest(scores, off, len, k - 1);
        int below = 0;
        for (int i = 0; i < len; i++) {
            if (Float.compare(scores[off + i], t) < 0) {
                selected[selOff + i] = true;
                below++;
            }
        }
        int ties = k - below; // take this many entries equal to t, lowest index first
        for (int i = 0; i < len && ties > 0; i++) {
            if (Float.compare(scores[off + i], t) == 0) {
                selected[selOff + i] = true;
                ties--;
            }
        }
    }
}

package dev.prune4j.prune;

import dev.prune4j.kernels.Parallel;
import dev.prune4j.kernels.Select;

/**
 * Turns scores into a mask: in every comparison group, exactly k = floor(s·n) entries with the
 * smallest scores are pruned, ties broken by the lower index (flat row-major index inside the
 * group; scores ordered as {@link Float#compare}). N:M prunes M−N of every M consecutive inputs
 * of each row.
 */
public final class Selector {
    /** Rough cost of selecting among one score, for the "is it worth a thread" estimate. */
    private static final long NANOS_PER_SCORE = 20;

    private Selector() {
    }

    /** The mask for {@code scores} [rows, cols] at {@code sparsity} compared within {@code granularity}. */
    public static Mask select(float[] scores, int rows, int cols, Sparsity sparsity, Granularity granularity) {
        return switch (sparsity) {
            case Sparsity.NofM nm -> {
                nm.requireDivides(cols, "layer");
                int prune = nm.m() - nm.n();
                boolean[] sel = new boolean[rows * cols];
                // rows are independent: split them over the kernel threads
                Parallel.forRange(rows, 1, NANOS_PER_SCORE * rows * (long) cols, (r0, r1) -> {
                    for (int r = r0; r < r1; r++) {
                        for (int g = 0; g < cols; g += nm.m()) {
                            Select.smallestK(scores, r * cols + g, nm.m(), prune, sel, r * cols + g);
                        }
                    }
                });
                yield pack(sel, rows, cols);
            }
            case Sparsity.Fraction f when granularity == Granularity.LAYER -> {
                boolean[] sel = new boolean[rows * cols];
                int k = (int) Math.floor(f.value() * rows * (long) cols);
                Select.smallestK(scores, 0, rows * cols, k, sel, 0);
                yield pack(sel, rows, cols);
            }
            case Sparsity.Fraction f -> selectRows((r, dst) -> System.arraycopy(scores, r * cols, dst, 0, cols), rows, cols,
                    (int) Math.floor(f.value() * cols), null);
        };
    }

    /**
     * The k smallest scores of every row, rows scored one at a time by {@code scorer}; when
     * {@code zero} is not null the selected weights of it [rows, cols] are set to 0 on the way.
     * Scores become ints that order as {@link Float#compare} does; a radix select finds each row's
     * k-th smallest key t, then every key below t and the lowest-index keys equal to t are taken.
     * Rows are split over the threads at word boundaries of the mask, so no word is shared.
     */
    static Mask selectRows(Criterion.RowScorer scorer, int rows, int cols, int k, float[] zero) {
        if (k < 0 || k > cols) {
            throw new IllegalArgumentException("selectRows: k=" + k + " outside [0, " + cols + "]");
        }
        long[] words = new long[Mask.words(rows, cols)];
        int grain = 64 / gcd(cols, 64); // rows per mask-word boundary
        Parallel.forRange(rows, grain, NANOS_PER_SCORE / 4 * rows * (long) cols, (r0, r1) -> {
            float[] sc = new float[cols];
            int[] bin = new int[cols];
            int[] hist = new int[BUCKETS];
            RowScratch scratch = new RowScratch(cols);
            for (int r = r0; r < r1 && k > 0; r++) {
                scorer.score(r, sc);
                selectRow(sc, cols, k, bin, hist, scratch, words, r * cols);
            }
            if (zero != null) {
                int w0 = (int) (((long) r0 * cols) >>> 6);
                int w1 = Math.min(words.length, (int) (((long) r1 * cols + 63) >>> 6));
                for (int wi = w0; wi < w1; wi++) {
                    long bits = words[wi];
                    while (bits != 0) {
                        zero[(wi << 6) + Long.numberOfTrailingZeros(bits)] = 0f;
                        bits &= bits - 1;
                    }
                }
            }
        });
        return new Mask(rows, cols, words);
    }

    /** Per-thread scratch of {@link #selectRow}. */
    private static final class RowScratch {
        final int[] candidates; // column indices in the chosen bucket, ascending
        final int[] keys;       // their keys
        final int[] work;       // scratch for the exact selection among them
        final int[] hist = new int[1 << RADIX_BITS];

        RowScratch(int cols) {
            candidates = new int[cols];
            keys = new int[cols];
            work = new int[cols];
        }
    }

    /**
     * Sets in {@code words} (bit {@code o + c} for column c) the k smallest of one row's scores
     * {@code sc} [cols]. Scores are first put in value buckets — monotone, as float rounding is —
     * so every bucket below the one holding the k-th smallest is pruned whole and only that
     * bucket's few members are compared exactly, by keys that order as {@link Float#compare}.
     */
    private static void selectRow(float[] sc, int cols, int k, int[] bin, int[] hist, RowScratch s, long[] words, int o) {
        long lohi = minMax(sc, cols);
        float lo = Float.intBitsToFloat((int) (lohi >>> 32));
        float span = Float.intBitsToFloat((int) lohi) - lo;
        float scale = BUCKETS * 0.999f / span;
        int buckets = BUCKETS;
        if (!(span > 0) || !Float.isFinite(span) || !Float.isFinite(scale)) {
            buckets = 1; // NaN, infinities or all equal: one bucket, exact keys throughout
            scale = 0f;
            lo = 0f;
        }
        bucketize(sc, cols, lo, scale, buckets - 1, bin);
        java.util.Arrays.fill(hist, 0, buckets, 0);
        count(bin, cols, hist);
        int chosen = 0;
        int below = 0;
        while (below + hist[chosen] < k) {
            below += hist[chosen];
            chosen++;
        }
        int m = gather(sc, bin, cols, chosen, s);
        int t = kthSmall(s.keys, m, k - 1 - below, s);
        for (int i = 0; i < m; i++) {
            below += s.keys[i] < t ? 1 : 0;
        }
        markBelow(bin, cols, chosen, words, o);
        // the chosen bucket: keys below t, then the lowest-index ties (ties ≥ 1: t itself)
        int ties = k - below;
        for (int i = 0; i < m; i++) {
            int v = s.keys[i];
            if (v < t || (v == t && ties-- > 0)) {
                int f = o + s.candidates[i];
                words[f >>> 6] |= 1L << f;
            }
        }
    }

    /** Smallest and largest of sc[0..n) as float bits packed (min high, max low); NaN if any is NaN. */
    private static long minMax(float[] sc, int n) {
        float lo0 = Float.POSITIVE_INFINITY;
        float lo1 = Float.POSITIVE_INFINITY;
        float hi0 = Float.NEGATIVE_INFINITY;
        float hi1 = Float.NEGATIVE_INFINITY;
        int n2 = n & ~1;
        for (int c = 0; c < n2; c += 2) {
            lo0 = Math.min(lo0, sc[c]);
            hi0 = Math.max(hi0, sc[c]);
            lo1 = Math.min(lo1, sc[c + 1]);
            hi1 = Math.max(hi1, sc[c + 1]);
        }
        for (int c = n2; c < n; c++) {
            lo0 = Math.min(lo0, sc[c]);
            hi0 = Math.max(hi0, sc[c]);
        }
        return ((long) Float.floatToRawIntBits(Math.min(lo0, lo1)) << 32) | (Float.floatToRawIntBits(Math.max(hi0, hi1)) & 0xffffffffL);
    }

    private static void bucketize(float[] sc, int n, float lo, float scale, int last, int[] bin) {
        for (int c = 0; c < n; c++) {
            bin[c] = Math.min(last, (int) ((sc[c] - lo) * scale));
        }
    }

    private static void count(int[] bin, int n, int[] hist) {
        for (int c = 0; c < n; c++) {
            hist[bin[c]]++;
        }
    }

    /** Columns in bucket {@code chosen} (ascending) and their keys into the scratch; returns how many. */
    private static int gather(float[] sc, int[] bin, int n, int chosen, RowScratch s) {
        int m = 0;
        for (int c = 0; c < n; c++) {
            if (bin[c] == chosen) {
                s.candidates[m] = c;
                s.keys[m] = key(sc[c]);
                m++;
            }
        }
        return m;
    }

    /** Sets bit o + c for every column c whose bucket is below {@code chosen}. */
    private static void markBelow(int[] bin, int n, int chosen, long[] words, int o) {
        int c = 0;
        // unaligned head, one bit at a time
        for (; c < n && ((o + c) & 63) != 0; c++) {
            if (bin[c] < chosen) {
                words[(o + c) >>> 6] |= 1L << (o + c);
            }
        }
        for (; c + 64 <= n; c += 64) {
            long acc = 0;
            for (int j = 0; j < 64; j++) {
                acc |= (bin[c + j] < chosen ? 1L : 0L) << j;
            }
            words[(o + c) >>> 6] |= acc;
        }
        for (; c < n; c++) {
            if (bin[c] < chosen) {
                words[(o + c) >>> 6] |= 1L << (o + c);
            }
        }
    }

    /** The k-th smallest (0-based) of keys[0..m): insertion sort when few, else radix select. */
    private static int kthSmall(int[] keys, int m, int k, RowScratch s) {
        if (m > 48) {
            return kthKey(keys, m, k, s.hist, s.work);
        }
        int[] a = s.work;
        for (int i = 0; i < m; i++) {
            int v = keys[i];
            int j = i - 1;
            while (j >= 0 && a[j] > v) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
        return a[k];
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** An int that orders as {@link Float#compare} orders floats (−0 before +0, NaN last). */
    private static int key(float v) {
        int b = Float.floatToIntBits(v);
        return b ^ ((b >> 31) & 0x7fffffff);
    }

    /** Value buckets of the first selection pass per row. */
    private static final int BUCKETS = 1024;

    /** Bits per radix-select digit: 32 bits in three passes (11, 11, 10). */
    private static final int RADIX_BITS = 11;

    /**
     * The k-th smallest (0-based) of keys[0..n) by radix select on the keys' unsigned order
     * (sign bit flipped): a histogram of the top digit finds the bucket holding the k-th, its
     * members are gathered (without branches) and the next digit decides among them. Keys are
     * not changed; {@code cand} [n] and {@code hist} [2^RADIX_BITS] are scratch.
     */
    static int kthKey(int[] keys, int n, int k, int[] hist, int[] cand) {
        int[] src = keys;
        int m = n;
        int prefix = 0;
        for (int pass = 0; ; pass++) {
            int shift = Math.max(0, 32 - RADIX_BITS * (pass + 1));
            int bits = 32 - RADIX_BITS * pass - shift;
            int mask = (1 << bits) - 1;
            java.util.Arrays.fill(hist, 0, 1 << bits, 0);
            for (int i = 0; i < m; i++) {
                hist[((src[i] ^ Integer.MIN_VALUE) >>> shift) & mask]++;
            }
            int b = 0;
            while (k >= hist[b]) {
                k -= hist[b];
                b++;
            }
            prefix |= b << shift;
            if (shift == 0) {
                return prefix ^ Integer.MIN_VALUE;
            }
            int kept = 0;
            for (int i = 0; i < m; i++) {
                int v = src[i];
                cand[kept] = v;
                kept += (((v ^ Integer.MIN_VALUE) >>> shift) & mask) == b ? 1 : 0;
            }
            if (kept == 1) {
                return cand[0];
            }
            src = cand;
            m = kept;
        }
    }

    /** Packs a selection [rows, cols] into mask words, in parallel over whole words. */
    private static Mask pack(boolean[] sel, int rows, int cols) {
        long[] words = new long[Mask.words(rows, cols)];
        int n = sel.length;
        Parallel.forRange(words.length, 64, 2L * n, (w0, w1) -> {
            int to = (int) Math.min(n, (long) w1 << 6);
            for (int i = w0 << 6; i < to; i++) {
                if (sel[i]) {
                    words[i >>> 6] |= 1L << i;
                }
            }
        });
        return new Mask(rows, cols, words);
    }
}

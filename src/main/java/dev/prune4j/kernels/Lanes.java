package dev.prune4j.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lane operations whose results are the same bits whether the JIT has compiled the calling code
 * or not. The Vector API leaves two things open that broke prune4j's "same inputs, same output
 * bytes" rule: {@code reduceLanes(ADD)} may add the lanes in any order (measured on JDK 25: the
 * interpreter's sequential sum and C2's tree differ in the last bit for about half of random
 * 8-lane vectors), and {@code lanewise(EXP)} is {@code Math.exp} per lane before compilation and
 * a different vector routine after (3% of random inputs differ). So a pruning run gave
 * different weights depending on how warm the JVM was. Here the sum is a fixed tree of exact
 * lane moves and IEEE additions, and exp is a polynomial of exact operations; both give one
 * result in every execution mode.
 */
public final class Lanes {
    private Lanes() {
    }

    private static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Double> D2 = DoubleVector.SPECIES_128;
    private static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;

    /**
     * The sum of the lanes, in a fixed order: halves are added until four lanes are left, then
     * (l0 + l2) + (l1 + l3); for 8 lanes ((v0+v4)+(v2+v6)) + ((v1+v5)+(v3+v7)). Hot kernels use
     * {@link #sumStored} instead: on 16 lanes this method calls one that C2 may leave out of
     * line, and a vector passed to a call must be boxed.
     */
    public static float sum(FloatVector v) {
        return v.length() == 8 ? sum8(v) : sumOther(v);
    }

    /**
     * {@link #sum(FloatVector)} of an 8-lane vector: the two 128-bit halves added, then their
     * lanes. (Measured on AVX2: 2 ns in a dependent chain, against 4 ns going down to 64-bit
     * halves, ≈ 9 ns for a shuffle tree and 9–13 ns for {@code reduceLanes}.)
     */
    public static float sum8(FloatVector v) {
        return sum4((FloatVector) v.reinterpretShape(F4, 0), (FloatVector) v.reinterpretShape(F4, 1));
    }

    /** (a + b) summed as four lanes: (l0 + l2) + (l1 + l3). */
    private static float sum4(FloatVector a, FloatVector b) {
        FloatVector h = a.add(b);
        return (h.lane(0) + h.lane(2)) + (h.lane(1) + h.lane(3));
    }

    private static float sumOther(FloatVector v) {
        if (v.length() == 16) {
            return sum8(((FloatVector) v.reinterpretShape(F8, 0)).add((FloatVector) v.reinterpretShape(F8, 1)));
        }
        if (v.length() == 4) {
            return (v.lane(0) + v.lane(2)) + (v.lane(1) + v.lane(3));
        }
        float s = 0; // no other lane counts on x86 or ARM: lane by lane, in lane order
        for (int i = 0; i < v.length(); i++) {
            s += v.lane(i);
        }
        return s;
    }

    /**
     * {@link #sum(FloatVector)} of a vector of {@code n} lanes that the caller stored into
     * {@code t[0 … n)} with {@code intoArray}: the same fixed order, so the same bits. Kernels
     * use this form at the end of their loops because no vector is passed to a method: where
     * {@link #sum(FloatVector)} is not fully inlined (on 16 lanes it calls a method that C2
     * leaves out of line at a cold call site), the accumulators must exist as Java objects.
     * Measured on a Sapphire Rapids-class Xeon, once a JVM had run the format calibration: a
     * four-row bitmask loop over 50 %-sparse 2048² weights from memory took 0.66–0.79 ms ending
     * in {@code sum}, 0.44–0.50 ms ending in this method (bench/probes/used-jvm.sh;
     * docs/PERFORMANCE.md, "Kernels that slow down in a used JVM").
     */
    public static float sumStored(float[] t, int n) {
        switch (n) {
            case 16 -> {
                float u0 = t[0] + t[8];
                float u1 = t[1] + t[9];
                float u2 = t[2] + t[10];
                float u3 = t[3] + t[11];
                float u4 = t[4] + t[12];
                float u5 = t[5] + t[13];
                float u6 = t[6] + t[14];
                float u7 = t[7] + t[15];
                return tree8(u0, u1, u2, u3, u4, u5, u6, u7);
            }
            case 8 -> {
                return tree8(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7]);
            }
            case 4 -> {
                return (t[0] + t[2]) + (t[1] + t[3]);
            }
            default -> {
                float s = 0;
                for (int i = 0; i < n; i++) {
                    s += t[i];
                }
                return s;
            }
        }
    }

    /**
     * {@link #sumStored(float[], int)} of 8 lanes stored at {@code t[off …]}: for a 16-lane
     * accumulator that holds two 8-lane sums (lanes 0–7 and 8–15), the same order and bits as
     * {@link #sum8} of each half.
     */
    public static float sumStored8(float[] t, int off) {
        return tree8(t[off], t[off + 1], t[off + 2], t[off + 3], t[off + 4], t[off + 5], t[off + 6], t[off + 7]);
    }

    /** sum8's order on scalars: h_j = l_j + l_(j+4), then (h0 + h2) + (h1 + h3). */
    private static float tree8(float l0, float l1, float l2, float l3, float l4, float l5, float l6, float l7) {
        float h0 = l0 + l4;
        float h1 = l1 + l5;
        float h2 = l2 + l6;
        float h3 = l3 + l7;
        return (h0 + h2) + (h1 + h3);
    }

    /** The sum of the lanes in the same fixed order as {@link #sum(FloatVector)} (4 lanes: (l0 + l2) + (l1 + l3)). */
    public static double sum(DoubleVector v) {
        return v.length() == 4 ? sum4(v) : sumOther(v);
    }

    private static double sum4(DoubleVector v) {
        DoubleVector h = ((DoubleVector) v.reinterpretShape(D2, 0)).add((DoubleVector) v.reinterpretShape(D2, 1));
        return h.lane(0) + h.lane(1);
    }

    private static double sumOther(DoubleVector v) {
        if (v.length() == 8) {
            return sum4(((DoubleVector) v.reinterpretShape(D4, 0)).add((DoubleVector) v.reinterpretShape(D4, 1)));
        }
        if (v.length() == 2) {
            return v.lane(0) + v.lane(1);
        }
        double s = 0;
        for (int i = 0; i < v.length(); i++) {
            s += v.lane(i);
        }
        return s;
    }

    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split so that n·LN2_HI is exact for |n| ≤ 2^9 (Cody &amp; Waite). */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5·2^23: adding it rounds a float of magnitude below 2^22 to an integer (round to nearest even). */
    private static final float ROUND = 12582912f;
    /** Above this exp overflows float (ln of the largest float). */
    private static final float OVERFLOW = 88.72283905206835f;
    /** Below this the result is flushed to zero (e^x &lt; 2^-124 there), which keeps 2^(n−1) a normal float. */
    private static final float UNDERFLOW = -86.5f;

    /**
     * e^x in every lane, as the Cephes {@code expf} does it (S. L. Moshier, Cephes Math Library,
     * 1984–1992): x = n·ln 2 + r with |r| ≤ ½ ln 2 (Cody–Waite reduction in two fma steps), a
     * degree-7 polynomial for e^r, and 2^n put together from its exponent bits. Only exact
     * operations (fma, add, mul, lane moves, integer bit arithmetic), so the result does not
     * depend on the execution mode. Max relative error ≈ 2 ulp against {@link Math#exp}; +∞ above
     * 88.72, +0 below −86.5 (where e^x &lt; 2^-124), NaN for NaN.
     */
    public static FloatVector exp(FloatVector x) {
        // no clamping: outside [UNDERFLOW, OVERFLOW] the lanes are replaced at the end, and NaN
        // stays NaN through every step
        FloatVector t = x.fma(x.broadcast(LOG2E), x.broadcast(ROUND));
        FloatVector n = t.sub(ROUND);                                      // round(x·log2 e), exactly
        FloatVector r = n.fma(x.broadcast(-LN2_HI), x);
        r = n.fma(x.broadcast(-LN2_LO), r);
        FloatVector p = r.fma(x.broadcast(1.9875691500e-4f), x.broadcast(1.3981999507e-3f));
        p = p.fma(r, x.broadcast(8.3334519073e-3f));
        p = p.fma(r, x.broadcast(4.1665795894e-2f));
        p = p.fma(r, x.broadcast(1.6666665459e-1f));
        p = p.fma(r, x.broadcast(5.0000001201e-1f));
        p = p.fma(r.mul(r), r).add(1f);
        // 2^(n−1) from its bits (n ∈ [−124, 128] inside the range), then ×2: both exact scalings
        FloatVector scale = t.reinterpretAsInts().add(126 - Float.floatToRawIntBits(ROUND))
                .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(scale).mul(2f)
                .blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, OVERFLOW))
                .blend(0f, x.compare(VectorOperators.LT, UNDERFLOW));
    }

}

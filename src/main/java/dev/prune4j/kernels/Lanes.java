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
     * (l0 + l2) + (l1 + l3); for 8 lanes ((v0+v4)+(v2+v6)) + ((v1+v5)+(v3+v7)). Kept tiny so
     * that C2 inlines it into the kernels' loops (the vectors would be boxed at a call).
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

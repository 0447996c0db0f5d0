package dev.prune4j.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
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
    private static final VectorShuffle<Float> F4_2 = VectorShuffle.fromOp(F4, i -> i ^ 2);
    private static final VectorShuffle<Float> F4_1 = VectorShuffle.fromOp(F4, i -> i ^ 1);

    private static final VectorSpecies<Double> D2 = DoubleVector.SPECIES_128;
    private static final VectorSpecies<Double> D8 = DoubleVector.SPECIES_512;
    private static final VectorShuffle<Double> D2_1 = VectorShuffle.fromOp(D2, i -> i ^ 1);
    private static final VectorShuffle<Double> D8_4 = VectorShuffle.fromOp(D8, i -> i ^ 4);
    private static final VectorShuffle<Double> D8_2 = VectorShuffle.fromOp(D8, i -> i ^ 2);
    private static final VectorShuffle<Double> D8_1 = VectorShuffle.fromOp(D8, i -> i ^ 1);

    /**
     * The sum of the lanes, in a fixed order: lane i is added to lane i XOR h for h = L/2, …, 1
     * (for 8 lanes: ((v0+v4)+(v2+v6)) + ((v1+v5)+(v3+v7))). Kept tiny so that C2 inlines it
     * into the kernels' loops (the vectors would be boxed at a call).
     */
    public static float sum(FloatVector v) {
        return v.length() == 8 ? sum8(v) : sumOther(v);
    }

    /**
     * {@link #sum(FloatVector)} of an 8-lane vector: the two 128-bit halves added, then their
     * lanes. (Measured on AVX2: 2 ns in a dependent chain, against 4 ns going down to 64-bit
     * halves, ≈ 9 ns for the shuffle tree and 9–13 ns for {@code reduceLanes}.)
     */
    public static float sum8(FloatVector v) {
        FloatVector h = ((FloatVector) v.reinterpretShape(F4, 0)).add((FloatVector) v.reinterpretShape(F4, 1));
        return (h.lane(0) + h.lane(2)) + (h.lane(1) + h.lane(3));
    }

    private static float sumOther(FloatVector v) {
        if (v.length() == 16) {
            return sum8(((FloatVector) v.reinterpretShape(F8, 0)).add((FloatVector) v.reinterpretShape(F8, 1)));
        }
        if (v.length() == 4) {
            FloatVector t = v.add(v.rearrange(F4_2));
            return t.add(t.rearrange(F4_1)).lane(0);
        }
        float s = 0; // no other lane counts on x86 or ARM: lane by lane, in lane order
        for (int i = 0; i < v.length(); i++) {
            s += v.lane(i);
        }
        return s;
    }

    /** The sum of the lanes in the same fixed order as {@link #sum(FloatVector)}. */
    public static double sum(DoubleVector v) {
        if (v.length() == 4) {
            DoubleVector h = ((DoubleVector) v.reinterpretShape(D2, 0)).add((DoubleVector) v.reinterpretShape(D2, 1));
            return h.lane(0) + h.lane(1);
        }
        return sumOther(v);
    }

    private static double sumOther(DoubleVector v) {
        if (v.length() == 8) {
            DoubleVector t = v.add(v.rearrange(D8_4));
            t = t.add(t.rearrange(D8_2));
            return t.add(t.rearrange(D8_1)).lane(0);
        }
        if (v.length() == 2) {
            return v.add(v.rearrange(D2_1)).lane(0);
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

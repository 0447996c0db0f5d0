package dev.prune4j.sparse;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * 8-lane (256-bit) vector helpers of the sparse kernels: loading 8 stored values of any
 * {@link ValueType} as float32 lanes, and the expansion tables that place packed values at their
 * dense positions ("load as sparse, compute as dense"). 8 lanes on every machine keeps the
 * tables at 256 entries (one per mask byte); AVX-512 machines run them at half width.
 */
final class Vec8 {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    static final VectorSpecies<Short> H = ShortVector.SPECIES_128;
    static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;

    /**
     * For a mask byte b (bit j = dense lane j holds a stored value), lane j of entry b is the
     * packed lane popcount(b &amp; ((1 &lt;&lt; j) − 1)) that moves to dense lane j ([256, 8]).
     */
    static final int[] EXPAND = new int[256 * 8];
    /** For a mask byte b: −1 in the lanes that hold stored values, 0 elsewhere ([256, 8]). */
    static final int[] KEEP = new int[256 * 8];
    /**
     * 2:4 expansion for an index byte b = (i0 | i1 &lt;&lt; 2 | i2 &lt;&lt; 4 | i3 &lt;&lt; 6) of two groups
     * of four (values 0, 1 at positions i0, i1 of group 0; values 2, 3 at 4 + i2, 4 + i3): the
     * packed lane for each dense lane, reading packed lanes 0…3 (LO) or 4…7 (HI), and the lanes
     * written (TWO_FOUR_KEEP). All [256, 8].
     */
    static final int[] TWO_FOUR_LO = new int[256 * 8];
    static final int[] TWO_FOUR_HI = new int[256 * 8];
    static final int[] TWO_FOUR_KEEP = new int[256 * 8];
    /**
     * 2:4 input selection (see {@code NofMMatrix}): for an index byte b, lanes 0…3 of SELECT24_LO
     * are its four 2-bit positions (lanes 4…7 zero); lanes 4…7 of SELECT24_HI are 4 + its
     * positions (lanes 0…3 zero). All [256, 8].
     */
    static final int[] SELECT24_LO = new int[256 * 8];
    static final int[] SELECT24_HI = new int[256 * 8];
    /** Lanes 2, 3, 6, 7: the lanes of a 2:4 selection that come from the second input vector. */
    static final VectorMask<Integer> SELECT24_BLEND = VectorMask.fromValues(IntVector.SPECIES_256,
            false, false, true, true, false, false, true, true);

    static {
        for (int b = 0; b < 256; b++) {
            for (int j = 0; j < 8; j++) {
                boolean on = (b >>> j & 1) != 0;
                EXPAND[b * 8 + j] = on ? Integer.bitCount(b & ((1 << j) - 1)) : 0;
                KEEP[b * 8 + j] = on ? -1 : 0;
            }
            for (int v = 0; v < 4; v++) { // with repeated positions (not valid 2:4) the later value wins
                int dense = (v / 2) * 4 + (b >>> (2 * v) & 3);
                TWO_FOUR_LO[b * 8 + dense] = v;
                TWO_FOUR_HI[b * 8 + dense] = 4 + v;
                TWO_FOUR_KEEP[b * 8 + dense] = -1;
                SELECT24_LO[b * 8 + v] = b >>> (2 * v) & 3;
                SELECT24_HI[b * 8 + 4 + v] = 4 + (b >>> (2 * v) & 3);
            }
        }
    }

    private Vec8() {
    }

    /** 8 F32 values from {@code v[p …]}. */
    static FloatVector f32(float[] v, int p) {
        return FloatVector.fromArray(F, v, p);
    }

    /** 8 BF16 values: the bits are the upper half of a float32. */
    static FloatVector bf16(short[] v, int p) {
        return ((IntVector) ShortVector.fromArray(H, v, p).convertShape(VectorOperators.S2I, I, 0))
                .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /**
     * 8 IEEE-half values: exponent and mantissa are moved into float position and rescaled by
     * 2^112 (which also turns half subnormals into the right floats); Inf/NaN get the float's
     * all-ones exponent; the sign is copied. Exact, like {@link Float#float16ToFloat}.
     */
    static FloatVector f16(short[] v, int p) {
        IntVector h = (IntVector) ShortVector.fromArray(H, v, p).convertShape(VectorOperators.S2I, I, 0);
        IntVector magnitude = h.and(0x7fff).lanewise(VectorOperators.LSHL, 13);
        IntVector bits = magnitude.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                .or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16));
        VectorMask<Integer> infNan = h.and(0x7c00).eq(0x7c00);
        return bits.blend(bits.or(0x7f800000), infNan).reinterpretAsFloats();
    }

    /** 8 INT8 values as floats (unscaled). */
    static FloatVector i8(byte[] v, int p) {
        return (FloatVector) ByteVector.fromArray(B, v, p).convertShape(VectorOperators.B2F, F, 0);
    }

    /**
     * Places packed lanes at dense positions: lane j of the result is
     * {@code packed[idx[8b + j]]} where {@code keep[8b + j]} is −1, else 0. One permute (vpermd)
     * and one AND: measured ≈2× faster on AVX2 than a masked {@code rearrange} with table shuffles,
     * whose index checks are not optimised away.
     */
    static FloatVector expand(FloatVector packed, int[] idx, int[] keep, int b) {
        return IntVector.fromArray(I, idx, b * 8).selectFrom(packed.reinterpretAsInts())
                .and(IntVector.fromArray(I, keep, b * 8)).reinterpretAsFloats();
    }
}

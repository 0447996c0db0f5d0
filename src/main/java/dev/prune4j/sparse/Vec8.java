package dev.prune4j.sparse;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
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
     * For a mask byte b (bit j = dense lane j holds a stored value): the shuffle taking packed
     * lane popcount(b &amp; ((1 &lt;&lt; j) − 1)) to dense lane j.
     */
    static final VectorShuffle<Float>[] EXPAND = expandTable();
    /** For a mask byte b: the lanes that hold stored values. */
    static final VectorMask<Float>[] LANES = laneTable();
    /**
     * 2:4 expansion: for an index byte b = (i0 | i1 &lt;&lt; 2 | i2 &lt;&lt; 4 | i3 &lt;&lt; 6) of two
     * groups of four (values 0,1 in group 0 at positions i0, i1; values 2,3 in group 1 at 4 + i2,
     * 4 + i3), the shuffle from packed lanes {@code base … base+3} (base 0: LO, base 4: HI) to the 8
     * dense lanes, and the lanes written.
     */
    static final VectorShuffle<Float>[] TWO_FOUR_LO = twoFourTable(0);
    static final VectorShuffle<Float>[] TWO_FOUR_HI = twoFourTable(4);
    static final VectorMask<Float>[] TWO_FOUR_LANES = twoFourLanes();

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

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] expandTable() {
        VectorShuffle<Float>[] t = new VectorShuffle[256];
        for (int b = 0; b < 256; b++) {
            int[] idx = new int[8];
            for (int j = 0; j < 8; j++) {
                idx[j] = (b >>> j & 1) != 0 ? Integer.bitCount(b & ((1 << j) - 1)) : 0;
            }
            t[b] = VectorShuffle.fromArray(F, idx, 0);
        }
        return t;
    }

    @SuppressWarnings("unchecked")
    private static VectorMask<Float>[] laneTable() {
        VectorMask<Float>[] t = new VectorMask[256];
        for (int b = 0; b < 256; b++) {
            t[b] = VectorMask.fromLong(F, b);
        }
        return t;
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] twoFourTable(int base) {
        VectorShuffle<Float>[] t = new VectorShuffle[256];
        for (int b = 0; b < 256; b++) {
            int[] idx = new int[8];
            for (int v = 0; v < 4; v++) {
                int dense = (v / 2) * 4 + (b >>> (2 * v) & 3);
                idx[dense] = base + v; // with repeated positions (invalid for 2:4), the later value wins
            }
            t[b] = VectorShuffle.fromArray(F, idx, 0);
        }
        return t;
    }

    @SuppressWarnings("unchecked")
    private static VectorMask<Float>[] twoFourLanes() {
        VectorMask<Float>[] t = new VectorMask[256];
        for (int b = 0; b < 256; b++) {
            long bits = 0;
            for (int v = 0; v < 4; v++) {
                bits |= 1L << ((v / 2) * 4 + (b >>> (2 * v) & 3));
            }
            t[b] = VectorMask.fromLong(F, bits);
        }
        return t;
    }

    /** 8 stored values of {@code v} from position p as floats (INT8 unscaled). */
    static FloatVector load(PackedValues v, int p) {
        return switch (v.type) {
            case F32 -> f32(v.f32, p);
            case BF16 -> bf16(v.half, p);
            case F16 -> f16(v.half, p);
            case INT8 -> i8(v.i8, p);
        };
    }
}

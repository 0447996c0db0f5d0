package dev.prune4j.sparse;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * 16-lane (512-bit) helpers of the sparse kernels for machines whose vectors have 16 float lanes
 * (AVX-512): there the Vector API's {@code expand} is one {@code vexpandps} under a mask register,
 * which places packed values at their dense positions without tables (on AVX2 it is emulated, far
 * slower than the 8-lane tables of {@link Vec8}).
 */
final class Vec16 {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;
    static final VectorSpecies<Short> H = ShortVector.SPECIES_256;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    /**
     * Whether the 16-lane kernels run: where the preferred float vector has at least 16 lanes,
     * unless {@code -Dprune4j.sparse.wide=false}.
     */
    static final boolean WIDE = FloatVector.SPECIES_PREFERRED.length() >= 16
            && !"false".equals(System.getProperty("prune4j.sparse.wide"));
    /**
     * 2:4 index byte b (positions i0, i1 of one group of four and i2, i3 of the next, 2 bits each)
     * as the 8-bit mask of the columns it keeps: bits i0, i1, 4 + i2, 4 + i3 ([256]).
     */
    static final int[] MASK24 = new int[256];

    static {
        for (int b = 0; b < 256; b++) {
            MASK24[b] = 1 << (b & 3) | 1 << (b >>> 2 & 3) | 1 << (4 + (b >>> 4 & 3)) | 1 << (4 + (b >>> 6 & 3));
        }
    }

    /** 2:4 select: lane k's shift into the 32 index bits of two rows, and the first column of its group. */
    private static final IntVector SELECT_SHIFT;
    private static final IntVector SELECT_BASE;
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    static {
        int[] shift = new int[16];
        int[] base = new int[16];
        for (int k = 0; k < 16; k++) {
            shift[k] = 2 * k;
            base[k] = 4 * ((k & 7) >>> 1);
        }
        SELECT_SHIFT = IntVector.fromArray(I, shift, 0);
        SELECT_BASE = IntVector.fromArray(I, base, 0);
    }

    private Vec16() {
    }

    /**
     * For two consecutive rows of a 2:4 row block at one 16-column step (their 8 + 8 stored values
     * one after the other, their 2 + 2 index bytes at {@code ix[q …]}, LSB first): lane k holds the
     * column, within the step, of value k (value k mod 8 of the first row for k &lt; 8, of the
     * second for k ≥ 8), i.e. 4·⌊(k mod 8)/2⌋ + its 2-bit position. {@code selectFrom} on the step's
     * 16 inputs with these lanes gives the input each stored value multiplies.
     */
    static IntVector select24(byte[] ix, int q) {
        int word = (int) INT_LE.get(ix, q);
        return IntVector.broadcast(I, word).lanewise(VectorOperators.LSHR, SELECT_SHIFT).and(3).or(SELECT_BASE);
    }

    /** 16 BF16 values from {@code v[p …]}: the bits are the upper half of a float32. */
    static FloatVector bf16(short[] v, int p) {
        return ((IntVector) ShortVector.fromArray(H, v, p).convertShape(VectorOperators.S2I, I, 0))
                .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /**
     * 16 values from {@code h[p …]} as BF16 or from {@code v[p …]} as F32: for the kernels that
     * serve both (the flag is the same for the whole loop; timed no slower than a copy per type,
     * 4096² bitmask and 2:4, Xeon, 2026-12-08).
     */
    static FloatVector values(boolean bf16, float[] v, short[] h, int p) {
        return bf16 ? bf16(h, p) : FloatVector.fromArray(F, v, p);
    }

    /** 16 INT8 values as floats (unscaled). */
    static FloatVector i8(byte[] v, int p) {
        return (FloatVector) ByteVector.fromArray(B, v, p).convertShape(VectorOperators.B2F, F, 0);
    }

    /** The 16-column mask of two 2:4 index bytes (columns 0–7 from b0, 8–15 from b1). */
    static long mask24(byte b0, byte b1) {
        return MASK24[b0 & 0xFF] | (long) MASK24[b1 & 0xFF] << 8;
    }
}

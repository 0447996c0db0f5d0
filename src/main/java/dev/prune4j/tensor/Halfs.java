package dev.prune4j.tensor;

/** Conversions between float32 and the 16-bit float formats (IEEE half and bfloat16). */
public final class Halfs {
    private Halfs() {
    }

    /** bfloat16 bits to float: the upper 16 bits of a float32. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** float to bfloat16 bits, rounding to nearest even; NaN stays NaN. */
    public static short floatToBf16(float f) {
        int x = Float.floatToRawIntBits(f);
        if ((x & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((x >>> 16) | 0x0040); // quiet NaN
        }
        int lsb = (x >>> 16) & 1;
        int rounded = x + 0x7FFF + lsb;
        return (short) (rounded >>> 16);
    }

    /** IEEE half bits to float. */
    public static float f16ToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    /** float to IEEE half bits, round to nearest even. */
    public static short floatToF16(float f) {
        return Float.floatToFloat16(f);
    }
}

package dev.prune4j.tensor;

import java.util.Arrays;
import java.util.Locale;

/** Element types prune4j stores. Compute is float32; the others are storage formats. */
public enum DType {
    F32(4, "F32"),
    F16(2, "F16"),
    BF16(2, "BF16"),
    I8(1, "I8"),
    U8(1, "U8"),
    I32(4, "I32"),
    I64(8, "I64");

    private final int byteSize;
    private final String safetensorsName;

    DType(int byteSize, String safetensorsName) {
        this.byteSize = byteSize;
        this.safetensorsName = safetensorsName;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The name used in safetensors headers ("F32", "BF16", ...). */
    public String safetensorsName() {
        return safetensorsName;
    }

    /** True for the floating-point types. */
    public boolean isFloating() {
        return this == F32 || this == F16 || this == BF16;
    }

    /**
     * Parses a safetensors dtype name.
     *
     * @throws IllegalArgumentException naming the value and the supported names
     */
    public static DType fromSafetensors(String name) {
        for (DType d : values()) {
            if (d.safetensorsName.equals(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown dtype '" + name + "'; supported: "
                + Arrays.toString(values()).toUpperCase(Locale.ROOT));
    }
}

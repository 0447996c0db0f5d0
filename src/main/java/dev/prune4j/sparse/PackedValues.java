package dev.prune4j.sparse;

import dev.prune4j.tensor.Halfs;

/**
 * The stored values of a sparse matrix in one {@link ValueType}, laid out row by row; row r owns
 * the positions [rowStart[r], rowStart[r+1]) of the layout that holds it. Arrays carry
 * {@link #PAD} extra zero entries so vector kernels may read a full vector past the last value.
 */
final class PackedValues {
    /** Zero entries after the last value (one 16-lane vector: the AVX-512 bitmask kernels read 16). */
    static final int PAD = 16;
    private static final float[] NO_F = new float[0];
    private static final short[] NO_S = new short[0];
    private static final byte[] NO_B = new byte[0];

    final ValueType type;
    final int count;
    final float[] f32;
    final short[] half;
    final byte[] i8;
    /** INT8 only: per-row scale; empty otherwise. */
    final float[] rowScale;

    private PackedValues(ValueType type, int count, float[] f32, short[] half, byte[] i8, float[] rowScale) {
        this.type = type;
        this.count = count;
        this.f32 = f32;
        this.half = half;
        this.i8 = i8;
        this.rowScale = rowScale;
    }

    /**
     * Packs {@code vals[0, count)}, whose row r occupies [rowStart[r], rowStart[r+1]), into the
     * value type (INT8: symmetric per-row absmax/127 scales, see {@link ValueType#INT8}).
     */
    static PackedValues pack(ValueType type, float[] vals, int count, int[] rowStart, int rows) {
        switch (type) {
            case F32 -> {
                float[] f = new float[count + PAD];
                System.arraycopy(vals, 0, f, 0, count);
                return new PackedValues(type, count, f, NO_S, NO_B, NO_F);
            }
            case BF16, F16 -> {
                short[] h = new short[count + PAD];
                for (int i = 0; i < count; i++) {
                    h[i] = type == ValueType.BF16 ? Halfs.floatToBf16(vals[i]) : Halfs.floatToF16(vals[i]);
                }
                return new PackedValues(type, count, NO_F, h, NO_B, NO_F);
            }
            case INT8 -> {
                byte[] q = new byte[count + PAD];
                float[] scale = new float[rows];
                for (int r = 0; r < rows; r++) {
                    float absMax = 0f;
                    for (int i = rowStart[r]; i < rowStart[r + 1]; i++) {
                        absMax = Math.max(absMax, Math.abs(vals[i]));
                    }
                    float s = absMax / 127f;
                    scale[r] = s;
                    for (int i = rowStart[r]; i < rowStart[r + 1]; i++) {
                        q[i] = s == 0f ? 0 : (byte) Math.max(-127, Math.min(127, Math.round(vals[i] / s)));
                    }
                }
                return new PackedValues(type, count, NO_F, NO_S, q, scale);
            }
            default -> throw new IllegalStateException("unhandled value type " + type);
        }
    }

    /** Where value i of row r goes in a reordered layout. */
    @FunctionalInterface
    interface Slot {
        int at(int r, int i);
    }

    /**
     * The same values (and row scales) with value i of row r, at r·perRow + i here, moved to
     * {@code slot.at(r, i)}, a permutation of [0, rows·perRow). For layouts that interleave rows.
     */
    PackedValues reordered(int rows, int perRow, Slot slot) {
        float[] f = f32.length == 0 ? f32 : new float[f32.length];
        short[] h = half.length == 0 ? half : new short[half.length];
        byte[] q = i8.length == 0 ? i8 : new byte[i8.length];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < perRow; i++) {
                int from = r * perRow + i;
                int to = slot.at(r, i);
                switch (type) {
                    case F32 -> f[to] = f32[from];
                    case BF16, F16 -> h[to] = half[from];
                    case INT8 -> q[to] = i8[from];
                    default -> throw new IllegalStateException("unhandled value type " + type);
                }
            }
        }
        return new PackedValues(type, count, f, h, q, rowScale);
    }

    PackedValues copy() {
        return new PackedValues(type, count, f32.clone(), half.clone(), i8.clone(), rowScale.clone());
    }

    /** Stored value i as float, before the INT8 row scale. */
    float raw(int i) {
        return switch (type) {
            case F32 -> f32[i];
            case BF16 -> Halfs.bf16ToFloat(half[i]);
            case F16 -> Halfs.f16ToFloat(half[i]);
            case INT8 -> i8[i];
        };
    }

    /** The factor applied to row r's stored values (1 except for INT8). */
    float scale(int r) {
        return type == ValueType.INT8 ? rowScale[r] : 1f;
    }

    /** Bytes of the values and, for INT8, the row scales (padding not counted). */
    long bytes() {
        return (long) count * type.bytes() + 4L * rowScale.length;
    }
}

package dev.prune4j.sparse;

/**
 * How the stored (non-zero) values of a sparse matrix are kept. Compute is always float32; the
 * narrower types exist to move fewer bytes, which is what a memory-bound matvec pays for.
 *
 * <p>{@link #INT8}: symmetric per-row quantization after pruning ("prune, then quantize"): each
 * row r has a scale {@code s_r = max|w_rj| / 127} over its stored values, and a stored value is
 * {@code q = round(w / s_r)} in [-127, 127]; the product uses {@code w ≈ s_r · q}. A row of zeros
 * has scale 0.
 */
public enum ValueType {
    F32(4),
    BF16(2),
    F16(2),
    INT8(1);

    private final int bytes;

    ValueType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per stored value (INT8's per-row scales are counted separately). */
    public int bytes() {
        return bytes;
    }
}

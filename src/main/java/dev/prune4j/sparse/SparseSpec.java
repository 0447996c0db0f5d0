package dev.prune4j.sparse;

/**
 * What to pack a matrix into: a format, a value type and, for {@link SparseFormat#N_OF_M}, the
 * pattern (keep at most n of every m consecutive weights of a row).
 */
public record SparseSpec(SparseFormat format, ValueType valueType, int n, int m) {
    public SparseSpec {
        if (format == null || valueType == null) {
            throw new IllegalArgumentException("format and valueType are required");
        }
        if (format == SparseFormat.N_OF_M) {
            if (m < 2 || m > 256 || n < 1 || n >= m) {
                throw new IllegalArgumentException("N:M needs 1 <= n < m <= 256, found " + n + ":" + m);
            }
        } else if (n != 0 || m != 0) {
            throw new IllegalArgumentException("n and m apply only to N_OF_M, found " + n + ":" + m + " for " + format);
        }
        if (format == SparseFormat.DENSE && valueType == ValueType.INT8) {
            throw new IllegalArgumentException("the dense fallback stores F32, BF16 or F16, found " + valueType);
        }
    }

    /** A format without an N:M pattern. */
    public static SparseSpec of(SparseFormat format, ValueType valueType) {
        return new SparseSpec(format, valueType, 0, 0);
    }

    /** N:M with the given pattern. */
    public static SparseSpec nOfM(int n, int m, ValueType valueType) {
        return new SparseSpec(SparseFormat.N_OF_M, valueType, n, m);
    }

    /** "csr", "bitmask", "2:4", "block", "dense". */
    public String label() {
        return format == SparseFormat.N_OF_M ? n + ":" + m : format.name().toLowerCase(java.util.Locale.ROOT);
    }
}

package dev.prune4j.model;

import dev.prune4j.sparse.SparseFormat;

import java.nio.file.Path;

/**
 * How the linear layers of a model run: which operator ({@link dev.prune4j.sparse.SparseMatrix})
 * each weight becomes.
 *
 * @param mode             the policy
 * @param format           with {@link Mode#SPARSE}: the one sparse format to use (null: the fastest that fits)
 * @param values           the value type of sparse packings
 * @param calibrationCache where {@link dev.prune4j.sparse.SparseSelector} caches its timings (null: ~/.cache/prune4j)
 */
public record LinearRuntime(Mode mode, SparseFormat format, Values values, Path calibrationCache) {
    /** The policy. */
    public enum Mode {
        /** Live float32 copies of every weight (pruning writes into them): the calibration path. */
        F32,
        /** Dense in the stored precision: BF16/F16 weights stay 2 bytes and are widened in registers. */
        DENSE,
        /** Per layer the fastest of dense and the sparse packings that fit, from a short cached benchmark. */
        AUTO,
        /** A sparse packing for every layer that has zeros (the fastest, or {@code format}), never dense. */
        SPARSE
    }

    /** Values of sparse packings. */
    public enum Values {
        /** As stored in the checkpoint (F32, BF16 or F16). */
        STORED,
        /** Prune, then quantize: INT8 with a float scale per row. */
        INT8
    }

    public LinearRuntime {
        if (mode == null || values == null) {
            throw new IllegalArgumentException("mode and values are required");
        }
        if (format == SparseFormat.DENSE) {
            throw new IllegalArgumentException("format DENSE: use mode DENSE instead");
        }
        if (format != null && mode != Mode.SPARSE) {
            throw new IllegalArgumentException("a forced format (" + format + ") needs mode SPARSE, found " + mode);
        }
        if (values == Values.INT8 && (mode == Mode.F32 || mode == Mode.DENSE)) {
            throw new IllegalArgumentException("INT8 values apply to sparse packings (mode AUTO or SPARSE), found " + mode);
        }
    }

    /** The float32 calibration path (what {@code new LlamaDecoder(model)} uses). */
    public static LinearRuntime f32() {
        return new LinearRuntime(Mode.F32, null, Values.STORED, null);
    }

    /** A mode with stored values, any fitting format and the default cache. */
    public static LinearRuntime of(Mode mode) {
        return new LinearRuntime(mode, null, Values.STORED, null);
    }

    public LinearRuntime withValues(Values v) {
        return new LinearRuntime(mode, format, v, calibrationCache);
    }

    public LinearRuntime withCache(Path dir) {
        return new LinearRuntime(mode, format, values, dir);
    }
}

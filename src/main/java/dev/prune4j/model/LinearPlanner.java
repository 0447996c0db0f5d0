package dev.prune4j.model;

import dev.prune4j.core.BadInputException;
import dev.prune4j.sparse.SparseMatrices;
import dev.prune4j.sparse.SparseMatrix;
import dev.prune4j.sparse.SparseSelector;
import dev.prune4j.sparse.ValueType;
import dev.prune4j.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Turns the weight tensors of a model's linear layers into operators under a
 * {@link LinearRuntime}: dense in the stored precision, or the packing that
 * {@link SparseSelector} measured fastest for the layer's pattern and shape (issue 7, item 3).
 */
public final class LinearPlanner {
    /**
     * One planned linear layer: W [out, in] with its measured sparsity (fraction of exact zeros),
     * the operator chosen, and the calibrated speedup over dense in the stored precision (1 when
     * not calibrated).
     */
    public record Planned(String name, int out, int in, double sparsity, SparseMatrix op, double expectedSpeedup) {
    }

    private final LinearRuntime runtime;
    private final SparseSelector selector;

    public LinearPlanner(LinearRuntime runtime) {
        if (runtime.mode() == LinearRuntime.Mode.F32) {
            throw new IllegalArgumentException("the F32 runtime keeps live float32 arrays; it needs no planner");
        }
        this.runtime = runtime;
        this.selector = new SparseSelector(runtime.calibrationCache());
    }

    /** Plans weight {@code name} ([out, in]) for products with m input rows (1: decode). */
    public Planned plan(String name, Tensor t, int m) {
        return plan(name, t, m, runtime.mode());
    }

    /** As {@link #plan(String, Tensor, int)} but always dense (e.g. an output head never pruned). */
    public Planned planDense(String name, Tensor t) {
        return plan(name, t, 1, LinearRuntime.Mode.DENSE);
    }

    private Planned plan(String name, Tensor t, int m, LinearRuntime.Mode mode) {
        if (t.rank() != 2) {
            throw new BadInputException(name + ": a linear weight must be 2-D [out, in], found shape " + t.shape());
        }
        int out = t.dim(0);
        int in = t.dim(1);
        ValueType stored = switch (t.dtype()) {
            case BF16 -> ValueType.BF16;
            case F16 -> ValueType.F16;
            default -> ValueType.F32;
        };
        if (mode == LinearRuntime.Mode.DENSE) {
            SparseMatrix op = stored == ValueType.F32
                    ? SparseMatrices.wrapDense(t.toF32().floatArray(), out, in)
                    : SparseMatrices.denseHalf(bits(t), out, in, stored);
            return new Planned(name, out, in, 1.0 - (double) op.nnz() / ((double) out * in), op, 1.0);
        }
        float[] w = t.toF32().floatArray(); // w: [out, in]
        ValueType sparseType = runtime.values() == LinearRuntime.Values.INT8 ? ValueType.INT8 : stored;
        SparseSelector.Options o = new SparseSelector.Options(stored, sparseType, runtime.format(),
                mode == LinearRuntime.Mode.AUTO, m);
        SparseSelector.Choice c;
        try {
            c = selector.choose(w, out, in, o);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(name + ": " + e.getMessage());
        }
        long zeros = 0;
        for (float v : w) {
            zeros += v == 0f ? 1 : 0;
        }
        return new Planned(name, out, in, (double) zeros / w.length, c.matrix(), c.expectedSpeedup());
    }

    /** The raw 16-bit patterns of a BF16/F16 tensor (little-endian in the file). */
    private static short[] bits(Tensor t) {
        MemorySegment seg = t.contiguousBytes();
        short[] out = new short[Math.toIntExact(t.numel())];
        MemorySegment.copy(seg, ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, out, 0, out.length);
        return out;
    }
}

package dev.prune4j.tensor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * An n-dimensional array: a dtype, a row-major {@link Shape}, element strides and an offset into
 * a storage {@link MemorySegment}. Views (reshape, slice, transpose, select) share storage.
 *
 * <p>Float32 tensors on the heap are backed by a {@code float[]} that kernels use directly
 * ({@link #floatArray()}, {@link #floatOffset()}). Other dtypes, and tensors read from files, live
 * in memory segments (off-heap or memory-mapped), so a checkpoint larger than the heap can be
 * read; {@link #toF32()} converts to a heap float32 copy for compute. Multi-byte values in
 * segments are little-endian, as in safetensors.
 */
public final class Tensor {
    private static final ValueLayout.OfFloat F32_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32_LE =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64_LE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final DType dtype;
    private final Shape shape;
    private final long[] strides;
    private final long offset;
    private final MemorySegment segment;
    private final float[] heap; // non-null only for heap float32 storage
    private final boolean readOnly;

    private Tensor(DType dtype, Shape shape, long[] strides, long offset, MemorySegment segment, float[] heap,
                   boolean readOnly) {
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.segment = segment;
        this.heap = heap;
        this.readOnly = readOnly;
    }

    // ---------------------------------------------------------------- construction

    /** A zero-filled float32 tensor on the heap. */
    public static Tensor zeros(int... dims) {
        return zeros(DType.F32, Shape.of(dims));
    }

    /** A zero-filled tensor of any dtype: float32 on the heap, others off-heap (GC-managed). */
    public static Tensor zeros(DType dtype, Shape shape) {
        if (dtype == DType.F32) {
            if (shape.numel() > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("float32 tensor of " + shape + " exceeds the heap array limit");
            }
            float[] a = new float[(int) shape.numel()];
            return new Tensor(dtype, shape, shape.contiguousStrides(), 0, MemorySegment.ofArray(a), a, false);
        }
        MemorySegment seg = Arena.ofAuto().allocate(Math.max(1, shape.numel() * dtype.byteSize()), 8);
        return new Tensor(dtype, shape, shape.contiguousStrides(), 0, seg, null, false);
    }

    /** Wraps a float array (not copied) as a float32 tensor of the given shape. */
    public static Tensor wrap(float[] data, int... dims) {
        Shape s = Shape.of(dims);
        if (s.numel() != data.length) {
            throw new IllegalArgumentException("wrap: shape " + s + " needs " + s.numel()
                    + " elements but the array has " + data.length);
        }
        return new Tensor(DType.F32, s, s.contiguousStrides(), 0, MemorySegment.ofArray(data), data, false);
    }

    /**
     * Wraps a segment holding {@code shape.numel()} contiguous little-endian elements of
     * {@code dtype}.
     */
    public static Tensor fromSegment(MemorySegment seg, DType dtype, Shape shape, boolean readOnly) {
        long need = shape.numel() * dtype.byteSize();
        if (seg.byteSize() != need) {
            throw new IllegalArgumentException("segment of " + seg.byteSize() + " bytes does not hold "
                    + dtype + " " + shape + " (" + need + " bytes)");
        }
        return new Tensor(dtype, shape, shape.contiguousStrides(), 0, seg, null, readOnly);
    }

    /**
     * Memory-maps {@code shape.numel()} elements of {@code dtype} at {@code byteOffset} in a file,
     * read-only. The mapping lives as long as the returned tensor is reachable.
     */
    public static Tensor map(Path file, long byteOffset, DType dtype, Shape shape) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long bytes = shape.numel() * dtype.byteSize();
            if (byteOffset < 0 || byteOffset + bytes > ch.size()) {
                throw new IOException(file + ": " + dtype + " " + shape + " at byte " + byteOffset
                        + " needs " + bytes + " bytes but the file has " + ch.size());
            }
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, byteOffset, bytes, Arena.ofAuto());
            return new Tensor(dtype, shape, shape.contiguousStrides(), 0, seg, null, true);
        }
    }

    // ---------------------------------------------------------------- properties

    public DType dtype() {
        return dtype;
    }

    public Shape shape() {
        return shape;
    }

    public int dim(int i) {
        return shape.dim(i);
    }

    public int rank() {
        return shape.rank();
    }

    public long numel() {
        return shape.numel();
    }

    public boolean isReadOnly() {
        return readOnly;
    }

    /** Element strides (a copy). */
    public long[] strides() {
        return strides.clone();
    }

    /** True when elements are laid out row-major without gaps. */
    public boolean isContiguous() {
        return Arrays.equals(strides, shape.contiguousStrides()) || shape.numel() <= 1;
    }

    /** True for heap float32 storage, usable by kernels through {@link #floatArray()}. */
    public boolean isHeapF32() {
        return heap != null;
    }

    /**
     * The backing float array of a contiguous heap float32 tensor; elements start at
     * {@link #floatOffset()}.
     *
     * @throws IllegalStateException for other storage or a non-contiguous view
     */
    public float[] floatArray() {
        if (heap == null || !isContiguous()) {
            throw new IllegalStateException("floatArray() needs a contiguous heap F32 tensor, this is "
                    + describe() + "; call toF32() first");
        }
        return heap;
    }

    /** Index of element 0 in {@link #floatArray()}. */
    public int floatOffset() {
        return (int) offset;
    }

    /** The storage segment (for writers that copy bytes). */
    public MemorySegment segment() {
        return segment;
    }

    /** Bytes of a contiguous tensor's elements as a segment slice. */
    public MemorySegment contiguousBytes() {
        if (!isContiguous()) {
            throw new IllegalStateException("contiguousBytes() on a non-contiguous view " + describe());
        }
        return segment.asSlice(offset * dtype.byteSize(), numel() * dtype.byteSize());
    }

    public String describe() {
        return dtype + shape.toString() + (heap != null ? " heap" : " segment") + (isContiguous() ? "" : " strided")
                + (readOnly ? " read-only" : "");
    }

    @Override
    public String toString() {
        return "Tensor(" + describe() + ")";
    }

    // ---------------------------------------------------------------- element access

    private long linear(long[] idx) {
        if (idx.length != shape.rank()) {
            throw new IllegalArgumentException("index of rank " + idx.length + " for tensor of shape " + shape);
        }
        long p = offset;
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= shape.dim(i)) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " outside shape " + shape);
            }
            p += idx[i] * strides[i];
        }
        return p;
    }

    private long linear(int[] idx) {
        long[] l = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
            l[i] = idx[i];
        }
        return linear(l);
    }

    /** Element at {@code idx}, converted to float. */
    public float get(int... idx) {
        return readAt(linear(idx));
    }

    /** Sets the element at {@code idx} (converted from float to this dtype). */
    public void set(float v, int... idx) {
        writeAt(linear(idx), v);
    }

    private float readAt(long p) {
        if (heap != null) {
            return heap[(int) p];
        }
        long b = p * dtype.byteSize();
        return switch (dtype) {
            case F32 -> segment.get(F32_LE, b);
            case F16 -> Halfs.f16ToFloat(segment.get(I16_LE, b));
            case BF16 -> Halfs.bf16ToFloat(segment.get(I16_LE, b));
            case I8 -> segment.get(ValueLayout.JAVA_BYTE, b);
            case U8 -> segment.get(ValueLayout.JAVA_BYTE, b) & 0xFF;
            case I32 -> segment.get(I32_LE, b);
            case I64 -> segment.get(I64_LE, b);
        };
    }

    private void writeAt(long p, float v) {
        if (readOnly) {
            throw new UnsupportedOperationException("tensor is read-only (" + describe() + ")");
        }
        if (heap != null) {
            heap[(int) p] = v;
            return;
        }
        long b = p * dtype.byteSize();
        switch (dtype) {
            case F32 -> segment.set(F32_LE, b, v);
            case F16 -> segment.set(I16_LE, b, Halfs.floatToF16(v));
            case BF16 -> segment.set(I16_LE, b, Halfs.floatToBf16(v));
            case I8 -> segment.set(ValueLayout.JAVA_BYTE, b, (byte) Math.round(v));
            case U8 -> segment.set(ValueLayout.JAVA_BYTE, b, (byte) Math.round(v));
            case I32 -> segment.set(I32_LE, b, Math.round(v));
            case I64 -> segment.set(I64_LE, b, (long) Math.rint(v));
        }
    }

    /** Integer element at {@code idx} for integer dtypes (exact for I64). */
    public long getLong(int... idx) {
        long p = linear(idx);
        long b = p * dtype.byteSize();
        return switch (dtype) {
            case I64 -> segment.get(I64_LE, b);
            case I32 -> segment.get(I32_LE, b);
            case I8 -> segment.get(ValueLayout.JAVA_BYTE, b);
            case U8 -> segment.get(ValueLayout.JAVA_BYTE, b) & 0xFF;
            default -> (long) readAt(p);
        };
    }

    // ---------------------------------------------------------------- views

    /** A view with a new shape of the same element count; needs a contiguous tensor. */
    public Tensor reshape(int... dims) {
        Shape s = Shape.of(dims);
        if (s.numel() != numel()) {
            throw new IllegalArgumentException("reshape: cannot view " + shape + " (" + numel() + " elements) as "
                    + s + " (" + s.numel() + " elements)");
        }
        if (!isContiguous()) {
            throw new IllegalStateException("reshape of a non-contiguous view " + describe() + "; call contiguous() first");
        }
        return new Tensor(dtype, s, s.contiguousStrides(), offset, segment, heap, readOnly);
    }

    /** A view of indices [from, to) along dimension {@code d}. */
    public Tensor slice(int d, int from, int to) {
        int n = shape.dim(d);
        if (from < 0 || to > n || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of dimension " + d + " in shape " + shape);
        }
        int[] dims = shape.dims();
        dims[d] = to - from;
        return new Tensor(dtype, Shape.of(dims), strides, offset + from * strides[d], segment, heap, readOnly);
    }

    /** A view of index {@code i} along dimension {@code d}, which is dropped. */
    public Tensor select(int d, int i) {
        if (i < 0 || i >= shape.dim(d)) {
            throw new IndexOutOfBoundsException("select " + i + " of dimension " + d + " in shape " + shape);
        }
        int[] dims = shape.dims();
        int[] nd = new int[dims.length - 1];
        long[] ns = new long[dims.length - 1];
        for (int a = 0, b = 0; a < dims.length; a++) {
            if (a != d) {
                nd[b] = dims[a];
                ns[b++] = strides[a];
            }
        }
        return new Tensor(dtype, Shape.of(nd), ns, offset + i * strides[d], segment, heap, readOnly);
    }

    /** A view with dimensions {@code a} and {@code b} swapped. */
    public Tensor transpose(int a, int b) {
        int[] dims = shape.dims();
        long[] s = strides.clone();
        int t = dims[a];
        dims[a] = dims[b];
        dims[b] = t;
        long u = s[a];
        s[a] = s[b];
        s[b] = u;
        return new Tensor(dtype, Shape.of(dims), s, offset, segment, heap, readOnly);
    }

    // ---------------------------------------------------------------- copies and conversion

    /** All elements in row-major order as a new float array. */
    public float[] toFloatArray() {
        if (numel() > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("toFloatArray: " + describe() + " exceeds the heap array limit");
        }
        float[] out = new float[(int) numel()];
        if (heap != null && isContiguous()) {
            System.arraycopy(heap, (int) offset, out, 0, out.length);
            return out;
        }
        if (isContiguous()) {
            copyContiguousToFloats(out);
            return out;
        }
        int[] idx = new int[rank()];
        for (int k = 0; k < out.length; k++) {
            long p = offset;
            for (int i = 0; i < idx.length; i++) {
                p += idx[i] * strides[i];
            }
            out[k] = readAt(p);
            for (int i = idx.length - 1; i >= 0; i--) {
                if (++idx[i] < shape.dim(i)) {
                    break;
                }
                idx[i] = 0;
            }
        }
        return out;
    }

    private void copyContiguousToFloats(float[] out) {
        long b = offset * dtype.byteSize();
        switch (dtype) {
            case F32 -> MemorySegment.copy(segment, F32_LE, b, out, 0, out.length);
            case BF16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Halfs.bf16ToFloat(segment.get(I16_LE, b + 2L * i));
                }
            }
            case F16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Halfs.f16ToFloat(segment.get(I16_LE, b + 2L * i));
                }
            }
            default -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = readAt(offset + i);
                }
            }
        }
    }

    /** A contiguous heap float32 copy (or this tensor if it already is one). */
    public Tensor toF32() {
        if (heap != null && isContiguous() && offset == 0 && heap.length == numel()) {
            return this;
        }
        return wrap(toFloatArray(), shape.dims());
    }

    /** A new contiguous tensor of {@code target} dtype holding these values (rounded as needed). */
    public Tensor to(DType target) {
        if (target == DType.F32) {
            return wrap(toFloatArray(), shape.dims());
        }
        Tensor out = zeros(target, shape);
        float[] v = toFloatArray();
        for (int i = 0; i < v.length; i++) {
            out.writeAt(i, v[i]);
        }
        return out;
    }

    /** A contiguous copy of this tensor in the same dtype (or this tensor if already contiguous). */
    public Tensor contiguous() {
        if (isContiguous()) {
            return this;
        }
        return dtype == DType.F32 ? wrap(toFloatArray(), shape.dims()) : to(dtype);
    }
}

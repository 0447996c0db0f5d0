package dev.prune4j.tensor;

import java.util.Arrays;

/**
 * A row-major shape. Immutable; validates that every dimension is non-negative and that the
 * element count fits in a long.
 */
public final class Shape {
    private final int[] dims;
    private final long numel;

    private Shape(int[] dims) {
        long n = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(dims));
            }
            n = Math.multiplyExact(n, d);
        }
        this.dims = dims;
        this.numel = n;
    }

    /** A shape with the given dimensions (copied). */
    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    /** A shape from long dimensions, each of which must fit in an int. */
    public static Shape ofLongs(long... dims) {
        int[] d = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] > Integer.MAX_VALUE || dims[i] < 0) {
                throw new IllegalArgumentException("dimension " + dims[i] + " out of range in shape "
                        + Arrays.toString(dims));
            }
            d[i] = (int) dims[i];
        }
        return new Shape(d);
    }

    public int rank() {
        return dims.length;
    }

    /** Dimension i; negative i counts from the end (-1 = last). */
    public int dim(int i) {
        return dims[i < 0 ? dims.length + i : i];
    }

    public int[] dims() {
        return dims.clone();
    }

    public long numel() {
        return numel;
    }

    /** Row-major (contiguous) strides in elements. */
    public long[] contiguousStrides() {
        long[] s = new long[dims.length];
        long acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    /** Throws if {@code other} differs, naming both shapes and {@code what}. */
    public void requireEqual(Shape other, String what) {
        if (!equals(other)) {
            throw new IllegalArgumentException(what + ": shape mismatch, expected " + this + " but found " + other);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}

package dev.prune4j.nn;

/** Stride and zero padding of a 2-D convolution or pooling window (same in both directions). */
public record Conv2dSpec(int stride, int padding) {
    public Conv2dSpec {
        if (stride < 1) {
            throw new IllegalArgumentException("stride must be ≥ 1, found " + stride);
        }
        if (padding < 0) {
            throw new IllegalArgumentException("padding must be ≥ 0, found " + padding);
        }
    }

    /** Output size along one axis for input size {@code in} and window {@code k}. */
    public int out(int in, int k) {
        int o = (in + 2 * padding - k) / stride + 1;
        if (o < 1) {
            throw new IllegalArgumentException("window " + k + " with padding " + padding + " does not fit input size " + in);
        }
        return o;
    }
}

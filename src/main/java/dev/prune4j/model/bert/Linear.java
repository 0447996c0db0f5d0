package dev.prune4j.model.bert;

/**
 * A dense layer {@code y = x·Wᵀ + b}. W: [out, in] row-major (the Hugging Face layout), b: [out].
 * The arrays are shared, not copied: pruning writes zeros into {@code weight} in place.
 */
public record Linear(float[] weight, float[] bias, int out, int in) {
    public Linear {
        if (weight.length != (long) out * in || bias.length != out) {
            throw new IllegalArgumentException("Linear [" + out + ", " + in + "] needs " + (long) out * in
                    + " weights and " + out + " biases, found " + weight.length + " and " + bias.length);
        }
    }
}

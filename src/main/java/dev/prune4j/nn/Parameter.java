package dev.prune4j.nn;

import java.util.Arrays;

/**
 * A trainable tensor of a layer: its {@link Variable} (value updated in place by optimizers), its
 * {@link Role}, and an optional pruning mask (1 = kept, 0 = pruned). While a mask is set, the
 * pruned entries are kept exactly zero: {@link #setMask} zeroes them, optimizers zero their
 * gradient and their state, and re-apply the mask after every step.
 */
public final class Parameter {
    /** What a parameter is for; only {@link #WEIGHT} tensors are pruned by default. */
    public enum Role { WEIGHT, BIAS, NORM_SCALE, NORM_SHIFT }

    private final Variable variable;
    private final Role role;
    private float[] mask;

    public Parameter(Variable variable, Role role) {
        if (!variable.requiresGrad()) {
            throw new IllegalArgumentException("a parameter must be a trainable leaf");
        }
        this.variable = variable;
        this.role = role;
    }

    /** A new trainable parameter of the given shape holding {@code values} (not copied). */
    public static Parameter of(Role role, float[] values, int... shape) {
        return new Parameter(Variable.leaf(values, shape), role);
    }

    public Variable variable() {
        return variable;
    }

    public float[] value() {
        return variable.value();
    }

    public int[] shape() {
        return variable.shape();
    }

    public int size() {
        return variable.size();
    }

    public Role role() {
        return role;
    }

    /** The mask (1 = kept, 0 = pruned), or null when dense. Do not modify; use {@link #setMask}. */
    public float[] mask() {
        return mask;
    }

    /** Sets the mask (copied; entries must be 0 or 1) and zeroes the pruned weights; null removes it. */
    public void setMask(float[] newMask) {
        if (newMask == null) {
            mask = null;
            return;
        }
        if (newMask.length != size()) {
            throw new IllegalArgumentException("mask has " + newMask.length + " entries, parameter " + Arrays.toString(shape()) + " has " + size());
        }
        for (float m : newMask) {
            if (m != 0f && m != 1f) {
                throw new IllegalArgumentException("mask entries must be 0 or 1, found " + m);
            }
        }
        mask = newMask.clone();
        applyMask(value());
    }

    /** Zeroes the entries of {@code a} (same length as the parameter) where the mask is 0. */
    public void applyMask(float[] a) {
        if (mask == null) {
            return;
        }
        for (int i = 0; i < a.length; i++) {
            if (mask[i] == 0f) {
                a[i] = 0f;
            }
        }
    }

    /** Number of exactly-zero values. */
    public int zeros() {
        int z = 0;
        for (float v : value()) {
            if (v == 0f) {
                z++;
            }
        }
        return z;
    }

    /** Number of entries the mask prunes (0 when dense). */
    public int pruned() {
        if (mask == null) {
            return 0;
        }
        int z = 0;
        for (float m : mask) {
            if (m == 0f) {
                z++;
            }
        }
        return z;
    }
}

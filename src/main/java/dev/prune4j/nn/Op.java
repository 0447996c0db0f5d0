package dev.prune4j.nn;

/**
 * One differentiable operation: its forward computation happens in a factory method of
 * {@link F}; the op object keeps what the backward rule needs and implements exactly that rule.
 * A new op (RMSNorm, RoPE, attention …) is one new subclass with one {@link #backward} method.
 */
public abstract class Op {
    private final Variable[] inputs;

    protected Op(Variable... inputs) {
        this.inputs = inputs;
    }

    /** The inputs, in the order the forward function took them. */
    public final Variable[] inputs() {
        return inputs;
    }

    /** A short name for messages ("matmulT", "relu", …). */
    public abstract String name();

    /**
     * Adds d(loss)/d(input) into the gradient buffer of every input that requires a gradient,
     * given {@code out.grad()} = d(loss)/d(out).
     */
    protected abstract void backward(Variable out);

    /** The gradient buffer of input {@code i}, or null when that input needs no gradient. */
    protected final float[] gradOf(int i) {
        Variable v = inputs[i];
        return v.requiresGrad() ? v.gradBuffer() : null;
    }

    /** Wraps a computed value as this op's output. */
    protected final Variable output(float[] value, int... shape) {
        return Variable.result(value, shape, this);
    }
}

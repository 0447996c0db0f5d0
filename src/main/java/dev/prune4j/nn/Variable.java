package dev.prune4j.nn;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * A node of the autograd graph: a float32 value of some shape, the gradient of the loss with
 * respect to it (allocated when first needed), and the {@link Op} that made it (null for leaves).
 * Values are row-major; an op's output only gets a creator when one of its inputs requires a
 * gradient, so evaluation without trainable inputs builds no graph.
 */
public final class Variable {
    private final float[] value;
    private final int[] shape;
    private final boolean requiresGrad;
    private final Op creator;
    private float[] grad;

    private Variable(float[] value, int[] shape, boolean requiresGrad, Op creator) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != value.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
                    + " values but the array has " + value.length);
        }
        this.value = value;
        this.shape = shape.clone();
        this.requiresGrad = requiresGrad;
        this.creator = creator;
    }

    /** A constant (no gradient): inputs, labels, teacher outputs. The array is not copied. */
    public static Variable constant(float[] value, int... shape) {
        return new Variable(value, shape, false, null);
    }

    /** A trainable leaf: its gradient accumulates over backward passes until {@link #zeroGrad()}. */
    public static Variable leaf(float[] value, int... shape) {
        return new Variable(value, shape, true, null);
    }

    /** The output of {@code op}; it requires a gradient when any input does. */
    static Variable result(float[] value, int[] shape, Op op) {
        boolean needs = false;
        for (Variable in : op.inputs()) {
            needs |= in.requiresGrad;
        }
        return new Variable(value, shape, needs, needs ? op : null);
    }

    public float[] value() {
        return value;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dim(int i) {
        return shape[i];
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return value.length;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** The op that made this variable, or null for a leaf or a constant. */
    public Op creator() {
        return creator;
    }

    /** The gradient, or null if none has flowed here yet. */
    public float[] grad() {
        return grad;
    }

    /** The gradient array, allocated (zero) on first use; ops accumulate into it. */
    float[] gradBuffer() {
        if (grad == null) {
            grad = new float[value.length];
        }
        return grad;
    }

    public void zeroGrad() {
        if (grad != null) {
            Arrays.fill(grad, 0f);
        }
    }

    /** The single value of a scalar (any shape with one element). */
    public float item() {
        if (value.length != 1) {
            throw new IllegalStateException("item() needs one element, this variable has shape " + Arrays.toString(shape));
        }
        return value[0];
    }

    /**
     * Back-propagates from this scalar: seeds d(this)/d(this) = 1 and runs every op's backward
     * rule in reverse topological order, accumulating into the gradients of all variables that
     * require one. Intermediate gradients are kept (tests read them); leaves accumulate.
     */
    public void backward() {
        if (value.length != 1) {
            throw new IllegalStateException("backward() starts from a scalar loss, found shape " + Arrays.toString(shape));
        }
        if (!requiresGrad) {
            throw new IllegalStateException("backward(): the loss does not depend on anything that requires a gradient");
        }
        gradBuffer()[0] += 1f;
        for (Variable v : reverseTopologicalOrder()) {
            if (v.creator != null && v.grad != null) {
                v.creator.backward(v);
            }
        }
    }

    /** Variables reachable from this one, each after every variable that consumes it. */
    private List<Variable> reverseTopologicalOrder() {
        List<Variable> post = new ArrayList<>();
        Set<Variable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Variable> stack = new ArrayDeque<>();
        Deque<Integer> next = new ArrayDeque<>();
        stack.push(this);
        next.push(0);
        seen.add(this);
        while (!stack.isEmpty()) {
            Variable v = stack.peek();
            int i = next.pop();
            Variable[] ins = v.creator == null ? new Variable[0] : v.creator.inputs();
            if (i < ins.length) {
                next.push(i + 1);
                Variable child = ins[i];
                if (child.requiresGrad && seen.add(child)) {
                    stack.push(child);
                    next.push(0);
                }
            } else {
                stack.pop();
                post.add(v);
            }
        }
        Collections.reverse(post);
        return post;
    }

    @Override
    public String toString() {
        return "Variable" + Arrays.toString(shape) + (creator == null ? "" : " <- " + creator.name());
    }
}

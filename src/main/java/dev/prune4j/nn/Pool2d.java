package dev.prune4j.nn;

/** Max or average pooling with a k×k window. */
public record Pool2d(Kind kind, int k, Conv2dSpec spec) implements Module {
    /** Which reduction the window applies. */
    public enum Kind { MAX, AVG }

    public Pool2d {
        if (k < 1) {
            throw new IllegalArgumentException("pooling window must be ≥ 1, found " + k);
        }
    }

    /** A k×k window with stride k and no padding (LeNet's subsampling). */
    public static Pool2d max(int k) {
        return new Pool2d(Kind.MAX, k, new Conv2dSpec(k, 0));
    }

    public static Pool2d avg(int k) {
        return new Pool2d(Kind.AVG, k, new Conv2dSpec(k, 0));
    }

    @Override
    public Variable forward(Variable x, Pass pass) {
        return kind == Kind.MAX ? F.maxPool2d(x, k, spec) : F.avgPool2d(x, k, spec);
    }

    @Override
    public Pool2d copy() {
        return this;
    }
}

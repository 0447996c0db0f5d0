package dev.prune4j.nn;

import dev.prune4j.kernels.Kernels;
import dev.prune4j.kernels.Parallel;
import dev.prune4j.tensor.Rng;

/** Elementwise ops, reductions to a scalar and reshapes. */
final class PointwiseOps {
    private static final Kernels K = Kernels.get();

    private PointwiseOps() {
    }

    /** y = f(x) for an {@link Activation} f; dx = dy·f'(x). */
    static final class Apply extends Op {
        private final Activation f;

        private Apply(Variable x, Activation f) {
            super(x);
            this.f = f;
        }

        static Variable apply(Variable x, Activation f) {
            float[] xv = x.value();
            float[] y = new float[xv.length];
            if (f == Activation.RELU) {
                Parallel.forRange(y.length, 1024, y.length / 2, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        y[i] = Math.max(xv[i], 0f);
                    }
                });
            } else {
                for (int i = 0; i < y.length; i++) {
                    y[i] = (float) f.value(xv[i]);
                }
            }
            return new Apply(x, f).output(y, x.shape());
        }

        @Override
        public String name() {
            return f.name().toLowerCase(java.util.Locale.ROOT);
        }

        @Override
        protected void backward(Variable out) {
            float[] dx = gradOf(0);
            float[] dy = out.grad();
            float[] xv = inputs()[0].value();
            float[] yv = out.value();
            if (f == Activation.RELU) {
                // ≈ 1 ns per element; chunks of 1024 keep the vector loop whole
                Parallel.forRange(dx.length, 1024, dx.length, (from, to) -> {
                    for (int i = Lanes.ON ? Lanes.reluBackward(xv, dy, dx, from, to) : from; i < to; i++) {
                        if (xv[i] > 0f) {
                            dx[i] += dy[i];
                        }
                    }
                });
                return;
            }
            for (int i = 0; i < dx.length; i++) {
                dx[i] += (float) (dy[i] * f.derivative(xv[i], yv[i]));
            }
        }
    }

    /** y = a + s·b (same shapes): add (s = 1) and subtract (s = −1). */
    static final class AddScaled extends Op {
        private final float s;

        private AddScaled(Variable a, Variable b, float s) {
            super(a, b);
            this.s = s;
        }

        static Variable apply(Variable a, Variable b, float s) {
            Shapes.same(s == 1f ? "add" : "sub", a, b);
            float[] y = a.value().clone();
            K.axpy(y.length, s, b.value(), 0, y, 0);
            return new AddScaled(a, b, s).output(y, a.shape());
        }

        @Override
        public String name() {
            return s == 1f ? "add" : "addScaled";
        }

        @Override
        protected void backward(Variable out) {
            float[] dy = out.grad();
            float[] da = gradOf(0);
            if (da != null) {
                K.axpy(dy.length, 1f, dy, 0, da, 0);
            }
            float[] db = gradOf(1);
            if (db != null) {
                K.axpy(dy.length, s, dy, 0, db, 0);
            }
        }
    }

    /** y = a ⊙ b (same shapes). */
    static final class Mul extends Op {
        private Mul(Variable a, Variable b) {
            super(a, b);
        }

        static Variable apply(Variable a, Variable b) {
            Shapes.same("mul", a, b);
            float[] y = new float[a.size()];
            K.mul(y.length, a.value(), 0, b.value(), 0, y, 0);
            return new Mul(a, b).output(y, a.shape());
        }

        @Override
        public String name() {
            return "mul";
        }

        @Override
        protected void backward(Variable out) {
            float[] dy = out.grad();
            float[] da = gradOf(0);
            float[] av = inputs()[0].value();
            float[] bv = inputs()[1].value();
            if (da != null) {
                for (int i = 0; i < dy.length; i++) {
                    da[i] += dy[i] * bv[i];
                }
            }
            float[] db = gradOf(1);
            if (db != null) {
                for (int i = 0; i < dy.length; i++) {
                    db[i] += dy[i] * av[i];
                }
            }
        }
    }

    /** y = s·x for a constant s. */
    static final class Scale extends Op {
        private final float s;

        private Scale(Variable x, float s) {
            super(x);
            this.s = s;
        }

        static Variable apply(Variable x, float s) {
            float[] y = x.value().clone();
            K.scale(y.length, s, y, 0);
            return new Scale(x, s).output(y, x.shape());
        }

        @Override
        public String name() {
            return "scale";
        }

        @Override
        protected void backward(Variable out) {
            K.axpy(out.size(), s, out.grad(), 0, gradOf(0), 0);
        }
    }

    /** y = Σ x (a scalar of shape [1]), accumulated in double. */
    static final class Sum extends Op {
        private Sum(Variable x) {
            super(x);
        }

        static Variable apply(Variable x) {
            double s = 0;
            for (float v : x.value()) {
                s += v;
            }
            return new Sum(x).output(new float[] {(float) s}, 1);
        }

        @Override
        public String name() {
            return "sum";
        }

        @Override
        protected void backward(Variable out) {
            float g = out.grad()[0];
            float[] dx = gradOf(0);
            for (int i = 0; i < dx.length; i++) {
                dx[i] += g;
            }
        }
    }

    /** A new shape over the same values (the value array is shared, the gradient is not). */
    static final class Reshape extends Op {
        private Reshape(Variable x) {
            super(x);
        }

        static Variable apply(Variable x, int... shape) {
            if (Shapes.numel(shape) != x.size()) {
                throw new IllegalArgumentException("reshape: " + x + " has " + x.size() + " values, shape "
                        + java.util.Arrays.toString(shape) + " needs " + Shapes.numel(shape));
            }
            return new Reshape(x).output(x.value(), shape);
        }

        @Override
        public String name() {
            return "reshape";
        }

        @Override
        protected void backward(Variable out) {
            K.axpy(out.size(), 1f, out.grad(), 0, gradOf(0), 0);
        }
    }

    /**
     * Inverted dropout (Srivastava et al. 2014): each element is kept with probability 1 − p and
     * scaled by 1/(1 − p), so evaluation needs no rescaling. The mask is drawn from the given Rng.
     */
    static final class Dropout extends Op {
        private final float[] keep; // 0 or 1/(1-p)

        private Dropout(Variable x, float[] keep) {
            super(x);
            this.keep = keep;
        }

        static Variable apply(Variable x, double p, Rng rng) {
            if (!(p >= 0 && p < 1)) {
                throw new IllegalArgumentException("dropout probability must be in [0, 1), found " + p);
            }
            float[] keep = new float[x.size()];
            float s = (float) (1 / (1 - p));
            for (int i = 0; i < keep.length; i++) {
                keep[i] = rng.nextDouble() >= p ? s : 0f;
            }
            float[] y = new float[keep.length];
            K.mul(y.length, x.value(), 0, keep, 0, y, 0);
            return new Dropout(x, keep).output(y, x.shape());
        }

        @Override
        public String name() {
            return "dropout";
        }

        @Override
        protected void backward(Variable out) {
            float[] dx = gradOf(0);
            float[] dy = out.grad();
            for (int i = 0; i < dx.length; i++) {
                dx[i] += dy[i] * keep[i];
            }
        }
    }
}

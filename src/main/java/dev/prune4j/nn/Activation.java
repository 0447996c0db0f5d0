package dev.prune4j.nn;

import dev.prune4j.kernels.MathUtil;

/**
 * Elementwise activation functions, each with its derivative (the backward rule of
 * {@link PointwiseOps.Apply}).
 */
public enum Activation {
    RELU {
        @Override
        double value(double x) {
            return x > 0 ? x : 0;
        }

        @Override
        double derivative(double x, double y) {
            return x > 0 ? 1 : 0;
        }
    },
    /** Exact GELU x·Φ(x) (Hendrycks &amp; Gimpel 2016); d/dx = Φ(x) + x·φ(x). */
    GELU {
        @Override
        double value(double x) {
            return 0.5 * x * (1 + MathUtil.erf(x / Math.sqrt(2)));
        }

        @Override
        double derivative(double x, double y) {
            double cdf = 0.5 * (1 + MathUtil.erf(x / Math.sqrt(2)));
            return cdf + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
        }
    },
    /** SiLU x·σ(x); d/dx = σ(x)·(1 + x·(1 − σ(x))). */
    SILU {
        @Override
        double value(double x) {
            return x / (1 + Math.exp(-x));
        }

        @Override
        double derivative(double x, double y) {
            double s = 1 / (1 + Math.exp(-x));
            return s * (1 + x * (1 - s));
        }
    },
    TANH {
        @Override
        double value(double x) {
            return Math.tanh(x);
        }

        @Override
        double derivative(double x, double y) {
            return 1 - y * y;
        }
    },
    SIGMOID {
        @Override
        double value(double x) {
            return 1 / (1 + Math.exp(-x));
        }

        @Override
        double derivative(double x, double y) {
            return y * (1 - y);
        }
    };

    abstract double value(double x);

    /** d value / dx at x, given y = value(x). */
    abstract double derivative(double x, double y);
}

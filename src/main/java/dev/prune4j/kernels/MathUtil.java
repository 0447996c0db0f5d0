package dev.prune4j.kernels;

/** Special functions the JDK lacks. */
public final class MathUtil {
    private MathUtil() {
    }

    /**
     * The error function, accurate to about 1.2e-7 relative (Numerical Recipes' erfc via a
     * Chebyshev fit, W. H. Press et al., 3rd ed., §6.2.2), enough for float32 GELU.
     */
    public static double erf(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1.0 - r : r - 1.0;
    }
}

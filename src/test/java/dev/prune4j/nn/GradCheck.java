package dev.prune4j.nn;

import dev.prune4j.tensor.Rng;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks an op's backward rule against central finite differences.
 *
 * <p>Why float32 is enough here: the ops compute in float32 (accumulating in double where it
 * matters), so the check probes L(x) = Σ r⊙f(x) with a fixed random r, summed in double, and
 * perturbs each input by h = 1e-2·max(1, |x|). The central difference has truncation error
 * O(h²·|f'''|) ≈ 1e-4 and rounding error ≈ ε₃₂·|L|/h ≈ 1e-5·|L| for the small shapes used; a wrong
 * rule (missing term, wrong sign, transposed index) is off by O(|g|). The tolerance
 * |analytic − numeric| ≤ 2e-3 + 2e-2·|numeric| separates the two by more than an order of
 * magnitude, which the tests confirm by failing when a rule is deliberately broken (see
 * {@code OpGradientTest#detectsAWrongRule}). Inputs to kinked ops (ReLU, max pooling) are drawn
 * away from the kinks.
 */
final class GradCheck {
    private GradCheck() {
    }

    static Variable param(Rng rng, float lo, float hi, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        rng.fillUniform(v, lo, hi);
        return Variable.leaf(v, shape);
    }

    /** Asserts that the gradients of f with respect to every input match finite differences. */
    static void check(String what, Function<Variable[], Variable> f, Variable... inputs) {
        Variable y0 = f.apply(inputs);
        Rng rng = new Rng(99);
        float[] r = new float[y0.size()];
        rng.fillUniform(r, -1, 1);
        for (Variable in : inputs) {
            in.zeroGrad();
        }
        Variable loss = F.sum(F.mul(f.apply(inputs), Variable.constant(r, y0.shape())));
        loss.backward();
        for (int k = 0; k < inputs.length; k++) {
            Variable in = inputs[k];
            if (!in.requiresGrad()) {
                continue;
            }
            float[] x = in.value();
            float[] g = in.grad();
            for (int i = 0; i < x.length; i++) {
                float orig = x[i];
                float h = 1e-2f * Math.max(1f, Math.abs(orig));
                x[i] = orig + h;
                double up = probe(f, inputs, r);
                x[i] = orig - h;
                double down = probe(f, inputs, r);
                x[i] = orig;
                double num = (up - down) / (2.0 * ((orig + h) - (orig - h)) / 2.0);
                double ana = g == null ? 0 : g[i];
                double tol = 2e-3 + 2e-2 * Math.abs(num);
                int idx = i;
                int inIdx = k;
                assertTrue(Math.abs(ana - num) <= tol, () -> what + ": input " + inIdx + " element " + idx
                        + ": backward " + ana + " vs finite difference " + num);
            }
        }
    }

    private static double probe(Function<Variable[], Variable> f, Variable[] inputs, float[] r) {
        float[] y = f.apply(inputs).value();
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += (double) r[i] * y[i];
        }
        return s;
    }
}

package dev.prune4j.prune.train;

import dev.prune4j.nn.Parameter;
import dev.prune4j.nn.Trainer;

import java.util.Map;

/**
 * RigL (Evci et al. 2020, "Rigging the Lottery: Making All Tickets Winners", Algorithm 1): ERK
 * random masks; every ΔT steps until T_end drop the fraction α_t = (α/2)(1 + cos(π·t/T_end)) of
 * active weights with the smallest magnitude and grow as many inactive ones with the largest
 * dense-gradient magnitude |∂L/∂w| (initialised to zero).
 */
public record RigL(double density, Layout layout, double alpha, int deltaT, double endFraction, int epochs) implements Method {
    public RigL {
        if (!(density > 0 && density < 1) || !(alpha > 0 && alpha < 1) || deltaT < 1 || !(endFraction > 0 && endFraction <= 1) || epochs < 1) {
            throw new IllegalArgumentException("RigL needs 0 < density < 1, 0 < alpha < 1, deltaT ≥ 1, 0 < endFraction ≤ 1, epochs ≥ 1");
        }
    }

    /** Fraction updated at step t of a run whose updates end at tEnd. */
    public double fractionAt(long t, long tEnd) {
        return alpha / 2 * (1 + Math.cos(Math.PI * t / tEnd));
    }

    @Override
    public void run(Session s) {
        SparseInit.apply(s, density, layout);
        long base = s.optimizer().steps();
        long tEnd = (long) (endFraction * epochs * s.stepsPerEpoch());
        // the gradient here is the dense one from backward: the optimizer has not masked it yet
        Trainer.GradHook hook = step -> {
            long t = step - base;
            if (t > 0 && t % deltaT == 0 && t < tEnd) {
                double f = fractionAt(t, tEnd);
                for (Map.Entry<String, Parameter> w : s.weights().entrySet()) {
                    float[] g = w.getValue().variable().grad();
                    float[] score = new float[g.length];
                    for (int i = 0; i < g.length; i++) {
                        score[i] = Math.abs(g[i]);
                    }
                    DropGrow.update(w.getValue(), f, score);
                }
            }
        };
        s.train(epochs, hook, Trainer.StepHook.NONE);
        s.record("RigL density " + density);
    }

    @Override
    public String describe() {
        return "RigL, " + layout + " density " + density + ", alpha " + alpha + ", deltaT " + deltaT + ", end " + endFraction + ", " + epochs + " epochs";
    }
}

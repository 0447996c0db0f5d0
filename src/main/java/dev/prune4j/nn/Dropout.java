package dev.prune4j.nn;

/** Inverted dropout (Srivastava et al. 2014), active only in training passes. */
public record Dropout(double p) implements Module {
    public Dropout {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), found " + p);
        }
    }

    @Override
    public Variable forward(Variable x, Pass pass) {
        return pass.training() && p > 0 ? F.dropout(x, p, pass.rng()) : x;
    }

    @Override
    public Dropout copy() {
        return this;
    }
}

package dev.prune4j.nn;

/** [N, ...] → [N, rest], between convolutions and linear layers. */
public record Flatten() implements Module {
    @Override
    public Variable forward(Variable x, Pass pass) {
        return F.flatten(x);
    }

    @Override
    public Flatten copy() {
        return this;
    }
}

package dev.prune4j.nn;

/** An activation function as a layer. */
public record Act(Activation f) implements Module {
    @Override
    public Variable forward(Variable x, Pass pass) {
        return F.activation(x, f);
    }

    @Override
    public Act copy() {
        return this;
    }
}

package dev.prune4j.nn;

import java.util.Map;

/**
 * A layer or a network: a differentiable function of its input with named parameters and named
 * non-trainable buffers (BatchNorm running statistics). Names are local; {@link Sequential}
 * prefixes them with the layer's name ("fc1.weight").
 */
public interface Module {
    Variable forward(Variable x, Pass pass);

    /** Trainable parameters by local name, in a stable order. */
    default Map<String, Parameter> parameters() {
        return Map.of();
    }

    /** Non-trainable state by local name (updated in place), in a stable order. */
    default Map<String, float[]> buffers() {
        return Map.of();
    }

    /** A deep copy (values, masks and buffers), for teachers, rewinding and what-if pruning. */
    Module copy();
}

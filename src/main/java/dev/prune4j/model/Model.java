package dev.prune4j.model;

import dev.prune4j.core.BadInputException;
import dev.prune4j.tensor.Shape;
import dev.prune4j.tensor.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model: its {@link Architecture} and its named parameters (mapped from files or on the heap,
 * any dtype). Construction checks that every parameter the architecture needs is present with
 * its shape; extra tensors in the file are kept but not used.
 *
 * @param source where the parameters came from (for messages and reports)
 */
public record Model(Architecture architecture, Map<String, Tensor> parameters, String source) {
    public Model {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        for (Map.Entry<String, Shape> e : architecture.parameterShapes().entrySet()) {
            Tensor t = parameters.get(e.getKey());
            if (t == null) {
                throw new BadInputException(source + ": missing tensor '" + e.getKey() + "' (" + architecture.modelType()
                        + " expects shape " + e.getValue() + ")");
            }
            if (!t.shape().equals(e.getValue())) {
                throw new BadInputException(source + ": tensor '" + e.getKey() + "' has shape " + t.shape()
                        + " but the config (" + architecture.describe() + ") implies " + e.getValue());
            }
        }
    }

    /** The parameter called {@code name} (which the architecture guarantees, or a clear error). */
    public Tensor parameter(String name) {
        Tensor t = parameters.get(name);
        if (t == null) {
            throw new BadInputException(source + ": missing tensor '" + name + "'");
        }
        return t;
    }

    /** A copy of this model with some parameters replaced (same names and shapes). */
    public Model withParameters(Map<String, Tensor> replaced) {
        Map<String, Tensor> m = new LinkedHashMap<>(parameters);
        m.putAll(replaced);
        return new Model(architecture, m, source);
    }

    /** Total number of elements over the architecture's parameters. */
    public long parameterCount() {
        long n = 0;
        for (String name : architecture.parameterShapes().keySet()) {
            n += parameters.get(name).numel();
        }
        return n;
    }
}

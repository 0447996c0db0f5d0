package dev.prune4j.nn;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Named layers applied in order; parameter names are "layer.local" (e.g. "fc1.weight"). */
public final class Sequential implements Module {
    /** A layer and its name. */
    public record Named(String name, Module module) {
        public Named {
            if (name == null || name.isBlank() || name.contains(".")) {
                throw new IllegalArgumentException("layer names must be non-empty and contain no '.', found '" + name + "'");
            }
        }
    }

    private final List<Named> layers;

    public Sequential(List<Named> layers) {
        Set<String> seen = new HashSet<>();
        for (Named n : layers) {
            if (!seen.add(n.name())) {
                throw new IllegalArgumentException("duplicate layer name '" + n.name() + "'");
            }
        }
        this.layers = List.copyOf(layers);
    }

    public List<Named> layers() {
        return layers;
    }

    @Override
    public Variable forward(Variable x, Pass pass) {
        Variable y = x;
        for (Named n : layers) {
            y = n.module().forward(y, pass);
        }
        return y;
    }

    @Override
    public Map<String, Parameter> parameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        for (Named n : layers) {
            n.module().parameters().forEach((k, v) -> m.put(n.name() + "." + k, v));
        }
        return m;
    }

    @Override
    public Map<String, float[]> buffers() {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (Named n : layers) {
            n.module().buffers().forEach((k, v) -> m.put(n.name() + "." + k, v));
        }
        return m;
    }

    /** The prunable weights (role WEIGHT) by full name. */
    public Map<String, Parameter> weights() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        parameters().forEach((k, v) -> {
            if (v.role() == Parameter.Role.WEIGHT) {
                m.put(k, v);
            }
        });
        return m;
    }

    @Override
    public Sequential copy() {
        List<Named> c = new ArrayList<>();
        for (Named n : layers) {
            c.add(new Named(n.name(), n.module().copy()));
        }
        return new Sequential(c);
    }

    /** Copies all parameter values, masks and buffers from a model of the same architecture. */
    public void loadFrom(Sequential other) {
        Map<String, Parameter> mine = parameters();
        Map<String, Parameter> theirs = other.parameters();
        if (!mine.keySet().equals(theirs.keySet())) {
            throw new IllegalArgumentException("architectures differ: " + mine.keySet() + " vs " + theirs.keySet());
        }
        mine.forEach((k, p) -> {
            Parameter q = theirs.get(k);
            if (q.size() != p.size()) {
                throw new IllegalArgumentException(k + ": " + p.size() + " vs " + q.size() + " values");
            }
            System.arraycopy(q.value(), 0, p.value(), 0, p.size());
            p.setMask(q.mask());
        });
        Map<String, float[]> theirBuf = other.buffers();
        buffers().forEach((k, b) -> System.arraycopy(theirBuf.get(k), 0, b, 0, b.length));
    }

    /** Total number of parameter values. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters().values()) {
            n += p.size();
        }
        return n;
    }
}

package dev.prune4j.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise backward rules on the Vector API where the scalar loop cannot be fast: a data-
 * dependent choice per element is a branch in scalar Java (x86 has no conditional move for
 * floats), and the sign of a pre-activation is a coin flip the branch predictor loses on half the
 * time. Each method does the leading whole vectors and returns where its scalar twin (the
 * readable rule, in the op) must continue.
 */
final class Lanes {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Whether the vector kernels are on (the one kernel switch). */
    static final boolean ON = "vector".equals(dev.prune4j.kernels.Kernels.get().name());

    private Lanes() {
    }

    /**
     * ReLU's rule dx[i] += (x[i] &gt; 0 ? dy[i] : 0) for the whole vectors in [from, to); returns
     * where the scalar rule must continue.
     */
    static int reluBackward(float[] x, float[] dy, float[] dx, int from, int to) {
        int end = from + S.loopBound(to - from);
        for (int i = from; i < end; i += S.length()) {
            VectorMask<Float> pos = FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f);
            FloatVector d = FloatVector.fromArray(S, dx, i);
            d.add(FloatVector.fromArray(S, dy, i), pos).intoArray(dx, i);
        }
        return end;
    }
}

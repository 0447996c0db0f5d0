package dev.prune4j.nn;

import java.util.Arrays;

/** Shape checks with messages that name the op and both shapes. */
final class Shapes {
    private Shapes() {
    }

    static void rank(String op, Variable v, int rank) {
        if (v.rank() != rank) {
            throw new IllegalArgumentException(op + ": expected a rank-" + rank + " input, found shape " + Arrays.toString(v.shape()));
        }
    }

    static void same(String op, Variable a, Variable b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(op + ": shapes differ: " + Arrays.toString(a.shape()) + " vs " + Arrays.toString(b.shape()));
        }
    }

    static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}

package dev.prune4j.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;

import static dev.prune4j.kernels.DoubleGemm.NR;
import static dev.prune4j.kernels.DoubleGemm.S;
import static dev.prune4j.kernels.DoubleGemm.VL;

/** Float64 level-1 helpers on the Vector API for the unblocked parts of {@link LinAlg}. */
final class DoubleVectors {
    private DoubleVectors() {
    }

    /** Σ a[ao + i]·b[bo + i] for i in [0, len). */
    static double dot(double[] a, int ao, double[] b, int bo, int len) {
        int i = 0;
        double s = 0;
        if (len >= 2 * VL) {
            DoubleVector s0 = DoubleVector.zero(S);
            DoubleVector s1 = DoubleVector.zero(S);
            for (; i + 2 * VL <= len; i += 2 * VL) {
                s0 = DoubleVector.fromArray(S, a, ao + i).fma(DoubleVector.fromArray(S, b, bo + i), s0);
                s1 = DoubleVector.fromArray(S, a, ao + i + VL).fma(DoubleVector.fromArray(S, b, bo + i + VL), s1);
            }
            s = Lanes.sum(s0.add(s1));
        }
        for (; i < len; i++) {
            s = Math.fma(a[ao + i], b[bo + i], s);
        }
        return s;
    }

    /** y[yo + i] += alpha·x[xo + i] for i in [0, len). */
    static void axpy(int len, double alpha, double[] x, int xo, double[] y, int yo) {
        int i = 0;
        DoubleVector av = DoubleVector.broadcast(S, alpha);
        for (; i + VL <= len; i += VL) {
            DoubleVector.fromArray(S, x, xo + i).fma(av, DoubleVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < len; i++) {
            y[yo + i] = Math.fma(alpha, x[xo + i], y[yo + i]);
        }
    }

    /** a[off + i] *= s for i in [0, len). */
    static void scale(double[] a, int off, int len, double s) {
        int i = 0;
        for (; i + VL <= len; i += VL) {
            DoubleVector.fromArray(S, a, off + i).mul(s).intoArray(a, off + i);
        }
        for (; i < len; i++) {
            a[off + i] *= s;
        }
    }

    /**
     * For a packed panel of NR-wide rows (NR = two vectors): x[dst .. dst + NR) −=
     * Σ_{p < j} c[co + p]·x[off + p·NR ..]; two interleaved accumulator pairs hide the FMA latency.
     */
    static void subtractCombination(double[] x, int off, double[] c, int co, int j, int dst) {
        DoubleVector e0 = DoubleVector.zero(S), e1 = DoubleVector.zero(S);
        DoubleVector o0 = DoubleVector.zero(S), o1 = DoubleVector.zero(S);
        int p = 0;
        for (; p + 1 < j; p += 2) {
            int r = off + p * NR;
            DoubleVector w = DoubleVector.broadcast(S, c[co + p]);
            e0 = DoubleVector.fromArray(S, x, r).fma(w, e0);
            e1 = DoubleVector.fromArray(S, x, r + VL).fma(w, e1);
            w = DoubleVector.broadcast(S, c[co + p + 1]);
            o0 = DoubleVector.fromArray(S, x, r + NR).fma(w, o0);
            o1 = DoubleVector.fromArray(S, x, r + NR + VL).fma(w, o1);
        }
        if (p < j) {
            int r = off + p * NR;
            DoubleVector w = DoubleVector.broadcast(S, c[co + p]);
            e0 = DoubleVector.fromArray(S, x, r).fma(w, e0);
            e1 = DoubleVector.fromArray(S, x, r + VL).fma(w, e1);
        }
        DoubleVector.fromArray(S, x, dst).sub(e0.add(o0)).intoArray(x, dst);
        DoubleVector.fromArray(S, x, dst + VL).sub(e1.add(o1)).intoArray(x, dst + VL);
    }
}
